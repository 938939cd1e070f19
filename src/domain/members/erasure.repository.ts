import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../db/database';
import type { ChannelId } from '../../db/types';

/** The SQL of erasing a member's personal data (erasure.service.ts says what and why). */

export interface IdentityToErase {
  readonly id: string;
  readonly channel: ChannelId;
  readonly platformUserId: string;
}

const ERASED = JSON.stringify({ erased: true });

/** An opaque stand-in for a platform id: unique, and tied to nothing outside this database. */
export function erasedPlatformId(): string {
  return `erased:${randomUUID()}`;
}

export async function identitiesOf(tx: Tx, memberId: string | null, identityId: string | null): Promise<IdentityToErase[]> {
  if (memberId === null && identityId === null) return [];
  const rows = await tx
    .selectFrom('channel_identities')
    .select(['id', 'channel', 'platform_user_id'])
    .where((eb) => {
      const ofMember = memberId ? [eb('member_id', '=', memberId)] : [];
      const asking = identityId ? [eb('id', '=', identityId)] : [];
      return eb.or([...ofMember, ...asking]);
    })
    .forUpdate()
    .execute();
  return rows.map((r) => ({ id: r.id, channel: r.channel, platformUserId: r.platform_user_id }));
}

export async function memberBranch(tx: Tx, memberId: string): Promise<{ branchId: string | null; status: string } | undefined> {
  const row = await tx.selectFrom('members').select(['branch_id', 'status']).where('id', '=', memberId).forUpdate().executeTakeFirst();
  return row && { branchId: row.branch_id, status: row.status };
}

/** Proofs keep counting (state, wave, platform, review) with their links, captions and image hashes gone; returns the hashes they had. */
export async function scrubProofs(tx: Tx, memberId: string, now: Date): Promise<{ proofs: number; imageHashes: string[] }> {
  const ofMember = tx.selectFrom('participations').select('id').where('member_id', '=', memberId);
  const hashes = await tx.selectFrom('proofs').select('image_sha256').where('participation_id', 'in', ofMember).where('image_sha256', 'is not', null).execute();
  // An image still waiting for its download has nothing to count or review: it goes, so the job finds nothing to fetch.
  await tx.deleteFrom('proofs').where('participation_id', 'in', ofMember).where('image_state', '=', 'awaiting').execute();
  const result = await tx
    .updateTable('proofs')
    .set({
      original_url: null,
      canonical_url: null,
      image_sha256: null,
      image_source_url: null,
      submitted_via_identity_id: null,
      caption: null,
      erased_at: now,
      reject_reason: sql<string | null>`case when reject_reason is null then null else '(đã xóa)' end`,
    })
    .where('participation_id', 'in', ofMember)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  return { proofs: Number(result.numUpdatedRows), imageHashes: [...new Set(hashes.map((r) => r.image_sha256).filter((h): h is string => h !== null))] };
}

/** Deletes stored image bytes (`media_images`, keyed by SHA-256) that no other member's proof uses any more. */
export async function deleteProofImagesNoLongerUsed(tx: Tx, imageHashes: readonly string[]): Promise<number> {
  if (imageHashes.length === 0) return 0;
  const result = await sql`
    delete from media_images m
    where m.sha256 = any(${[...imageHashes]}::text[])
      and not exists (select 1 from proofs p where p.image_sha256 = m.sha256)`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}

export async function scrubMemberRow(tx: Tx, memberId: string, now: Date): Promise<void> {
  await tx
    .updateTable('members')
    .set({ full_name: null, phone: null, unmatched_branch_note: null, registration_note: null, status: 'erased', erased_at: now, updated_at: now })
    .where('id', '=', memberId)
    .execute();
}

export async function scrubMemberContributions(tx: Tx, memberId: string): Promise<void> {
  await tx.updateTable('task_completions').set({ link_url: null }).where('member_id', '=', memberId).execute();
  // Good news not yet published is the member's own words: gone. Published items belong to the union's pages now.
  await tx.deleteFrom('content_items').where('submitted_by_member_id', '=', memberId).where('approval', '<>', 'approved').execute();
  await tx.updateTable('content_items').set({ submitted_by_member_id: null }).where('submitted_by_member_id', '=', memberId).execute();
  await tx.deleteFrom('link_codes').where('member_id', '=', memberId).execute();
}

export async function deleteIdentityPreferences(tx: Tx, identityIds: readonly string[]): Promise<void> {
  await tx.deleteFrom('subscriptions').where('identity_id', 'in', [...identityIds]).execute();
  await tx.deleteFrom('link_attempts').where('identity_id', 'in', [...identityIds]).execute();
}

