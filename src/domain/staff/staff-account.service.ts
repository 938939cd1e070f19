import { withTransaction, type Db } from '../../db/database';
import type { StaffRole } from '../../db/types';
import { AppError } from '../../errors/app-error';
import { recordStaffAction } from '../audit/audit.repository';
import { newPasswordHash } from './password';
import { findStaffUserByUsername, findUnitsByIdOrCode, insertStaffUser, type UnitRef } from './staff-users.repository';

export const STAFF_ROLES: readonly StaffRole[] = ['districtAdmin', 'districtStaff', 'branchCadre'];

/** How each role is named to a person. */
export const STAFF_ROLE_NAMES: Readonly<Record<StaffRole, string>> = {
  districtAdmin: 'quản trị viên Quận Đoàn',
  districtStaff: 'cán bộ Quận Đoàn phụ trách khu vực',
  branchCadre: 'cán bộ Đoàn cơ sở',
};

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

export interface NewStaffAccount {
  readonly username: string;
  readonly role: StaffRole;
  /** branchCadre only: the branch's id or code. */
  readonly branch?: string;
  /** districtStaff only: the clusters' ids or codes. */
  readonly clusters?: readonly string[];
  readonly displayName?: string;
  /** Asked for only once everything else is known to be right (no typing a password twice for a typo in --branch). */
  readonly password: string | (() => Promise<string>);
}

export interface CreatedStaffAccount {
  readonly id: string;
  readonly username: string;
  readonly role: StaffRole;
  readonly branch: UnitRef | null;
  readonly clusters: readonly UnitRef[];
}

function invalid(message: string): AppError {
  return new AppError('VALIDATION_FAILED', message);
}

function taken(username: string): AppError {
  return new AppError('CONFLICT', `Tài khoản "${username}" đã có. Chọn tên đăng nhập khác.`);
}

/** The username as stored: lower case, trimmed; throws when it cannot be one. */
export function normalizeUsername(text: string): string {
  const username = text.trim().toLowerCase();
  if (!USERNAME.test(username)) {
    throw invalid(`Tên đăng nhập "${text}" không dùng được: 2–63 ký tự, chỉ chữ không dấu, số và . _ -, bắt đầu bằng chữ hoặc số.`);
  }
  return username;
}

async function unitsOfLevel(db: Db, refs: readonly string[], level: 'branch' | 'cluster'): Promise<UnitRef[]> {
  const found = await findUnitsByIdOrCode(db, refs);
  const what = level === 'branch' ? 'chi đoàn / Đoàn cơ sở' : 'khu vực (cụm)';
  return refs.map((ref) => {
    const unit = found.get(ref);
    if (!unit) throw invalid(`Không có đơn vị nào có mã hoặc id "${ref}". Xem danh sách đơn vị đã nhập (npm run import:units).`);
    if (unit.level !== level) throw invalid(`Đơn vị "${ref}" (${unit.name}) không phải là ${what}.`);
    return unit;
  });
}

/**
 * Creates a staff account (issue 6 §1): the password hashed with argon2id, a branch cadre tied to
 * one branch, a district staff member to the clusters they look after, a district admin to neither.
 */
export async function createStaffAccount(db: Db, input: NewStaffAccount): Promise<CreatedStaffAccount> {
  const username = normalizeUsername(input.username);
  const clusterRefs = [...new Set(input.clusters ?? [])];
  if (input.role === 'branchCadre' && input.branch === undefined) throw invalid('Cán bộ Đoàn cơ sở cần --branch (mã hoặc id của chi đoàn).');
  if (input.role !== 'branchCadre' && input.branch !== undefined) throw invalid(`--branch chỉ dùng cho vai trò branchCadre, không dùng cho ${input.role}.`);
  if (input.role === 'districtStaff' && clusterRefs.length === 0) throw invalid('Cán bộ Quận Đoàn phụ trách khu vực cần --clusters (mã hoặc id các cụm, cách nhau bằng dấu phẩy).');
  if (input.role !== 'districtStaff' && clusterRefs.length > 0) throw invalid(`--clusters chỉ dùng cho vai trò districtStaff, không dùng cho ${input.role}.`);
  const [branch] = input.branch === undefined ? [] : await unitsOfLevel(db, [input.branch], 'branch');
  const clusters = await unitsOfLevel(db, clusterRefs, 'cluster');
  if (await findStaffUserByUsername(db, username)) throw taken(username);
  const passwordHash = await newPasswordHash(input.password);
  const displayName = input.displayName?.trim() || null;

  return withTransaction(db, async (tx) => {
    const id = await insertStaffUser(tx, { username, displayName, role: input.role, branchId: branch?.id ?? null, clusterIds: clusters.map((c) => c.id), passwordHash });
    if (id === undefined) throw taken(username);
    await recordStaffAction(tx, {
      staffUserId: null,
      action: 'staff.created',
      subjectKind: 'staff_user',
      subjectId: id,
      unitId: branch?.id ?? null,
      details: { username, role: input.role, clusters: clusters.map((c) => c.id) },
    });
    return { id, username, role: input.role, branch: branch ?? null, clusters };
  });
}
