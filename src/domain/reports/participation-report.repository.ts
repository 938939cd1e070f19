import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { MemberRole, ParticipationState } from '../../db/types';

/** Who the report counts: verified cadres and members (youth are not measured against the plan). */
export const COUNTED_ROLES: readonly MemberRole[] = ['cadre', 'member'];
/** What counts as taking part: a proof sent and not rejected. */
export const COUNTED_STATES: readonly ParticipationState[] = ['proofSubmitted', 'approved'];

export interface BranchParticipation {
  readonly branchId: string;
  readonly code: string;
  readonly name: string;
  readonly cadres: number;
  readonly cadresTookPart: number;
  readonly members: number;
  readonly membersTookPart: number;
}

/**
 * For one wave, every branch at or under `ownerUnitId` (within `branchIds` when given): its verified
 * cadres and members and how many of them took part, by the same rule as the member's own results
 * (participations.repository.ts branchTurnout: a proof sent and not rejected). Members are counted,
 * not channel identities, so a person on two channels counts once.
 *
 * People and participants are counted per branch apart and joined to the branches last: PostgreSQL
 * cannot estimate the recursive subtree, and when members were joined through it, it probed the
 * participations index once per member (50,000 probes, 290,000 buffers on the bench's district).
 * The people and who took part are read from branch_member_tallies and wave_branch_tallies (kept
 * by triggers with this rule, migration 0630) rather than from the members and the wave's
 * participations: a city has 500,000 members and its biggest wave 400,000 participations.
 */
export async function waveParticipationByBranch(db: Db | Tx, waveId: string, ownerUnitId: string, branchIds: readonly string[] | null): Promise<BranchParticipation[]> {
  const inScope = (column: 'r.branch_id' | 't.branch_id' | 'b.id') => (branchIds === null ? sql`true` : sql`${sql.ref(column)} in (select unnest(${[...branchIds]}::uuid[]))`);
  const { rows } = await sql<{ id: string; code: string; name: string; cadres: number; cadres_took_part: number; members: number; members_took_part: number }>`
    with recursive below(id, level) as (
      select id, level from units where id = ${ownerUnitId}
      union
      select u.id, u.level from units u join below b on u.parent_id = b.id
    ),
    people as (
      select r.branch_id, coalesce(sum(r.members) filter (where r.role = 'cadre'), 0)::int as cadres, coalesce(sum(r.members) filter (where r.role = 'member'), 0)::int as members
      from branch_member_tallies r
      where ${inScope('r.branch_id')}
      group by r.branch_id
    ),
    took_part as (
      select t.branch_id, coalesce(sum(t.took_part) filter (where t.role = 'cadre'), 0)::int as cadres, coalesce(sum(t.took_part) filter (where t.role = 'member'), 0)::int as members
      from wave_branch_tallies t
      where t.wave_id = ${waveId} and ${inScope('t.branch_id')}
      group by t.branch_id
    )
    select b.id, b.code, b.name,
      coalesce(pe.cadres, 0) as cadres, coalesce(t.cadres, 0) as cadres_took_part,
      coalesce(pe.members, 0) as members, coalesce(t.members, 0) as members_took_part
    from below
    join units b on b.id = below.id and below.level = 'branch'
    left join people pe on pe.branch_id = b.id
    left join took_part t on t.branch_id = b.id
    where ${inScope('b.id')}
    order by b.code`.execute(db);
  return rows.map((r) => ({
    branchId: r.id, code: r.code, name: r.name, cadres: r.cadres, cadresTookPart: r.cadres_took_part, members: r.members, membersTookPart: r.members_took_part,
  }));
}
