import { withTransaction, type Db } from '../../db/database';
import type { WaveAction, WaveStatus } from '../../db/types';
import { AppError } from '../../errors/app-error';
import { recordStaffAction } from '../audit/audit.repository';
import { localDayOf } from '../shared/time';
import { scopeIncludesBranch, type StaffPrincipal } from '../staff/staff-scope';
import { findPlanAboveBranch } from './branch-trend.repository';
import { findDistrictUnit, findStaffWave, findUnit, insertStaffWave, listStaffWaves, listUnitsAtOrAbove, type StaffWave, type UnitInfo } from './staff-waves.repository';

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

export async function listWavesFor(db: Db, staff: StaffPrincipal, filter: { status?: WaveStatus; limit: number; offset: number }): Promise<{ total: number; waves: StaffWave[] }> {
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