/** Unsent messages are cancelled; every message's content goes. Returns how many rows were scrubbed. */
export async function scrubDeliveries(tx: Tx, identityIds: readonly string[], now: Date): Promise<number> {
  await tx
    .updateTable('deliveries')
    .set({ status: 'cancelled', updated_at: now })
    .where('identity_id', 'in', [...identityIds])
    .where('status', 'in', ['queued', 'deferred'])
    .execute();
  const result = await tx
    .updateTable('deliveries')
    .set({ payload: ERASED, error_message: null, updated_at: now })
    .where('identity_id', 'in', [...identityIds])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Finished inbound events of the conversation lose what the member sent and every trace of the
 * platform id (payload, conversation key, the event keys derived from it). Events still waiting
 * are left: they run later as a newcomer's.
 */
export async function scrubInboundEvents(tx: Tx, identity: IdentityToErase, anonymousKey: string): Promise<number> {
  const result = await tx
    .updateTable('inbound_events')
    .set({ payload: ERASED, conversation_key: anonymousKey, event_key: sql<string>`'erased:' || id::text`, last_error: null })
    .where('channel', '=', identity.channel)
    .where('conversation_key', '=', `${identity.channel}:${identity.platformUserId}`)
    .where('status', 'in', ['processing', 'processed', 'ignored', 'dead'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Dialog and user state of the conversation (botbuilder keys: `<channel>/conversations/<conversation>/`, `<channel>/users/<user>/`). */
export async function deleteBotState(tx: Tx, identity: IdentityToErase): Promise<void> {
  const escape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
  const prefixes = [`${identity.channel}/conversations/${identity.channel}:${identity.platformUserId}/`, `${identity.channel}/users/${identity.platformUserId}/`];
  for (const prefix of prefixes) await tx.deleteFrom('bot_state').where('key', 'like', `${escape(prefix)}%`).execute();
}

/** The identity keeps its row (history, counts) under an opaque id; nothing can reach or recognise it any more. */
export async function rekeyIdentity(tx: Tx, identityId: string, now: Date): Promise<void> {
  await tx
    .updateTable('channel_identities')
    .set({
      platform_user_id: erasedPlatformId(),
      member_id: null,
      display_name: null,
      profile_fetched_at: null,
      reachability: 'unreachable',
      unreachable_reason: 'erased',
      unreachable_at: now,
      updated_at: now,
    })
    .where('id', '=', identityId)
    .execute();
}

/**
 * The conversation goes on (the member is told the erasure is done) so this identity keeps its
 * platform id, but as a newcomer: its history moves to a new anonymous row and it is unlinked.
 */
export async function detachIdentityHistory(tx: Tx, identity: IdentityToErase, now: Date): Promise<string> {
  const anonymous = await tx
    .insertInto('channel_identities')
    .values({ channel: identity.channel, platform_user_id: erasedPlatformId(), reachability: 'unreachable', unreachable_reason: 'erased', unreachable_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx.updateTable('deliveries').set({ identity_id: anonymous.id }).where('identity_id', '=', identity.id).execute();
  await tx.updateTable('consents').set({ identity_id: anonymous.id }).where('identity_id', '=', identity.id).execute();
  await tx.updateTable('handover_threads').set({ identity_id: anonymous.id }).where('identity_id', '=', identity.id).execute();
  await tx.updateTable('link_codes').set({ used_by_identity_id: anonymous.id }).where('used_by_identity_id', '=', identity.id).execute();
  await tx
    .updateTable('channel_identities')
    .set({ member_id: null, display_name: null, profile_fetched_at: null, updated_at: now })
    .where('id', '=', identity.id)
    .execute();
  return anonymous.id;
}

/** Consents stay as anonymous records: tied to no identity that could be traced back. */
export async function anonymiseMemberConsents(tx: Tx, memberId: string): Promise<void> {
  await tx.updateTable('consents').set({ identity_id: null }).where('member_id', '=', memberId).execute();
}

export async function insertErasureAudit(
  tx: Tx,
  entry: { actorKind: 'member' | 'system' | 'staff'; staffUserId?: string; memberId: string | null; identityCount: number; unitId: string | null; details: Record<string, number | string>; ip?: string | null },
): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      actor_kind: entry.actorKind,
      actor_id: entry.actorKind === 'member' ? entry.memberId : entry.actorKind === 'staff' ? (entry.staffUserId ?? null) : null,
      ip: entry.ip ?? null,
      action: entry.memberId ? 'member.erased' : 'identity.erased',
      subject_kind: entry.memberId ? 'member' : 'identity',
      subject_id: entry.memberId,
      unit_id: entry.unitId,
      details: JSON.stringify({ identities: entry.identityCount, ...entry.details }),
    })
    .execute();
}
