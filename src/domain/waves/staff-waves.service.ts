import { withTransaction, type Db } from '../../db/database';
import type { UnitLevel, WaveAction, WaveStatus } from '../../db/types';
import { AppError } from '../../errors/app-error';
import { recordStaffAction } from '../audit/audit.repository';
import { localDayOf } from '../shared/time';
import { scopeIncludesBranch, type StaffPrincipal } from '../staff/staff-scope';
import { findPlanAboveBranch } from './branch-trend.repository';
import {
  findDistrictUnit,
  findStaffWave,
  findUnit,
  insertStaffWave,
  listStaffWaves,
  listUnitsAtOrAbove,
  moveStaffWaveStatus,
  updateStaffWave,
  type StaffWave,
  type UnitInfo,
  type WaveChanges,
} from './staff-waves.repository';

export interface WaveDraft {
  readonly title: string;
  readonly description: string;
  readonly action: WaveAction;
  /** Already normalised ("#TênĐợt"). */
  readonly hashtags: readonly string[];
  readonly assetUrl?: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** Absent: the district. */
  readonly ownerUnitId?: string;
  /** Absent: open (published), except for a branch cadre, whose waves wait as drafts for the district. */
  readonly status?: 'draft' | 'open';
}

/**
 * The units whose waves the staff member sees: all for the district admin; otherwise the
 * branches in scope and the units above them (their clusters' and the district's waves).
 */
async function visibleOwners(db: Db, staff: StaffPrincipal): Promise<string[] | null> {
  if (staff.scope === null) return null;
  return listUnitsAtOrAbove(db, staff.scope.branchIds);
}

export interface StaffWaveFilter {
  readonly status?: WaveStatus;
  readonly ownerUnitId?: string;
  readonly ownerLevel?: UnitLevel;
  readonly limit: number;
  readonly offset: number;
}

export async function listWavesFor(db: Db, staff: StaffPrincipal, filter: StaffWaveFilter): Promise<{ total: number; waves: StaffWave[] }> {
  return listStaffWaves(db, { ownerUnitIds: await visibleOwners(db, staff), ...filter });
}

/** The wave if the staff member may see it; undefined otherwise (out of scope reads as absent). */
export async function findWaveFor(db: Db, staff: StaffPrincipal, waveId: string): Promise<StaffWave | undefined> {
  const wave = await findStaffWave(db, waveId);
  if (!wave) return undefined;
  const owners = await visibleOwners(db, staff);
  return owners === null || owners.includes(wave.ownerUnitId) ? wave : undefined;
}

/**
 * Who may own what: the district's waves are the district admin's; a cluster's are the admin's or
 * its own staff's; a branch's anyone's whose scope holds it. A unit outside the scope reads as
 * absent (404), a unit above it the role may not act for is forbidden (403).
 */
function assertMayOwn(staff: StaffPrincipal, unit: UnitInfo): void {
  if (staff.role === 'districtAdmin') return;
  if (unit.level === 'district') throw new AppError('FORBIDDEN', 'Chỉ quản trị viên Quận Đoàn tạo được đợt cấp Quận.');
  if (unit.level === 'cluster') {
    if (staff.role === 'branchCadre') throw new AppError('FORBIDDEN', 'Cán bộ cơ sở chỉ tạo được đợt của chi đoàn mình.');
    if (!staff.clusterIds.includes(unit.id)) throw new AppError('NOT_FOUND', 'Không tìm thấy đơn vị này.');
    return;
  }
  if (!scopeIncludesBranch(staff.scope, unit.id)) throw new AppError('NOT_FOUND', 'Không tìm thấy đơn vị này.');
}

/** Creates a wave (đợt) for the unit, tied to that year's plan above it, and leaves a trail in audit_log. */
export async function createWaveAsStaff(db: Db, staff: StaffPrincipal, draft: WaveDraft, timeZone: string): Promise<StaffWave> {
  const owner = draft.ownerUnitId === undefined ? await findDistrictUnit(db) : await findUnit(db, draft.ownerUnitId);
  if (!owner) {
    throw draft.ownerUnitId === undefined
      ? new AppError('CONFLICT', 'Chưa có đơn vị cấp Quận: nhập danh sách đơn vị trước (npm run import:units).')
      : new AppError('NOT_FOUND', 'Không tìm thấy đơn vị này.');
  }
  assertMayOwn(staff, owner);
  const planId = (await findPlanAboveBranch(db, owner.id, localDayOf(draft.startsAt, timeZone).year)) ?? null;
  const status = staff.role === 'branchCadre' ? 'draft' : (draft.status ?? 'open');
  return withTransaction(db, async (tx) => {
    const wave = await insertStaffWave(tx, {
      title: draft.title,
      description: draft.description,
      action: draft.action,
      hashtags: draft.hashtags,
      assetUrl: draft.assetUrl ?? null,
      startsAt: draft.startsAt,
      endsAt: draft.endsAt,
      status,
      ownerUnitId: owner.id,
      planId,
      createdByStaffId: staff.id,
    });
    await recordStaffAction(tx, {
      staffUserId: staff.id,
      action: 'wave.created',
      subjectKind: 'wave',
      subjectId: wave.id,
      unitId: owner.id,
      details: { title: wave.title, status: wave.status, planId },
    });
    return wave;
  });
}

