import { sql } from 'kysely';
import type { Db } from '../../db/database';
import type { ProofPlatform, ReviewState } from '../../db/types';

/** A proof as the admin web's review queue shows it. */
export interface QueuedProof {
  readonly id: string;
  readonly kind: 'link' | 'image';
  readonly memberName: string | null;
  readonly branchName: string | null;
  readonly waveId: string;
  readonly waveTitle: string;
  /** The canonical link when there is one, else what the member sent. */
  readonly url: string | null;
  readonly platform: ProofPlatform | null;
  /** Only once the image is stored (a signed URL can show it). */
  readonly imageSha256: string | null;
  readonly caption: string | null;
  readonly submittedAt: Date;
  readonly reviewState: ReviewState;
  readonly rejectReason: string | null;
  readonly reviewedBy: string | null;
  readonly reviewedAt: Date | null;
  /** Another member sent the same link (for any wave). */
  readonly duplicateLink: boolean;
  /** Another member sent the same image (by content hash). */
  readonly reusedImage: boolean;
}

export interface ProofQueueFilter {
  /** Null: every branch. */
  readonly branchIds: readonly string[] | null;
  readonly waveId?: string;
  readonly branchId?: string;
  /** Absent: every state. */
  readonly state?: ReviewState;
  /** Just this proof (its card, after a decision). */
  readonly proofId?: string;
  readonly limit: number;
  readonly offset: number;
}

/**
 * The proofs of members of the given branches, oldest first (the order the chat desk reviews in),
 * one page at a time. Like the chat's queue, it leaves out images still downloading (nothing to
 * look at yet) and erased members' proofs (nothing left to judge).
 */
export async function listProofsForStaff(db: Db, filter: ProofQueueFilter): Promise<{ total: number; proofs: QueuedProof[] }> {
  if (filter.branchIds !== null && filter.branchIds.length === 0) return { total: 0, proofs: [] };
  let base = db
    .selectFrom('proofs as p')
    .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
    .innerJoin('members as m', 'm.id', 'pa.member_id')
    .where('p.erased_at', 'is', null)
    .where((eb) => eb.or([eb('p.image_state', 'is', null), eb('p.image_state', '=', 'stored')]));
  if (filter.branchIds !== null) base = base.where('m.branch_id', 'in', [...filter.branchIds]);
  if (filter.branchId !== undefined) base = base.where('m.branch_id', '=', filter.branchId);
  if (filter.waveId !== undefined) base = base.where('p.wave_id', '=', filter.waveId);
  if (filter.state !== undefined) base = base.where('p.review_state', '=', filter.state);
  if (filter.proofId !== undefined) base = base.where('p.id', '=', filter.proofId);
  const [{ n }, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    base
      .innerJoin('waves as w', 'w.id', 'p.wave_id')
      .leftJoin('units as b', 'b.id', 'm.branch_id')
      .leftJoin('staff_users as su', 'su.id', 'p.reviewed_by_staff_id')
      .leftJoin('members as rm', 'rm.id', 'p.reviewed_by_member_id')
      .select([
        'p.id',
        'p.kind',
        'm.full_name',
        'b.name as branch_name',
        'w.id as wave_id',
        'w.title as wave_title',
        sql<string | null>`coalesce(p.canonical_url, p.original_url)`.as('url'),
        'p.platform',
        sql<string | null>`case when p.image_state = 'stored' then p.image_sha256 end`.as('image_sha256'),
        'p.caption',
        'p.submitted_at',
        'p.review_state',
        'p.reject_reason',
        sql<string | null>`coalesce(su.display_name, su.username, rm.full_name)`.as('reviewed_by'),
        'p.reviewed_at',
        sql<boolean>`p.canonical_url is not null and exists (
          select 1 from proofs o join participations opa on opa.id = o.participation_id
          where o.canonical_url = p.canonical_url and o.id <> p.id and opa.member_id <> m.id)`.as('duplicate_link'),
        sql<boolean>`p.image_sha256 is not null and exists (
          select 1 from proofs o join participations opa on opa.id = o.participation_id
          where o.image_sha256 = p.image_sha256 and o.id <> p.id and opa.member_id <> m.id)`.as('reused_image'),
      ])
      .orderBy('p.submitted_at')
      .orderBy('p.id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
  ]);
  return {
    total: Number(n),
    proofs: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      memberName: r.full_name,
      branchName: r.branch_name,
      waveId: r.wave_id,
      waveTitle: r.wave_title,
      url: r.url,
      platform: r.platform,
      imageSha256: r.image_sha256,
      caption: r.caption,
      submittedAt: r.submitted_at,
      reviewState: r.review_state,
      rejectReason: r.reject_reason,
      reviewedBy: r.reviewed_by,
      reviewedAt: r.reviewed_at,
      duplicateLink: r.duplicate_link,
      reusedImage: r.reused_image,
    })),
  };
}
