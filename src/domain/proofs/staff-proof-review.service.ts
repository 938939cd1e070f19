import { withTransaction, type Db } from '../../db/database';
import { recordStaffAction } from '../audit/audit.repository';
import { proofTopic } from '../deliveries/notice-topics';
import { insertDeliveries } from '../deliveries/deliveries.repository';
import { preferredIdentityOfMember } from '../identities/member-contact.repository';
import type { OutboundMessage } from '../shared/outbound-message';
import type { StaffPrincipal } from '../staff/staff-scope';
import { reviewProof, type ReviewDecision, type ReviewOutcome } from './proof-review.service';

/** A decision that stood, which the member is told of. */
export type DecidedOutcome = Extract<ReviewOutcome, { kind: 'approved' | 'rejected' }>;

export interface StaffReviewResult {
  readonly proofId: string;
  readonly outcome: ReviewOutcome;
}

/**
 * Staff decide proofs from the admin web, one or many: each proof in its own transaction with the
 * same conditional update the cadre desk in chat uses (reviewProof), so of two reviewers deciding
 * at once exactly one decision stands and the other reads who made it. When it stands, the
 * member's notice is written in that transaction as the chat writes it (a 'reviewResult' delivery
 * keyed `review:<proofId>`, so it exists once whoever decided), and the decision is audited.
 * Returns each proof's outcome and the deliveries to hand to the Outbox now that they committed.
 */
export async function reviewProofsAsStaff(
  db: Db,
  staff: StaffPrincipal,
  proofIds: readonly string[],
  decision: ReviewDecision,
  now: Date,
  noticeOf: (decided: DecidedOutcome) => OutboundMessage,
  ip: string | null = null,
): Promise<{ results: StaffReviewResult[]; deliveryIds: number[] }> {
  const reviewer = { staffId: staff.id, branchIds: staff.scope === null ? null : staff.scope.branchIds };
  const results: StaffReviewResult[] = [];
  const deliveryIds: number[] = [];
  for (const proofId of new Set(proofIds)) {
    const { outcome, ids } = await withTransaction(db, async (tx) => {
      const outcome = await reviewProof(tx, reviewer, proofId, decision, now);
      if (outcome.kind !== 'approved' && outcome.kind !== 'rejected') return { outcome, ids: [] };
      await recordStaffAction(tx, {
        staffUserId: staff.id,
        action: 'proof.reviewed',
        subjectKind: 'proof',
        subjectId: proofId,
        unitId: null,
        details: { decision: outcome.kind, waveTitle: outcome.waveTitle, ...(outcome.kind === 'rejected' ? { reason: outcome.reason } : {}) },
        ip,
      });
      const identityId = await preferredIdentityOfMember(tx, outcome.memberId);
      if (!identityId) return { outcome, ids: [] };
      const inserted = await insertDeliveries(tx, [{ identityId, purpose: 'reviewResult', idempotencyKey: `review:${proofId}`, message: noticeOf(outcome), topic: proofTopic(proofId) }]);
      return { outcome, ids: inserted.map((d) => d.id) };
    });
    results.push({ proofId, outcome });
    deliveryIds.push(...ids);
  }
  return { results, deliveryIds };
}
