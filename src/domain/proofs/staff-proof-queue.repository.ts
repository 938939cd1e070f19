import { sql, type RawBuilder } from 'kysely';
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

const REVIEW_STATES: readonly ReviewState[] = ['pending', 'approved', 'rejected'];
/** What the queue can show: the predicate of the proofs_queue_* partial indexes (migration 0630), written the same way. */
const VISIBLE = sql<boolean>`p.erased_at is null and (p.image_state is null or p.image_state = 'stored')`;

/**
 * The ids of one page, in queue order. Each (branch, state) pair — or each state alone when no
 * branch is asked — reads the first `offset + limit` proofs of its own slice of a proofs_queue_*
 * index (already in submitted_at, id order) and the slices are merged: a page costs about
 * `(offset + limit) × slices` index entries, however many proofs lie outside the scope or the filter.
 */
function pageIds(filter: ProofQueueFilter, branches: readonly string[] | null): RawBuilder<unknown> {
  const states = filter.state !== undefined ? [filter.state] : REVIEW_STATES;
  const depth = filter.offset + filter.limit;
  const wave = filter.waveId !== undefined ? sql`and q.wave_id = ${filter.waveId}` : sql``;
  const slices = branches === null ? sql`unnest(${states}::text[]) as s(state)` : sql`unnest(${[...branches]}::uuid[]) as b(id) cross join unnest(${states}::text[]) as s(state)`;
  const inBranch = branches === null ? sql`` : sql`and q.branch_id = b.id`;
  return sql`(
    select t.id from ${slices}
    cross join lateral (
      select q.id, q.submitted_at from proofs q
      where q.review_state = s.state ${inBranch} ${wave}
        and q.erased_at is null and (q.image_state is null or q.image_state = 'stored')
      order by q.submitted_at, q.id limit ${depth}
    ) t
    order by t.submitted_at, t.id limit ${filter.limit} offset ${filter.offset})`;
}

/** The branches a filter reads: the scope, narrowed to one branch when asked (null: every branch and none). */
function branchesOf(filter: ProofQueueFilter): readonly string[] | null {
  if (filter.branchId === undefined) return filter.branchIds;
  return filter.branchIds === null || filter.branchIds.includes(filter.branchId) ? [filter.branchId] : [];
}

/** How many proofs the filter matches, from proof_tallies (kept by triggers, migration 0630). */
async function countProofs(db: Db, filter: ProofQueueFilter, branches: readonly string[] | null): Promise<number> {
  const row = await db
    .selectFrom('proof_tallies as t')
    .select(sql<number>`coalesce(sum(t.proofs), 0)::int`.as('n'))
    .$if(branches !== null, (q) => q.where('t.branch_id', '=', sql<string>`any(${[...branches!]}::uuid[])`))
    .$if(filter.waveId !== undefined, (q) => q.where('t.wave_id', '=', filter.waveId!))
    .$if(filter.state !== undefined, (q) => q.where('t.review_state', '=', filter.state!))
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * The proofs of members of the given branches, oldest first (the order the chat desk reviews in),
 * one page at a time. Like the chat's queue, it leaves out images still downloading (nothing to
 * look at yet) and erased members' proofs (nothing left to judge). A proof's branch is its
 * member's (proofs.branch_id, kept by triggers); the total is summed from proof_tallies; the
 * duplicate / reused flags are looked up for the page's rows only.
 */
export async function listProofsForStaff(db: Db, filter: ProofQueueFilter): Promise<{ total: number; proofs: QueuedProof[] }> {
  const branches = branchesOf(filter);
  if (branches !== null && branches.length === 0) return { total: 0, proofs: [] };
  const proofsQuery =
    filter.proofId !== undefined
      ? db
          .selectFrom('proofs as p')
          .where(VISIBLE)
          .where('p.id', '=', filter.proofId)
          .$if(branches !== null, (q) => q.where('p.branch_id', '=', sql<string>`any(${[...branches!]}::uuid[])`))
          .$if(filter.waveId !== undefined, (q) => q.where('p.wave_id', '=', filter.waveId!))
          .$if(filter.state !== undefined, (q) => q.where('p.review_state', '=', filter.state!))
      : db.selectFrom('proofs as p').where(sql<boolean>`p.id in ${pageIds(filter, branches)}`);
  const [total, rows] = await Promise.all([
    filter.proofId !== undefined ? undefined : countProofs(db, filter, branches),
    proofsQuery
      .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
      .innerJoin('members as m', 'm.id', 'pa.member_id')
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
      .execute(),
  ]);
  return {
    total: total ?? rows.length,
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
