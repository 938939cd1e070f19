import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { MemberRole, ParticipationState, ProofPlatform, ReviewState } from '../../db/types';
import { COUNTED_ROLES, COUNTED_STATES } from './participation-report.repository';

/** The name of the deployment's root unit (the district union), for report headings. */
export async function findRootUnitName(db: Db | Tx): Promise<string | undefined> {
  const row = await db.selectFrom('units').select('name').where('parent_id', 'is', null).orderBy('created_at').limit(1).executeTakeFirst();
  return row?.name;
}

/** Each branch's cluster (khu vực / cụm) name; a branch straight under the district has none. */
export async function findClusterNames(db: Db | Tx, branchIds: readonly string[]): Promise<Map<string, string>> {
  if (branchIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('units as b')
    .innerJoin('units as c', 'c.id', 'b.parent_id')
    .select(['b.id', 'c.name'])
    .where('c.level', '=', 'cluster')
    .where(sql<boolean>`b.id = any(${[...branchIds]}::uuid[])`)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** One proof of a wave, as the participants sheet lists it (nothing but what a report needs: no phone). */
export interface ParticipantProof {
  readonly proofId: string;
  /** Null once the member's data was erased on request. */
  readonly fullName: string | null;
  readonly role: MemberRole;
  readonly branchName: string;
  readonly kind: 'link' | 'image';
  readonly link: string | null;
  readonly platform: ProofPlatform | null;
  readonly imageSha256: string | null;
  readonly submittedAt: Date;
  readonly reviewState: ReviewState;
  readonly rejectReason: string | null;
  readonly participationState: ParticipationState;
  /** The person counts in the branch's figures (participation-report.repository.ts's rule). */
  readonly counted: boolean;
}

/**
 * The wave's proofs from members of the given branches, by branch, name and time, read through a
 * cursor `batchSize` rows at a time, so a wave of any size goes out in constant memory.
 */
export async function* streamParticipantProofs(db: Db, waveId: string, branchIds: readonly string[], batchSize = 1_000): AsyncGenerator<ParticipantProof> {
  if (branchIds.length === 0) return;
  const rows = db
    .selectFrom('proofs as pr')
    .innerJoin('participations as p', 'p.id', 'pr.participation_id')
    .innerJoin('members as m', 'm.id', 'p.member_id')
    .innerJoin('units as b', 'b.id', 'm.branch_id')
    .select([
      'pr.id', 'm.full_name', 'm.role', 'b.name as branch_name', 'pr.kind', 'pr.original_url', 'pr.platform', 'pr.image_sha256',
      'pr.submitted_at', 'pr.review_state', 'pr.reject_reason', 'p.state',
      sql<boolean>`m.status = 'verified' and m.role = any(${[...COUNTED_ROLES]}::text[]) and p.state = any(${[...COUNTED_STATES]}::text[])`.as('counted'),
    ])
    .where('pr.wave_id', '=', waveId)
    // A hashed semi-join: `= any(array)` would compare every member with up to 300 ids.
    .where(sql<boolean>`m.branch_id in (select unnest(${[...branchIds]}::uuid[]))`)
    .orderBy('b.code')
    .orderBy('m.full_name')
    .orderBy('pr.submitted_at')
    .orderBy('pr.id')
    .stream(batchSize);
  for await (const r of rows) {
    yield {
      proofId: r.id, fullName: r.full_name, role: r.role, branchName: r.branch_name, kind: r.kind, link: r.original_url, platform: r.platform,
      imageSha256: r.image_sha256, submittedAt: r.submitted_at, reviewState: r.review_state, rejectReason: r.reject_reason,
      participationState: r.state, counted: r.counted,
    };
  }
}
