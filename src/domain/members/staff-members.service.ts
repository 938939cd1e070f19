import { withTransaction, type Db } from '../../db/database';
import { AppError } from '../../errors/app-error';
import { recordStaffAction } from '../audit/audit.repository';
import { insertDeliveries } from '../deliveries/deliveries.repository';
import { registrationNoticeKey, registrationTopic } from '../deliveries/notice-topics';
import { preferredIdentityOfMember } from '../identities/member-contact.repository';
import type { ImportReport } from '../imports/import-report';
import type { OutboundMessage } from '../shared/outbound-message';
import { readRosterFile } from '../imports/roster-file.reader';
import type { StaffPrincipal } from '../staff/staff-scope';
import { scopeIncludesBranch } from '../staff/staff-scope';
import { eraseMemberData, type ErasureSummary } from './erasure.service';
import { findMemberDetail, type MemberDetail } from './member-detail.repository';
import { importMemberRows } from './member-import.service';
import { declinePendingRegistration, verifyPendingRegistration } from './member-verification.repository';
import type { RegistrationDecision, RegistrationOutcome } from './member-verification.service';

/**
 * What staff do to members from the admin web, inside their scope: the same verification, roster
 * import and erasure as the cadre desk in chat, the command line and the member's own request,
 * with the staff member's trail in audit_log. Out of scope reads as absent (NOT_FOUND).
 */

const NOT_FOUND = 'Không tìm thấy đoàn viên này, hoặc đoàn viên không thuộc phạm vi của tài khoản.';

/** The member, if the staff member may see them (a member without a branch: the district admin only). */
export async function memberInScope(db: Db, staff: StaffPrincipal, memberId: string): Promise<MemberDetail> {
  const member = await findMemberDetail(db, memberId);
  const visible = member && member.status !== 'erased' && (staff.scope === null || (member.branchId !== null && scopeIncludesBranch(staff.scope, member.branchId)));
  if (!member || !visible) throw new AppError('NOT_FOUND', NOT_FOUND);
  return member;
}

/**
 * Verify or decline a registration waiting in its branch's queue, exactly as a cadre in chat does
 * (the same conditional update: whoever decides first wins), recorded as the staff member's action.
 * When the decision stands, the member is told as the chat tells them: a 'reviewResult' delivery
 * in the same transaction, keyed by member and decision (one notice whoever decided), topic of
 * their registration. Returns the deliveries to hand to the Outbox once committed.
 */
export async function decideRegistrationAsStaff(
  db: Db,
  staff: StaffPrincipal,
  memberId: string,
  decision: RegistrationDecision,
  now: Date,
  ip: string | null,
  noticeOf: (outcome: 'verified' | 'declined') => OutboundMessage,
): Promise<{ outcome: RegistrationOutcome; deliveryIds: number[] }> {
  const member = await memberInScope(db, staff, memberId);
  if (member.branchId === null) return { outcome: 'alreadyDecided', deliveryIds: [] };
  const branchId = member.branchId;
  return withTransaction(db, async (tx) => {
    const changed =
      decision === 'verify' ? await verifyPendingRegistration(tx, branchId, memberId, now) : await declinePendingRegistration(tx, branchId, memberId, null, now);
    if (!changed) return { outcome: 'alreadyDecided' as const, deliveryIds: [] };
    const outcome = decision === 'verify' ? ('verified' as const) : ('declined' as const);
    await recordStaffAction(tx, {
      staffUserId: staff.id,
      action: decision === 'verify' ? 'registration.verified' : 'registration.declined',
      subjectKind: 'member',
      subjectId: memberId,
      unitId: branchId,
      ip,
      at: now,
    });
    const identityId = await preferredIdentityOfMember(tx, memberId);
    if (!identityId) return { outcome, deliveryIds: [] };
    const inserted = await insertDeliveries(tx, [
      { identityId, purpose: 'reviewResult', topic: registrationTopic(memberId), idempotencyKey: registrationNoticeKey(memberId, outcome), message: noticeOf(outcome) },
    ]);
    return { outcome, deliveryIds: inserted.map((d) => d.id) };
  });
}

/**
 * Erases a member at their request (Decree 13/2023): the same erasure as "xóa dữ liệu của tôi" in
 * chat. Only a district admin may: it cannot be undone, the district union is the data controller
 * that answers for it, and a member can always do it themselves in chat.
 */
export async function eraseMemberAsStaff(db: Db, staff: StaffPrincipal, memberId: string, now: Date, ip: string | null): Promise<ErasureSummary> {
  if (staff.role !== 'districtAdmin') throw new AppError('FORBIDDEN', 'Chỉ quản trị viên Quận Đoàn được xóa dữ liệu của đoàn viên.');
  await memberInScope(db, staff, memberId);
  return eraseMemberData(db, { memberId, identityId: null, keepConversation: false, trigger: 'staff', staff: { staffUserId: staff.id, ip }, now });
}

/** A roster file uploaded by staff: the command line's importer, all or nothing, limited to the staff member's branches. */
export async function importRosterAsStaff(db: Db, staff: StaffPrincipal, file: { name: string; content: Buffer }, now: Date, ip: string | null): Promise<ImportReport> {
  const sheet = await readRosterFile(file.content, file.name);
  const report = await importMemberRows(db, sheet, { skipInvalid: false, now, branchScope: staff.scope === null ? null : staff.scope.branchIds });
  await recordStaffAction(db, {
    staffUserId: staff.id,
    action: report.imported ? 'members.imported' : 'members.importRefused',
    subjectKind: 'roster',
    subjectId: null,
    unitId: staff.branchId,
    details: { file: report.fileName, rows: report.rows, created: report.created, updated: report.updated, unchanged: report.unchanged, invalid: report.invalid.length, skipped: report.skipped.length },
    ip,
    at: now,
  });
  return report;
}