/** What a staff member may do with a wave they can see (the same rules as creating one). */
export interface WavePermissions {
  readonly edit: boolean;
  readonly open: boolean;
  readonly close: boolean;
}

function mayOwn(staff: StaffPrincipal, unit: UnitInfo): boolean {
  try {
    assertMayOwn(staff, unit);
    return true;
  } catch {
    return false;
  }
}

/**
 * A branch cadre's waves wait as drafts for the district (createWaveAsStaff), so a cadre edits
 * their branch's drafts and neither opens nor closes; the others act on what they may own.
 */
function permissionsOn(staff: StaffPrincipal, owner: UnitInfo, wave: StaffWave): WavePermissions {
  const owns = mayOwn(staff, owner);
  const cadre = staff.role === 'branchCadre';
  return {
    edit: owns && (cadre ? wave.status === 'draft' : wave.status === 'draft' || wave.status === 'open'),
    open: owns && !cadre && wave.status === 'draft',
    close: owns && !cadre && wave.status === 'open',
  };
}

/** The wave (404 when out of scope) and what the staff member may do with it. */
export async function waveWithPermissions(db: Db, staff: StaffPrincipal, waveId: string): Promise<{ wave: StaffWave; owner: UnitInfo; may: WavePermissions }> {
  const wave = await findWaveFor(db, staff, waveId);
  const owner = wave && (await findUnit(db, wave.ownerUnitId));
  if (!wave || !owner) throw new AppError('NOT_FOUND', 'Không tìm thấy đợt này.');
  return { wave, owner, may: permissionsOn(staff, owner, wave) };
}

async function managed(db: Db, staff: StaffPrincipal, waveId: string, action: keyof WavePermissions): Promise<{ wave: StaffWave; owner: UnitInfo }> {
  const { wave, owner, may } = await waveWithPermissions(db, staff, waveId);
  if (may[action]) return { wave, owner };
  assertMayOwn(staff, owner); // out of scope or above the role: its own 404 / 403
  if (staff.role === 'branchCadre') {
    throw new AppError('FORBIDDEN', action === 'edit' ? 'Cán bộ cơ sở chỉ sửa được đợt đang chờ duyệt của chi đoàn mình.' : 'Việc mở và kết thúc đợt do Quận Đoàn hoặc khu vực phụ trách thực hiện.');
  }
  throw new AppError('CONFLICT', action === 'open' ? 'Đợt này không ở trạng thái chờ mở.' : action === 'close' ? 'Đợt này không đang mở.' : 'Đợt đã kết thúc hoặc đã huỷ, không sửa được nữa.');
}

/** Edits a wave's title, text, hashtags and dates under the same ownership rules as creating one. */
export async function updateWaveAsStaff(db: Db, staff: StaffPrincipal, waveId: string, changes: WaveChanges): Promise<StaffWave> {
  const { owner } = await managed(db, staff, waveId, 'edit');
  return withTransaction(db, async (tx) => {
    const wave = await updateStaffWave(tx, waveId, changes);
    if (!wave) throw new AppError('NOT_FOUND', 'Không tìm thấy đợt này.');
    await recordStaffAction(tx, { staffUserId: staff.id, action: 'wave.updated', subjectKind: 'wave', subjectId: wave.id, unitId: owner.id, details: { title: wave.title } });
    return wave;
  });
}

/**
 * Opens a draft (a branch's trend approved, a district wave published) or closes an open wave.
 * Conditional on the status it starts from: of two staff members acting at once one does it, the
 * other is told it already changed (CONFLICT).
 */
export async function changeWaveStatusAsStaff(db: Db, staff: StaffPrincipal, waveId: string, change: 'open' | 'close'): Promise<StaffWave> {
  const { owner } = await managed(db, staff, waveId, change);
  return withTransaction(db, async (tx) => {
    const wave = change === 'open' ? await moveStaffWaveStatus(tx, waveId, ['draft'], 'open') : await moveStaffWaveStatus(tx, waveId, ['open'], 'closed');
    if (!wave) throw new AppError('CONFLICT', 'Đợt này vừa được người khác thay đổi trạng thái. Tải lại trang để xem.');
    await recordStaffAction(tx, {
      staffUserId: staff.id,
      action: change === 'open' ? 'wave.opened' : 'wave.closed',
      subjectKind: 'wave',
      subjectId: wave.id,
      unitId: owner.id,
      details: { title: wave.title, ownerLevel: owner.level },
    });
    return wave;
  });
}
