import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { HandoverAttachment, HandoverClosedBy } from '../../db/types';

/** The only SQL for handover threads and their messages. */

export interface ThreadRecord {
  readonly id: string;
  readonly identityId: string;
  readonly memberId: string | null;
  readonly branchId: string | null;
  readonly openedAt: Date;
  readonly expiresAt: Date;
  readonly closedAt: Date | null;
  readonly closedBy: HandoverClosedBy | null;
  readonly waitingNoticeAt: Date | null;
}

export interface ThreadMessageRecord {
  readonly id: number;
  readonly direction: 'member' | 'staff';
  readonly text: string;
  readonly attachments: readonly HandoverAttachment[];
  readonly staffUserId: string | null;
  readonly fromPlatformInbox: boolean;
  readonly at: Date;
}

const THREAD_COLUMNS = ['id', 'identity_id', 'member_id', 'branch_id', 'opened_at', 'expires_at', 'closed_at', 'closed_by', 'waiting_notice_at'] as const;

function threadOf(r: {
  id: string;
  identity_id: string;
  member_id: string | null;
  branch_id: string | null;
  opened_at: Date;
  expires_at: Date;
  closed_at: Date | null;
  closed_by: HandoverClosedBy | null;
  waiting_notice_at: Date | null;
}): ThreadRecord {
  return {
    id: r.id,
    identityId: r.identity_id,
    memberId: r.member_id,
    branchId: r.branch_id,
    openedAt: r.opened_at,
    expiresAt: r.expires_at,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    waitingNoticeAt: r.waiting_notice_at,
  };
}

/** The identity's thread not closed yet (it may have expired: the caller decides). */
export async function findUnclosedThread(db: Db | Tx, identityId: string): Promise<ThreadRecord | undefined> {
  const row = await db.selectFrom('handover_threads').select([...THREAD_COLUMNS]).where('identity_id', '=', identityId).where('closed_at', 'is', null).executeTakeFirst();
  return row && threadOf(row);
}

export async function findThread(db: Db | Tx, threadId: string): Promise<ThreadRecord | undefined> {
  const row = await db.selectFrom('handover_threads').select([...THREAD_COLUMNS]).where('id', '=', threadId).executeTakeFirst();
  return row && threadOf(row);
}

export async function insertThread(
  db: Db | Tx,
  thread: { identityId: string; memberId: string | null; branchId: string | null; openedAt: Date; expiresAt: Date },
): Promise<ThreadRecord> {
  const row = await db
    .insertInto('handover_threads')
    .values({ identity_id: thread.identityId, member_id: thread.memberId, branch_id: thread.branchId, opened_at: thread.openedAt, expires_at: thread.expiresAt })
    .returning([...THREAD_COLUMNS])
    .executeTakeFirstOrThrow();
  return threadOf(row);
}

/** Closes the thread unless it is closed already; true when this call closed it. */
export async function closeThreadRow(db: Db | Tx, threadId: string, close: { at: Date; by: HandoverClosedBy; staffUserId: string | null }): Promise<boolean> {
  const result = await db
    .updateTable('handover_threads')
    .set({ closed_at: close.at, closed_by: close.by, closed_by_staff_id: close.staffUserId })
    .where('id', '=', threadId)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function markWaitingNotice(db: Db | Tx, threadId: string, at: Date): Promise<void> {
  await db.updateTable('handover_threads').set({ waiting_notice_at: at }).where('id', '=', threadId).execute();
}

export async function insertThreadMessage(
  db: Db | Tx,
  message: { threadId: string; direction: 'member' | 'staff'; text: string; attachments?: readonly HandoverAttachment[]; staffUserId?: string | null; fromPlatformInbox?: boolean; at: Date },
): Promise<number> {
  const row = await db
    .insertInto('handover_messages')
    .values({
      thread_id: message.threadId,
      direction: message.direction,
      text: message.text,
      attachments: JSON.stringify(message.attachments ?? []),
      staff_user_id: message.staffUserId ?? null,
      from_platform_inbox: message.fromPlatformInbox ?? false,
      at: message.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listThreadMessages(db: Db | Tx, threadId: string): Promise<ThreadMessageRecord[]> {
  const rows = await db
    .selectFrom('handover_messages')
    .select(['id', 'direction', 'text', 'attachments', 'staff_user_id', 'from_platform_inbox', 'at'])
    .where('thread_id', '=', threadId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, direction: r.direction, text: r.text, attachments: r.attachments, staffUserId: r.staff_user_id, fromPlatformInbox: r.from_platform_inbox, at: r.at }));
}

export interface OpenThreadSummary extends ThreadRecord {
  readonly memberName: string | null;
  readonly channel: string;
  readonly messageCount: number;
  readonly lastMessageAt: Date | null;
}

/** Threads neither closed nor expired at `now`, oldest first; only `branchId`'s when given. */
export async function listOpenThreadRows(db: Db | Tx, now: Date, branchId?: string): Promise<OpenThreadSummary[]> {
  let query = db
    .selectFrom('handover_threads as t')
    .innerJoin('channel_identities as i', 'i.id', 't.identity_id')
    .leftJoin('members as m', 'm.id', 't.member_id')
    .select(['t.id', 't.identity_id', 't.member_id', 't.branch_id', 't.opened_at', 't.expires_at', 't.closed_at', 't.closed_by', 't.waiting_notice_at', 'm.full_name', 'i.channel'])
    .select((eb) => [
      eb.selectFrom('handover_messages as hm').select((e) => e.fn.countAll<number>().as('n')).whereRef('hm.thread_id', '=', 't.id').as('message_count'),
      eb.selectFrom('handover_messages as hm').select((e) => e.fn.max('hm.at').as('last')).whereRef('hm.thread_id', '=', 't.id').as('last_message_at'),
    ])
    .where('t.closed_at', 'is', null)
    .where('t.expires_at', '>', now);
  if (branchId !== undefined) query = query.where('t.branch_id', '=', branchId);
  const rows = await query.orderBy('t.opened_at').execute();
  return rows.map((r) => ({
    ...threadOf(r),
    memberName: r.full_name,
    channel: r.channel,
    messageCount: Number(r.message_count ?? 0),
    lastMessageAt: r.last_message_at ? new Date(r.last_message_at as unknown as string) : null,
  }));
}

/** Erasure: the messages of every thread of these identities go; the threads stay as anonymous counts. */
export async function deleteMessagesOfIdentities(db: Db | Tx, identityIds: readonly string[]): Promise<number> {
  if (identityIds.length === 0) return 0;
  const result = await db
    .deleteFrom('handover_messages')
    .where('thread_id', 'in', (eb) => eb.selectFrom('handover_threads as ht').select('ht.id').where('ht.identity_id', 'in', [...identityIds]))
    .executeTakeFirst();
  await db
    .updateTable('handover_threads')
    .set({ closed_at: sql<Date>`now()`, closed_by: 'erasure', member_id: null })
    .where('identity_id', 'in', [...identityIds])
    .where('closed_at', 'is', null)
    .execute();
  await db.updateTable('handover_threads').set({ member_id: null }).where('identity_id', 'in', [...identityIds]).execute();
  return Number(result.numDeletedRows);
}
