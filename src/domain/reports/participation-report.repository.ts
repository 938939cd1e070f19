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
 */
export async function waveParticipationByBranch(db: Db | Tx, waveId: string, ownerUnitId: string, branchIds: readonly string[] | null): Promise<BranchParticipation[]> {
  const { rows } = await sql<{ id: string; code: string; name: string; cadres: number; cadres_took_part: number; members: number; members_took_part: number }>`
    with recursive below(id, level) as (
      select id, level from units where id = ${ownerUnitId}
      union
      select u.id, u.level from units u join below b on u.parent_id = b.id
    )
    select b.id, b.code, b.name,
      count(m.id) filter (where m.role = 'cadre')::int as cadres,
      count(m.id) filter (where m.role = 'cadre' and p.id is not null)::int as cadres_took_part,
      count(m.id) filter (where m.role = 'member')::int as members,
      count(m.id) filter (where m.role = 'member' and p.id is not null)::int as members_took_part
    from below
    join units b on b.id = below.id and below.level = 'branch'
    left join members m on m.branch_id = b.id and m.status = 'verified' and m.role = any(${[...COUNTED_ROLES]}::text[])
    left join participations p on p.wave_id = ${waveId} and p.member_id = m.id and p.state = any(${[...COUNTED_STATES]}::text[])
    where ${branchIds === null ? sql`true` : sql`b.id = any(${[...branchIds]}::uuid[])`}
    group by b.id, b.code, b.name
    order by b.code`.execute(db);
  return rows.map((r) => ({
    branchId: r.id, code: r.code, name: r.name, cadres: r.cadres, cadresTookPart: r.cadres_took_part, members: r.members, membersTookPart: r.members_took_part,
  }));
}
