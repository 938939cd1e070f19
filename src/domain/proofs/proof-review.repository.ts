import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { ParticipationState, ProofPlatform, ReviewState } from '../../db/types';

/** The cadre doing the review: a verified cadre of one branch. */
export interface Reviewer {
  readonly memberId: string;
  readonly branchId: string;
}

/** A district staff member or branch cadre reviewing from the admin web: the branches in their scope (null: all). */
export interface StaffReviewer {
  readonly staffId: string;
  readonly branchIds: readonly string[] | null;
}

/** Who decides: a cadre in chat, or staff in the admin web. */
export type AnyReviewer = Reviewer | StaffReviewer;

function isStaff(reviewer: AnyReviewer): reviewer is StaffReviewer {
  return 'staffId' in reviewer;
}

/** A pending proof as its reviewer sees it. */
export interface ProofToReview {
  readonly id: string;
  readonly kind: 'link' | 'image';
  readonly memberId: string;
  readonly memberName: string;
  readonly waveTitle: string;
  readonly originalUrl: string | null;
  readonly canonicalUrl: string | null;
  readonly platform: ProofPlatform | null;
  readonly imageSha256: string | null;
  readonly caption: string | null;
  readonly submittedAt: Date;
  /** The same image (by content hash) or link is also another member's proof. */
  readonly duplicatesAnotherMember: boolean;
}

export interface DecidedProof {
  readonly proofId: string;
  readonly participationId: string;
  readonly memberId: string;
  readonly waveTitle: string;
  /** What was decided, so that the member's notice can name it (a member often sends more than one). */
  readonly proofKind: 'link' | 'image';
  readonly platform: ProofPlatform | null;
  readonly canonicalUrl: string | null;
}

function branchQueue(db: Db | Tx, reviewer: Reviewer) {
  return db
    .selectFrom('proofs as p')
    .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
    .innerJoin('members as m', 'm.id', 'pa.member_id')
    .where('p.review_state', '=', 'pending')
    // An image still downloading has nothing to look at yet; an erased member's proof has nothing left to judge.
    .where((eb) => eb.or([eb('p.image_state', 'is', null), eb('p.image_state', '=', 'stored')]))
    .where('p.erased_at', 'is', null)
    .where('m.branch_id', '=', reviewer.branchId)
    .where('m.id', '<>', reviewer.memberId);
}

/** How many proofs of the reviewer's branch wait for review (the reviewer's own are not theirs to judge). */
export async function countProofsToReview(db: Db | Tx, reviewer: Reviewer): Promise<number> {
  const row = await branchQueue(db, reviewer).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The oldest pending proof of the branch, leaving out those the reviewer skipped in this sitting. */
export async function nextProofToReview(db: Db | Tx, reviewer: Reviewer, skipped: readonly string[]): Promise<ProofToReview | undefined> {
  let query = branchQueue(db, reviewer)
    .innerJoin('waves as w', 'w.id', 'p.wave_id')
    .select([
      'p.id',
      'p.kind',
      'p.original_url',
      'p.canonical_url',
      'p.platform',
      'p.image_sha256',
      'p.caption',
      'p.submitted_at',
      'm.id as member_id',
      'm.full_name',
      'w.title as wave_title',
      sql<boolean>`exists (
        select 1 from proofs other
        join participations opa on opa.id = other.participation_id
        where other.id <> p.id and opa.member_id <> m.id
          and ((p.image_sha256 is not null and other.image_sha256 = p.image_sha256)
            or (p.canonical_url is not null and other.canonical_url = p.canonical_url)))`.as('duplicate'),
    ])
    .orderBy('p.submitted_at')
    .orderBy('p.id')
    .limit(1);
  if (skipped.length > 0) query = query.where(sql<boolean>`not (p.id = any(${[...skipped]}::uuid[]))`);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    kind: row.kind,
    memberId: row.member_id,
    memberName: row.full_name ?? '',
    waveTitle: row.wave_title,
    originalUrl: row.original_url,
    canonicalUrl: row.canonical_url,
    platform: row.platform,
    imageSha256: row.image_sha256,
    caption: row.caption,
    submittedAt: row.submitted_at,
    duplicatesAnotherMember: row.duplicate,
  };
}

export interface ProofDecisionFields {
  readonly state: Exclude<ReviewState, 'pending'>;
  readonly rejectReason: string | null;
  readonly at: Date;
}

