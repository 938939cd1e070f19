import { sql } from 'kysely';
import type { Db } from '../../db/database';
import type { MemberRole, ParticipationState, ProofPlatform, ReviewState } from '../../db/types';

/** One proof of a participant, as the participants list shows it (a link, or an image by its hash). */
export interface ParticipantProofLink {
  readonly id: string;
  readonly kind: 'link' | 'image';
  readonly url: string | null;
  readonly platform: ProofPlatform | null;
  readonly imageSha256: string | null;
  readonly reviewState: ReviewState;
}

/** A member who joined a wave: no phone, and no name once erased. */
export interface WaveParticipant {
  readonly participationId: string;
  readonly fullName: string | null;
  readonly role: MemberRole;
  readonly branchName: string | null;
  readonly state: ParticipationState;
  readonly joinedAt: Date;
  readonly proofs: readonly ParticipantProofLink[];
}

/** Stands for "no branch" in members_branch_name_idx (migration 0630): the nil uuid. */
const NO_BRANCH = sql.lit('00000000-0000-0000-0000-000000000000');

/**
 * The participants of a wave whose branch is in `branchIds` (null: every branch, and members of
 * none last), by branch and name, one page at a time, with their proofs (oldest first).
 * The page walks the branches in name order and, in each, its members by name
 * (members_branch_name_idx, members of no branch last) to their participation in the wave, stopping once the page is full
 * (an incremental sort over the branches' order): a first page reads a branch or two, not the
 * wave's 40,000 participations. The total is summed from wave_branch_participants (kept by triggers).
 */
export async function listWaveParticipants(
  db: Db,
  waveId: string,
  branchIds: readonly string[] | null,
  page: { readonly limit: number; readonly offset: number },
): Promise<{ total: number; participants: WaveParticipant[] }> {
  if (branchIds !== null && branchIds.length === 0) return { total: 0, participants: [] };
  const depth = page.offset + page.limit;
  // Ordered here so that the outer sort is incremental on the branch's name and stops early.
  const branches =
    branchIds === null
      ? sql`(select u.id, u.name from units u union all select ${NO_BRANCH}::uuid, null::text order by 2)`
      : sql`(select u.id, u.name from units u where u.id = any(${[...branchIds]}::uuid[]) order by u.name)`;
  const [{ n }, { rows }] = await Promise.all([
    db
      .selectFrom('wave_branch_participants as t')
      .select(sql<number>`coalesce(sum(t.participants), 0)::int`.as('n'))
      .where('t.wave_id', '=', waveId)
      .$if(branchIds !== null, (q) => q.where('t.branch_id', '=', sql<string>`any(${[...branchIds!]}::uuid[])`))
      .executeTakeFirstOrThrow(),
    sql<{ id: string; state: ParticipationState; joined_at: Date; full_name: string | null; role: MemberRole; branch_name: string | null; proofs: ParticipantProofLink[] }>`
      select x.id, x.state, x.joined_at, x.full_name, x.role, b.name as branch_name,
        coalesce((
          select json_agg(json_build_object(
            'id', p.id, 'kind', p.kind, 'url', coalesce(p.canonical_url, p.original_url), 'platform', p.platform,
            'imageSha256', case when p.image_state = 'stored' then p.image_sha256 end, 'reviewState', p.review_state)
            order by p.submitted_at, p.id)
          from proofs p where p.participation_id = x.id and p.erased_at is null), '[]'::json) as proofs
      from ${branches} as b(id, name)
      cross join lateral (
        select pa.id, pa.state, pa.joined_at, m.full_name, m.role
        from members m join participations pa on pa.member_id = m.id and pa.wave_id = ${waveId}
        where coalesce(m.branch_id, ${NO_BRANCH}::uuid) = b.id
        order by m.full_name, pa.id limit ${depth}
      ) x
      order by b.name, x.full_name, x.id
      limit ${page.limit} offset ${page.offset}`.execute(db),
  ]);
  return {
    total: Number(n),
    participants: rows.map((r) => ({
      participationId: r.id,
      fullName: r.full_name,
      role: r.role,
      branchName: r.branch_name,
      state: r.state,
      joinedAt: r.joined_at,
      proofs: r.proofs,
    })),
  };
}
