import { withTransaction, type Db, type Tx } from '../../db/database';
import type { ParticipationState, ReviewState } from '../../db/types';
import {
  decidePendingProof,
  lockParticipationProofStates,
  reviewStateInScope,
  setParticipationState,
  type AnyReviewer,
  type DecidedProof,
} from './proof-review.repository';

export type { AnyReviewer, ProofToReview, Reviewer, StaffReviewer } from './proof-review.repository';
export { countProofsToReview, nextProofToReview } from './proof-review.repository';

/** A reason is one line a member reads: long enough to say something, short enough for a chat bubble. */
export const REJECT_REASON_MIN = 3;
export const REJECT_REASON_MAX = 300;

export type ReviewDecision = { readonly kind: 'approve' } | { readonly kind: 'reject'; readonly reason: string };

export type ReviewOutcome =
  | ({ readonly kind: 'approved' } & DecidedProof)
  | ({ readonly kind: 'rejected'; readonly reason: string } & DecidedProof)
  /** Another cadre (or staff member) decided it first; who, when known. */
  | { readonly kind: 'alreadyReviewed'; readonly state: ReviewState; readonly reviewedBy: string | null }
  /** Not (or no longer) a proof of this reviewer's branch. */
  | { readonly kind: 'notFound' };

export type ReasonCheck = { readonly ok: true; readonly reason: string } | { readonly ok: false; readonly problem: 'tooShort' | 'tooLong' };

/** A typed reject reason, tidied: spaces collapsed; refused when empty-ish or too long. */
export function checkRejectReason(text: string): ReasonCheck {
  const reason = text.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (reason.length < REJECT_REASON_MIN) return { ok: false, problem: 'tooShort' };
  if (reason.length > REJECT_REASON_MAX) return { ok: false, problem: 'tooLong' };
  return { ok: true, reason };
}

/**
 * A participation's state follows its proofs: approved once any proof is approved (a later
 * rejected extra proof takes nothing away), otherwise waiting while any proof waits, otherwise
 * rejected when every proof was; with no proof the member has only joined.
 */
export function participationStateFor(proofStates: readonly ReviewState[]): ParticipationState {
  if (proofStates.includes('approved')) return 'approved';
  if (proofStates.includes('pending')) return 'proofSubmitted';
  if (proofStates.includes('rejected')) return 'rejected';
  return 'joined';
}

/**
 * Records a cadre's decision on a proof of their branch (or a staff member's, on one in their
 * scope: staff-proof-review.service.ts) and brings its participation up to date, in one
 * transaction (the turn's, inside a dialog). Two reviewers deciding the same proof at once: the
 * first decision stands and the second is told it was already reviewed, and by whom.
 */
export async function reviewProof(db: Db | Tx, reviewer: AnyReviewer, proofId: string, decision: ReviewDecision, now: Date): Promise<ReviewOutcome> {
  let reason: string | null = null;
  if (decision.kind === 'reject') {
    const checked = checkRejectReason(decision.reason);
    if (!checked.ok) throw new RangeError(`reject reason ${checked.problem}`);
    reason = checked.reason;
  }
  return withTransaction(db, async (tx) => {
    const decided = await decidePendingProof(tx, reviewer, proofId, {
      state: decision.kind === 'approve' ? 'approved' : 'rejected',
      rejectReason: reason,
      at: now,
    });
    if (!decided) {
      const found = await reviewStateInScope(tx, reviewer, proofId);
      return found === undefined || found.state === 'pending' ? { kind: 'notFound' } : { kind: 'alreadyReviewed', state: found.state, reviewedBy: found.reviewedBy };
    }
    const states = await lockParticipationProofStates(tx, decided.participationId);
    await setParticipationState(tx, decided.participationId, participationStateFor(states), now);
    return reason === null ? { kind: 'approved', ...decided } : { kind: 'rejected', reason, ...decided };
  });
}