/**
 * Records a decision on a proof that is still pending and still belongs to a member of the
 * reviewer's branch (never the reviewer's own). Conditional on review_state = 'pending', so of two
 * cadres deciding at once exactly one writes; the other gets undefined.
 */
export async function decidePendingProof(db: Db | Tx, reviewer: AnyReviewer, proofId: string, decision: ProofDecisionFields): Promise<DecidedProof | undefined> {
  if (isStaff(reviewer) && reviewer.branchIds !== null && reviewer.branchIds.length === 0) return undefined;
  let update = db
    .updateTable('proofs as p')
    .from('participations as pa')
    .innerJoin('members as m', 'm.id', 'pa.member_id')
    .innerJoin('waves as w', 'w.id', 'pa.wave_id')
    .set({
      review_state: decision.state,
      reject_reason: decision.rejectReason,
      reviewed_by_member_id: isStaff(reviewer) ? null : reviewer.memberId,
      reviewed_by_staff_id: isStaff(reviewer) ? reviewer.staffId : null,
      reviewed_at: decision.at,
    })
    .whereRef('pa.id', '=', 'p.participation_id')
    .where('p.id', '=', proofId)
    .where('p.review_state', '=', 'pending');
  if (isStaff(reviewer)) {
    if (reviewer.branchIds !== null) update = update.where('m.branch_id', 'in', [...reviewer.branchIds]);
  } else {
    update = update.where('m.branch_id', '=', reviewer.branchId).where('m.id', '<>', reviewer.memberId);
  }
  const row = await update.returning(['p.id', 'p.participation_id', 'pa.member_id', 'w.title', 'p.kind', 'p.platform', 'p.canonical_url']).executeTakeFirst();
  return (
    row && {
      proofId: row.id,
      participationId: row.participation_id,
      memberId: row.member_id,
      waveTitle: row.title,
      proofKind: row.kind,
      platform: row.platform,
      canonicalUrl: row.canonical_url,
    }
  );
}

/**
 * The review state of a proof in the reviewer's branch (or scope), and who decided it (a staff
 * member's display name or username, a cadre's name); undefined when it is not in the scope.
 */
export async function reviewStateInScope(db: Db | Tx, reviewer: AnyReviewer, proofId: string): Promise<{ state: ReviewState; reviewedBy: string | null } | undefined> {
  if (isStaff(reviewer) && reviewer.branchIds !== null && reviewer.branchIds.length === 0) return undefined;
  let query = db
    .selectFrom('proofs as p')
    .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
    .innerJoin('members as m', 'm.id', 'pa.member_id')
    .leftJoin('staff_users as su', 'su.id', 'p.reviewed_by_staff_id')
    .leftJoin('members as rm', 'rm.id', 'p.reviewed_by_member_id')
    .select(['p.review_state', sql<string | null>`coalesce(su.display_name, su.username, rm.full_name)`.as('reviewed_by')])
    .where('p.id', '=', proofId);
  if (!isStaff(reviewer)) query = query.where('m.branch_id', '=', reviewer.branchId);
  else if (reviewer.branchIds !== null) query = query.where('m.branch_id', 'in', [...reviewer.branchIds]);
  const row = await query.executeTakeFirst();
  return row && { state: row.review_state, reviewedBy: row.reviewed_by };
}

/**
 * Locks the participation (so two reviews of its proofs are applied one after the other) and
 * returns the review states of all its proofs as they are now.
 */
export async function lockParticipationProofStates(db: Db | Tx, participationId: string): Promise<ReviewState[]> {
  await db.selectFrom('participations').select('id').where('id', '=', participationId).forUpdate().execute();
  const rows = await db.selectFrom('proofs').select('review_state').where('participation_id', '=', participationId).execute();
  return rows.map((r) => r.review_state);
}

export async function setParticipationState(db: Db | Tx, participationId: string, state: ParticipationState, at: Date): Promise<void> {
  await db
    .updateTable('participations')
    .set({
      state,
      approved_at: state === 'approved' ? sql<Date>`coalesce(approved_at, ${at})` : sql<Date | null>`approved_at`,
      rejected_at: state === 'rejected' ? at : sql<Date | null>`rejected_at`,
      updated_at: at,
    })
    .where('id', '=', participationId)
    .execute();
}
