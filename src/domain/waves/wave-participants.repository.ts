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

/**
 * The participants of a wave whose branch is in `branchIds` (null: every branch), by branch and
 * name, one page at a time, with their proofs (oldest first).
 */
export async function listWaveParticipants(
  db: Db,
  waveId: string,
  branchIds: readonly string[] | null,
  page: { readonly limit: number; readonly offset: number },
): Promise<{ total: number; participants: WaveParticipant[] }> {
  if (branchIds !== null && branchIds.length === 0) return { total: 0, participants: [] };
  let base = db.selectFrom('participations as pa').innerJoin('members as m', 'm.id', 'pa.member_id').where('pa.wave_id', '=', waveId);
  if (branchIds !== null) base = base.where('m.branch_id', 'in', [...branchIds]);
  const [{ n }, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    base
      .leftJoin('units as b', 'b.id', 'm.branch_id')
      .select([
        'pa.id',
        'pa.state',
        'pa.joined_at',
        'm.full_name',
        'm.role',
        'b.name as branch_name',
        sql<ParticipantProofLink[]>`coalesce((
          select json_agg(json_build_object(
            'id', p.id, 'kind', p.kind, 'url', coalesce(p.canonical_url, p.original_url), 'platform', p.platform,
            'imageSha256', case when p.image_state = 'stored' then p.image_sha256 end, 'reviewState', p.review_state)
            order by p.submitted_at, p.id)
          from proofs p where p.participation_id = pa.id and p.erased_at is null), '[]'::json)`.as('proofs'),
      ])
      .orderBy('b.name')
      .orderBy('m.full_name')
      .orderBy('pa.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
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
