import { withTransaction, type Db, type Tx } from '../../db/database';
import { declinePendingRegistration, recordMemberAction, verifyPendingRegistration } from './member-verification.repository';

export type { PendingRegistration } from './member-verification.repository';
export { countPendingRegistrations, nextPendingRegistration } from './member-verification.repository';
export { maskPhone } from './phone-mask';

/** The cadre deciding: a verified cadre of one branch. */
export interface RegistrationReviewer {
  readonly memberId: string;
  readonly branchId: string;
}

export type RegistrationDecision = 'verify' | 'decline';

/** What became of the decision: done, or someone (another cadre, the roster import) decided first. */
export type RegistrationOutcome = 'verified' | 'declined' | 'alreadyDecided';

/**
 * A cadre's decision on a registration of their branch, with its trail in audit_log.
 * - verify: the member becomes verified by a cadre (the roster did not know them);
 * - decline: nothing is deleted; the member stays pending, leaves the branch's queue, and is asked
 *   to contact the branch; staff still see the registration (and who declined it) to sort it out.
 * Conditional on the registration still waiting, so two cadres never both decide it.
 */
export async function decideRegistration(
  db: Db | Tx,
  reviewer: RegistrationReviewer,
  memberId: string,
  decision: RegistrationDecision,
  now: Date,
): Promise<RegistrationOutcome> {
  if (memberId === reviewer.memberId) return 'alreadyDecided';
  return withTransaction(db, async (tx) => {
    const changed =
      decision === 'verify'
        ? await verifyPendingRegistration(tx, reviewer.branchId, memberId, now)
        : await declinePendingRegistration(tx, reviewer.branchId, memberId, reviewer.memberId, now);
    if (!changed) return 'alreadyDecided';
    await recordMemberAction(tx, {
      actorMemberId: reviewer.memberId,
      action: decision === 'verify' ? 'registration.verified' : 'registration.declined',
      subjectKind: 'member',
      subjectId: memberId,
      unitId: reviewer.branchId,
      at: now,
    });
    return decision === 'verify' ? 'verified' : 'declined';
  });
}
