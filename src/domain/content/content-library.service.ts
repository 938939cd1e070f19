import { withTransaction, type Db } from '../../db/database';
import type { ContentKind, ReviewState } from '../../db/types';
import { AppError } from '../../errors/app-error';
import { recordStaffAction } from '../audit/audit.repository';
import type { StaffPrincipal } from '../staff/staff-scope';
import { scopeIncludesBranch } from '../staff/staff-scope';
import {
  findContentItem,
  insertContentItem,
  listContentItems,
  setContentApproval,
  updateContentItem,
  type ContentFields,
  type ContentItem,
} from './content-library.repository';

export type { ContentFields, ContentItem };

/**
 * The content library as district staff keep it: Lời Bác dạy, good news, stories, legal
 * information, green living. Items staff add wait for approval like members' good news; only
 * approved items are ever sent (recurring-content.repository). A teaching is saved and approved
 * only with its source (an empty one, as an older import may have left, is no source), so nothing
 * is quoted from Uncle Ho without saying where it comes from.
 * Members' good news is seen only by staff whose scope holds the member's branch.
 */

const NOT_FOUND = 'Không tìm thấy nội dung này, hoặc nội dung không thuộc phạm vi của tài khoản.';
export const TEACHING_NEEDS_SOURCE = 'Lời Bác dạy cần ghi nguồn trích dẫn (tác phẩm, năm, tập và trang của Hồ Chí Minh Toàn tập) trước khi được duyệt.';

function visibleTo(staff: StaffPrincipal, item: ContentItem): boolean {
  if (item.submittedByMemberId === null) return true;
  return staff.scope === null || (item.submitterBranchId !== null && scopeIncludesBranch(staff.scope, item.submitterBranchId));
}

/** One page (from 1) of the library of a kind as the staff member may see it, and the count of all. */
export async function listContent(db: Db, staff: StaffPrincipal, kind: ContentKind, approval: ReviewState | undefined, page: { readonly number: number; readonly size: number }): Promise<{ items: ContentItem[]; total: number }> {
  const submitterBranchIds = staff.scope === null ? null : staff.scope.branchIds;
  return listContentItems(db, { kind, ...(approval ? { approval } : {}), submitterBranchIds, limit: page.size, offset: (page.number - 1) * page.size });
}

export async function contentInScope(db: Db, staff: StaffPrincipal, id: string): Promise<ContentItem> {
  const item = await findContentItem(db, id);
  if (!item || !visibleTo(staff, item)) throw new AppError('NOT_FOUND', NOT_FOUND);
  return item;
}

/** A teaching is stored only with its source (the database holds the same rule); the message says what is missing. */
export function contentProblem(kind: ContentKind, fields: ContentFields): string | undefined {
  return kind === 'uncleHoTeaching' && !fields.source?.trim() ? TEACHING_NEEDS_SOURCE : undefined;
}

export async function addContent(db: Db, staff: StaffPrincipal, kind: ContentKind, fields: ContentFields, now: Date, ip: string | null): Promise<string> {
  const problem = contentProblem(kind, fields);
  if (problem) throw new AppError('VALIDATION_FAILED', problem);
  return withTransaction(db, async (tx) => {
    const id = await insertContentItem(tx, kind, fields, staff.id);
    await recordStaffAction(tx, { staffUserId: staff.id, action: 'content.created', subjectKind: 'content', subjectId: id, unitId: null, details: { kind }, ip, at: now });
    return id;
  });
}

export async function editContent(db: Db, staff: StaffPrincipal, id: string, fields: ContentFields, now: Date, ip: string | null): Promise<void> {
  const item = await contentInScope(db, staff, id);
  const problem = contentProblem(item.kind, fields);
  if (problem) throw new AppError('VALIDATION_FAILED', problem);
  await withTransaction(db, async (tx) => {
    await updateContentItem(tx, id, fields, now);
    await recordStaffAction(tx, { staffUserId: staff.id, action: 'content.updated', subjectKind: 'content', subjectId: id, unitId: null, details: { kind: item.kind }, ip, at: now });
  });
}

/** Approve or reject; approving a teaching without a source is refused (CONFLICT) and changes nothing. */
export async function decideContent(db: Db, staff: StaffPrincipal, id: string, decision: 'approved' | 'rejected', now: Date, ip: string | null): Promise<ContentItem> {
  const item = await contentInScope(db, staff, id);
  const unitId = item.submittedByMemberId ? item.submitterBranchId : null;
  await withTransaction(db, async (tx) => {
    const changed = await setContentApproval(tx, id, decision, staff.id, now);
    if (!changed) throw new AppError('CONFLICT', TEACHING_NEEDS_SOURCE);
    await recordStaffAction(tx, { staffUserId: staff.id, action: decision === 'approved' ? 'content.approved' : 'content.rejected', subjectKind: 'content', subjectId: id, unitId, details: { kind: item.kind }, ip, at: now });
  });
  return contentInScope(db, staff, id);
}
