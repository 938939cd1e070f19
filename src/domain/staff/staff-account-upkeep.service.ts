import { withTransaction, type Db } from '../../db/database';
import { AppError } from '../../errors/app-error';
import { recordStaffAction } from '../audit/audit.repository';
import { revokeApiTokensOf } from './api-tokens.repository';
import { newPasswordHash } from './password';
import { normalizeUsername } from './staff-account.service';
import { deleteSessionsOf } from './staff-sessions.repository';
import { findStaffUserByUsername, type StaffUserRecord } from './staff-users.repository';

/**
 * The upkeep of an existing staff account from the command line: a new password for someone who
 * forgot theirs (or whose password leaked), and disabling the account of someone who left.
 * Both end the account's open sessions in the admin web, so a session opened with an old password,
 * or by someone who left, is over at once; disabling also revokes the account's API tokens.
 */

async function accountOf(db: Db, username: string): Promise<StaffUserRecord> {
  const staff = await findStaffUserByUsername(db, normalizeUsername(username));
  if (!staff) throw new AppError('NOT_FOUND', `Không có tài khoản "${username}". Xem lại tên đăng nhập (tài khoản được tạo bằng npm run admin:create).`);
  return staff;
}

export interface PasswordReset {
  readonly staff: StaffUserRecord;
  /** Admin-web sessions ended. */
  readonly sessionsEnded: number;
}

/**
 * Sets a new password (argon2id), lifts a login lockout and ends every open session of the
 * account. A disabled account keeps its password unchanged: enable it first.
 */
export async function resetStaffPassword(db: Db, input: { readonly username: string; readonly password: string | (() => Promise<string>) }): Promise<PasswordReset> {
  const staff = await accountOf(db, input.username);
  if (staff.disabled) throw new AppError('CONFLICT', `Tài khoản "${staff.username}" đang bị vô hiệu hoá; mở lại bằng npm run admin:disable -- --user ${staff.username} --enable trước khi đặt mật khẩu mới.`);
  const passwordHash = await newPasswordHash(input.password);
  const sessionsEnded = await withTransaction(db, async (tx) => {
    await tx.updateTable('staff_users').set({ password_hash: passwordHash, failed_logins: 0, locked_until: null, updated_at: new Date() }).where('id', '=', staff.id).execute();
    const ended = await deleteSessionsOf(tx, staff.id);
    await recordStaffAction(tx, { staffUserId: null, action: 'staff.passwordReset', subjectKind: 'staff_user', subjectId: staff.id, unitId: staff.branchId, details: { sessionsEnded: ended } });
    return ended;
  });
  return { staff, sessionsEnded };
}

export interface AccountSwitch {
  readonly staff: StaffUserRecord;
  /** False when the account already was in that state (nothing recorded). */
  readonly changed: boolean;
  readonly sessionsEnded: number;
  readonly tokensRevoked: number;
}

/**
 * Disables an account (no sign-in, its sessions ended, its API tokens revoked) or enables it again
 * (it signs in with its password; tokens are issued anew with admin:token).
 */
export async function setStaffAccountDisabled(db: Db, username: string, disabled: boolean, at: Date): Promise<AccountSwitch> {
  const staff = await accountOf(db, username);
  if (staff.disabled === disabled) return { staff, changed: false, sessionsEnded: 0, tokensRevoked: 0 };
  return withTransaction(db, async (tx) => {
    await tx.updateTable('staff_users').set({ disabled, failed_logins: 0, locked_until: null, updated_at: at }).where('id', '=', staff.id).execute();
    const sessionsEnded = disabled ? await deleteSessionsOf(tx, staff.id) : 0;
    const tokensRevoked = disabled ? await revokeApiTokensOf(tx, staff.id, at) : 0;
    await recordStaffAction(tx, {
      staffUserId: null,
      action: disabled ? 'staff.disabled' : 'staff.enabled',
      subjectKind: 'staff_user',
      subjectId: staff.id,
      unitId: staff.branchId,
      details: disabled ? { sessionsEnded, tokensRevoked } : {},
    });
    return { staff: { ...staff, disabled }, changed: true, sessionsEnded, tokensRevoked };
  });
}
