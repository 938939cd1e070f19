import { withTransaction, type Db, type Tx } from '../../db/database';
import { deleteMessagesOfIdentities } from '../handover/handover.repository';
import {
  anonymiseMemberConsents,
  deleteBotState,
  deleteIdentityPreferences,
  deleteProofImagesNoLongerUsed,
  detachIdentityHistory,
  erasedPlatformId,
  identitiesOf,
  insertErasureAudit,
  memberBranch,
  rekeyIdentity,
  scrubDeliveries,
  scrubInboundEvents,
  scrubMemberContributions,
  scrubMemberRow,
  scrubProofs,
} from './erasure.repository';

/**
 * "xóa dữ liệu của tôi" (Decree 13/2023/NĐ-CP): a member's personal data goes for good, in one
 * transaction; what they took part in still counts, unlinked from any person.
 *
 * Gone: name, phone, the unmatched-branch note; proof links, captions and image hashes, and the
 * stored image bytes no one else's proof uses; task links; unpublished good news; platform ids
 * (each identity re-keyed to an opaque 'erased:<uuid>'), display names, dialog state, what the
 * member sent (inbound event payloads) and what we sent them (delivery payloads; unsent ones
 * cancelled); handover messages; subscriptions; link codes.
 * Kept, anonymous: the member row (status 'erased', branch and role, so that participations and
 * approved proofs still count in the branch's figures), participations and proofs without content,
 * consents (the member row they point to is anonymous), delivery and thread rows as counts, and an
 * audit entry with counts only.
 */
export interface ErasureRequest {
  /** The member to erase; null for someone never registered (only what their identity holds goes). */
  readonly memberId: string | null;
  /** The identity that asked (a chat turn, or the platform's data-deletion event); null when the member asked staff (admin web). */
  readonly identityId: string | null;
  /**
   * True when the conversation goes on (the member is told, in the same turn, that it is done): the
   * asking identity keeps its platform id but starts afresh as a newcomer, its history moved to a
   * new anonymous row. False: it is re-keyed like the member's other identities.
   */
  readonly keepConversation: boolean;
  readonly trigger: 'chat' | 'platformRequest' | 'staff';
  /** trigger 'staff': who carried out the request, and from where (the audit log says so). */
  readonly staff?: { readonly staffUserId: string; readonly ip: string | null };
  readonly now: Date;
}

export interface ErasureSummary {
  readonly identities: number;
  readonly proofs: number;
  readonly imagesDeleted: number;
  readonly deliveries: number;
  readonly inboundEvents: number;
  readonly handoverMessages: number;
}

export async function eraseMemberData(db: Db | Tx, request: ErasureRequest): Promise<ErasureSummary> {
  return withTransaction(db, async (tx) => {
    const { now } = request;
    const member = request.memberId ? await memberBranch(tx, request.memberId) : undefined;
    const memberId = member ? request.memberId : null;
    const identities = await identitiesOf(tx, memberId, request.identityId);
    const identityIds = identities.map((i) => i.id);

    let proofs = 0;
    let imagesDeleted = 0;
    if (memberId) {
      const scrubbed = await scrubProofs(tx, memberId, now);
      proofs = scrubbed.proofs;
      imagesDeleted = await deleteProofImagesNoLongerUsed(tx, scrubbed.imageHashes);
      await scrubMemberContributions(tx, memberId);
      await anonymiseMemberConsents(tx, memberId);
    }

    await deleteIdentityPreferences(tx, identityIds);
    const handoverMessages = await deleteMessagesOfIdentities(tx, identityIds);
    const deliveries = await scrubDeliveries(tx, identityIds, now);
    let inboundEvents = 0;
    for (const identity of identities) {
      inboundEvents += await scrubInboundEvents(tx, identity, erasedPlatformId());
      await deleteBotState(tx, identity);
      if (request.keepConversation && identity.id === request.identityId) await detachIdentityHistory(tx, identity, now);
      else await rekeyIdentity(tx, identity.id, now);
    }

    if (memberId) await scrubMemberRow(tx, memberId, now);
    const summary: ErasureSummary = { identities: identities.length, proofs, imagesDeleted, deliveries, inboundEvents, handoverMessages };
    await insertErasureAudit(tx, {
      actorKind: request.trigger === 'chat' ? 'member' : request.trigger === 'staff' && request.staff ? 'staff' : 'system',
      ...(request.staff ? { staffUserId: request.staff.staffUserId, ip: request.staff.ip } : {}),
      memberId,
      identityCount: identities.length,
      unitId: member?.branchId ?? null,
      details: { trigger: request.trigger, proofs, imagesDeleted, deliveries, inboundEvents, handoverMessages },
    });
    return summary;
  });
}
