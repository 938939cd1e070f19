import type { Db } from '../../db/database';
import { AppError } from '../../errors/app-error';
import { recordStaffAction } from '../audit/audit.repository';
import type { Outbox } from '../deliveries/outbox';
import type { StaffPrincipal } from '../staff/staff-scope';
import { scopeIncludesBranch } from '../staff/staff-scope';
import { findThread } from './handover.repository';
import { closeThread, isLive, listOpenThreads, replyToThread, threadMessages, type OpenThreadSummary, type ThreadMessageRecord, type ThreadRecord } from './handover.service';

/**
 * Hộp thư: the handover threads as staff answer them from the admin web, inside their scope (a
 * thread of someone without a branch: the district admin only). Replies and closing go through
 * handover.service (a staffReply delivery under the delivery policy), with the staff member's
 * trail in audit_log (without the text: that stays in the thread).
 */

const NOT_FOUND = 'Không tìm thấy cuộc trò chuyện này, hoặc nó không thuộc phạm vi của tài khoản.';

function visibleTo(staff: StaffPrincipal, branchId: string | null): boolean {
  return staff.scope === null || (branchId !== null && scopeIncludesBranch(staff.scope, branchId));
}

/** Threads waiting for a person, oldest first (open threads are few: filtered here rather than in SQL). */
export async function listInbox(db: Db, staff: StaffPrincipal, now: Date): Promise<OpenThreadSummary[]> {
  const threads = await listOpenThreads(db, now, staff.role === 'branchCadre' && staff.branchId ? staff.branchId : undefined);
  return threads.filter((t) => visibleTo(staff, t.branchId));
}

export async function threadInScope(db: Db, staff: StaffPrincipal, threadId: string, now: Date): Promise<{ thread: ThreadRecord; live: boolean; messages: ThreadMessageRecord[] }> {
  const thread = await findThread(db, threadId);
  if (!thread || !visibleTo(staff, thread.branchId)) throw new AppError('NOT_FOUND', NOT_FOUND);
  return { thread, live: isLive(thread, now), messages: await threadMessages(db, threadId) };
}

export async function replyAsStaff(db: Db, outbox: Outbox | null, staff: StaffPrincipal, threadId: string, text: string, now: Date, ip: string | null): Promise<void> {
  const { thread, live } = await threadInScope(db, staff, threadId, now);
  if (!live) throw new AppError('CONFLICT', 'Cuộc trò chuyện đã kết thúc (đã đóng hoặc quá 24 giờ), không gửi được trả lời.');
  if (text.trim() === '') throw new AppError('VALIDATION_FAILED', 'Hãy nhập nội dung trả lời.');
  const { messageId } = await replyToThread(db, outbox, threadId, staff.id, text, now);
  await recordStaffAction(db, { staffUserId: staff.id, action: 'handover.replied', subjectKind: 'handoverThread', subjectId: threadId, unitId: thread.branchId, details: { messageId }, ip, at: now });
}

/** Closes the thread; the member is told with `closingText` (the caller's words: the domain holds none). */
export async function closeAsStaff(db: Db, outbox: Outbox | null, staff: StaffPrincipal, threadId: string, closingText: string, now: Date, ip: string | null): Promise<boolean> {
  const { thread } = await threadInScope(db, staff, threadId, now);
  const { closed } = await closeThread(db, outbox, threadId, staff.id, closingText, now);
  if (closed) await recordStaffAction(db, { staffUserId: staff.id, action: 'handover.closed', subjectKind: 'handoverThread', subjectId: threadId, unitId: thread.branchId, ip, at: now });
  return closed;
}
