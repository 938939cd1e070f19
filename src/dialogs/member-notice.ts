import { enqueueAfterTurn, turnDb } from '../bot/turn-scope';
import type { Db } from '../db/database';
import type { DeliveryPurpose } from '../db/types';
import { insertDeliveries } from '../domain/deliveries/deliveries.repository';
import { preferredIdentityOfMember } from '../domain/identities/member-contact.repository';
import type { OutboundMessage } from '../domain/shared/outbound-message';

/**
 * Tells a member (not the one of this turn) something, through the outbox: a delivery row in the
 * turn's transaction, handed to the outbound workers once the turn commits. The idempotency key
 * makes a retried turn harmless. A member with no channel identity left (erased) is not told.
 */
export async function noticeToMember(db: Db, memberId: string, purpose: DeliveryPurpose, idempotencyKey: string, message: OutboundMessage): Promise<boolean> {
  const tx = turnDb(db);
  const identityId = await preferredIdentityOfMember(tx, memberId);
  if (!identityId) return false;
  const inserted = await insertDeliveries(tx, [{ identityId, purpose, idempotencyKey, message, topic: purpose }]);
  enqueueAfterTurn(inserted.map((d) => d.id));
  return true;
}
