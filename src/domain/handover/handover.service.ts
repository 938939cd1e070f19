import { withTransaction, type Db, type Tx } from '../../db/database';
import type { HandoverAttachment } from '../../db/types';
import { AppError } from '../../errors/app-error';
import { insertDeliveries } from '../deliveries/deliveries.repository';
import type { Outbox } from '../deliveries/outbox';
import {
  closeThreadRow,
  findThread,
  findUnclosedThread,
  insertThread,
  insertThreadMessage,
  listOpenThreadRows,
  listThreadMessages,
  markWaitingNotice,
  type OpenThreadSummary,
  type ThreadMessageRecord,
  type ThreadRecord,
} from './handover.repository';

/**
 * Handover ("gặp cán bộ"): the member asks for a person, the bot stops answering them and records
 * what they write into a thread staff read and answer (from the admin web, or the platform's own
 * inbox). The thread ends when staff close it, the member says "kết thúc", or 24 hours pass.
 */
export const HANDOVER_HOURS = 24;
const HOUR_MS = 3_600_000;
const MAX_TEXT = 5_000;

export type { OpenThreadSummary, ThreadMessageRecord, ThreadRecord };

/** The identity's thread while the bot is paused for it: not closed and not expired at `now`. */
export function isLive(thread: ThreadRecord, now: Date): boolean {
  return thread.closedAt === null && thread.expiresAt.getTime() > now.getTime();
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** Opens a thread for the identity, or returns its live one. An expired one is closed first. */
export async function openThread(
  db: Db | Tx,
  who: { identityId: string; memberId: string | null; branchId: string | null },
  now: Date,
): Promise<{ thread: ThreadRecord; created: boolean }> {
  const existing = await findUnclosedThread(db, who.identityId);
  if (existing && isLive(existing, now)) return { thread: existing, created: false };
  if (existing) await closeThreadRow(db, existing.id, { at: existing.expiresAt, by: 'expiry', staffUserId: null });
  const thread = await insertThread(db, { ...who, openedAt: now, expiresAt: new Date(now.getTime() + HANDOVER_HOURS * HOUR_MS) });
  return { thread, created: true };
}

export { findUnclosedThread };

/** Records what the member wrote while handed over. */
export async function recordMemberMessage(db: Db | Tx, threadId: string, text: string, attachments: readonly HandoverAttachment[], at: Date): Promise<void> {
  await insertThreadMessage(db, { threadId, direction: 'member', text: clip(text), attachments, at });
}

export async function noteWaitingNoticeSent(db: Db | Tx, threadId: string, at: Date): Promise<void> {
  await markWaitingNotice(db, threadId, at);
}

/** Closes a thread from the member's side ("kết thúc") or because it expired (then at its expiry time). */
export async function closeThreadBy(db: Db | Tx, thread: ThreadRecord, by: 'member' | 'expiry', now: Date): Promise<boolean> {
  return closeThreadRow(db, thread.id, { at: by === 'expiry' ? thread.expiresAt : now, by, staffUserId: null });
}

/** Staff inbox: threads waiting for a cadre, oldest first; a cadre passes their branch. */
export async function listOpenThreads(db: Db | Tx, now: Date, branchId?: string): Promise<OpenThreadSummary[]> {
  return listOpenThreadRows(db, now, branchId);
}

export async function threadMessages(db: Db | Tx, threadId: string): Promise<ThreadMessageRecord[]> {
  return listThreadMessages(db, threadId);
}

async function liveThreadOrFail(db: Db | Tx, threadId: string, now: Date): Promise<ThreadRecord> {
  const thread = await findThread(db, threadId);
  if (!thread) throw new AppError('NOT_FOUND', 'handover thread not found');
  if (!isLive(thread, now)) throw new AppError('CONFLICT', 'the handover thread is closed or expired');
  return thread;
}

/**
 * A cadre's reply: recorded in the thread and queued as a 'staffReply' delivery to the member's
 * identity (the outbound worker sends it on the member's channel, under the delivery policy). The
 * delivery is handed to `outbox` after the commit; the outbox relay finds it if that is lost.
 */
// Each staff reply has its own topic: deferred replies are all delivered when the member writes,
// never collapsed into the newest (the flush collapses rows of the same purpose and topic).
export async function replyToThread(db: Db, outbox: Outbox | null, threadId: string, staffUserId: string, text: string, now: Date): Promise<{ messageId: number; deliveryIds: number[] }> {
  const body = text.trim();
  if (body === '') throw new AppError('VALIDATION_FAILED', 'the reply is empty');
  const result = await withTransaction(db, async (tx) => {
    const thread = await liveThreadOrFail(tx, threadId, now);
    const messageId = await insertThreadMessage(tx, { threadId, direction: 'staff', text: clip(body), staffUserId, at: now });
    const inserted = await insertDeliveries(tx, [
      { identityId: thread.identityId, purpose: 'staffReply', topic: `handover:${threadId}:${messageId}`, idempotencyKey: `staffReply:${threadId}:${messageId}`, message: { text: clip(body) } },
    ]);
    return { messageId, deliveryIds: inserted.map((d) => d.id) };
  });
  await outbox?.enqueue(result.deliveryIds);
  return result;
}

/**
 * Staff close a thread: the bot answers the member again, and tells them so with `closingText`
 * (from the catalogue, passed by the caller: the domain holds no member-facing words).
 */
export async function closeThread(db: Db, outbox: Outbox | null, threadId: string, staffUserId: string, closingText: string, now: Date): Promise<{ closed: boolean; deliveryIds: number[] }> {
  const result = await withTransaction(db, async (tx) => {
    const thread = await findThread(tx, threadId);
    if (!thread) throw new AppError('NOT_FOUND', 'handover thread not found');
    const closed = await closeThreadRow(tx, threadId, { at: now, by: 'staff', staffUserId });
    if (!closed || !isLive(thread, now)) return { closed, deliveryIds: [] };
    const inserted = await insertDeliveries(tx, [
      { identityId: thread.identityId, purpose: 'staffReply', topic: `handover:${threadId}:closed`, idempotencyKey: `staffReply:${threadId}:closed`, message: { text: closingText } },
    ]);
    return { closed, deliveryIds: inserted.map((d) => d.id) };
  });
  if (result.deliveryIds.length > 0) await outbox?.enqueue(result.deliveryIds);
  return result;
}

/**
 * A reply staff typed in the platform's own inbox (Zalo OA chat tool, Page inbox), which the
 * platform already delivered: recorded into the identity's live thread, if there is one. Call it
 * from the turn pipeline where an InboundEvent of kind 'staffReply' is handled, in that turn's
 * transaction. Returns whether a thread took it.
 */
export async function recordStaffReplyFromPlatform(db: Db | Tx, identityId: string, text: string | undefined, at: Date = new Date()): Promise<boolean> {
  const thread = await findUnclosedThread(db, identityId);
  if (!thread || !isLive(thread, at)) return false;
  await insertThreadMessage(db, { threadId: thread.id, direction: 'staff', text: clip(text ?? ''), fromPlatformInbox: true, at });
  return true;
}
