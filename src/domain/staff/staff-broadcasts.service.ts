import type { Db } from '../../db/database';
import { AppError } from '../../errors/app-error';
import { recordStaffAction } from '../audit/audit.repository';
import type { BroadcastAudience, BroadcastsPort, NewBroadcast } from '../broadcasts/broadcast.types';
import { findWaveFor } from '../waves/staff-waves.service';
import { scopeIncludesBranch, type StaffPrincipal } from './staff-scope';

const OUT_OF_SCOPE = 'Không tìm thấy đơn vị hoặc đợt này trong phạm vi của tài khoản.';

/**
 * Refuses an audience that names something outside the staff member's scope, before the
 * broadcasts service narrows the audience to the scope anyway: another branch (or cluster, or a
 * wave they cannot see) reads as absent (404); a branch cadre naming clusters is forbidden (403).
 */
export async function assertAudienceInScope(db: Db, staff: StaffPrincipal, audience: BroadcastAudience): Promise<void> {
  if ('everyone' in audience || staff.scope === null) return;
  for (const branchId of audience.branches ?? []) {
    if (!scopeIncludesBranch(staff.scope, branchId)) throw new AppError('NOT_FOUND', OUT_OF_SCOPE);
  }
  if (audience.clusters && audience.clusters.length > 0) {
    if (staff.role === 'branchCadre') throw new AppError('FORBIDDEN', 'Cán bộ cơ sở chỉ gửi tin được cho chi đoàn của mình, không chọn theo khu vực.');
    if (audience.clusters.some((c) => !staff.clusterIds.includes(c))) throw new AppError('NOT_FOUND', OUT_OF_SCOPE);
  }
  if (audience.wave && !(await findWaveFor(db, staff, audience.wave.id))) throw new AppError('NOT_FOUND', OUT_OF_SCOPE);
}

/** A staff broadcast, checked against the scope and recorded in audit_log (without its text). */
export async function requestBroadcast(db: Db, port: BroadcastsPort, staff: StaffPrincipal, input: Omit<NewBroadcast, 'createdByStaffId'>, ip: string | null) {
  await assertAudienceInScope(db, staff, input.audience);
  const created = await port.create({ ...input, createdByStaffId: staff.id }, staff.scope);
  await recordStaffAction(db, {
    staffUserId: staff.id,
    action: 'broadcast.created',
    subjectKind: 'broadcast',
    subjectId: created.id,
    unitId: staff.branchId,
    details: { purpose: input.purpose, audience: input.audience, sendAt: input.sendAt?.toISOString() ?? null, status: created.status },
    ip,
  });
  return created;
}

/** Stops what is not sent yet: undefined when there is no such broadcast in scope, false when it had already finished. */
export async function cancelBroadcastAsStaff(db: Db, port: BroadcastsPort, staff: StaffPrincipal, id: string, ip: string | null): Promise<boolean | undefined> {
  if (!(await port.figures(id, staff.scope))) return undefined;
  const cancelled = await port.cancel(id, staff.scope);
  if (cancelled) await recordStaffAction(db, { staffUserId: staff.id, action: 'broadcast.cancelled', subjectKind: 'broadcast', subjectId: id, unitId: staff.branchId, ip });
  return cancelled;
}
