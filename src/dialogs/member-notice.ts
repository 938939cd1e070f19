import { enqueueAfterTurn, turnDb } from '../bot/turn-scope';
import type { Db } from '../db/database';
import type { DeliveryPurpose } from '../db/types';
import { insertDeliveries } from '../domain/deliveries/deliveries.repository';
import { preferredIdentityOfMember } from '../domain/identities/member-contact.repository';
import type { OutboundMessage } from '../domain/shared/outbound-message';

/** Something a member is told about one subject (one proof, their registration). */
export interface MemberNotice {
  readonly purpose: DeliveryPurpose;
  /**
   * What the notice is about, e.g. `proof:<id>`. Deferred deliveries are collapsed per purpose and
   * topic when the member next writes (releaseDeferred), so the topic must name the subject: a
   * newer notice about the same subject may replace an older one, but the result of one proof
   * must never swallow another proof's.
   */
  readonly topic: string;
  readonly idempotencyKey: string;
  readonly message: OutboundMessage;
}

export { proofTopic, registrationNoticeKey, registrationTopic } from '../domain/deliveries/notice-topics';

/**
 * Tells a member (not the one of this turn) something, through the outbox: a delivery row in the
 * turn's transaction, handed to the outbound workers once the turn commits. The idempotency key
 * makes a retried turn harmless. A member with no channel identity left (erased) is not told.
 */
export async function noticeToMember(db: Db, memberId: string, notice: MemberNotice): Promise<boolean> {
  const tx = turnDb(db);
  const identityId = await preferredIdentityOfMember(tx, memberId);
  if (!identityId) return false;
  const inserted = await insertDeliveries(tx, [{ identityId, purpose: notice.purpose, idempotencyKey: notice.idempotencyKey, message: notice.message, topic: notice.topic }]);
  enqueueAfterTurn(inserted.map((d) => d.id));
  return true;
}
