import type { Db, Tx } from '../../db/database';
import type { StaffRole } from '../../db/types';

export interface NewStaffSession {
  readonly idHash: string;
  readonly staffUserId: string;
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly ip: string | null;
}

export interface LiveSessionRow {
  readonly idHash: string;
  readonly csrfToken: string;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  readonly staffUserId: string;
  readonly username: string;
  readonly displayName: string | null;
  readonly role: StaffRole;
  readonly branchId: string | null;
}

export async function insertSession(db: Db | Tx, s: NewStaffSession): Promise<void> {
  await db
    .insertInto('admin_sessions')
    .values({ id_hash: s.idHash, staff_user_id: s.staffUserId, csrf_token: s.csrfToken, created_at: s.createdAt, last_seen_at: s.createdAt, expires_at: s.expiresAt, ip: s.ip })
    .execute();
}

/** The session and its account when the account is still enabled; expiry is the caller's rule. */
export async function findSession(db: Db | Tx, idHash: string): Promise<LiveSessionRow | undefined> {
  const row = await db
    .selectFrom('admin_sessions as s')
    .innerJoin('staff_users as u', 'u.id', 's.staff_user_id')
    .select(['s.id_hash', 's.csrf_token', 's.last_seen_at', 's.expires_at', 'u.id as staff_id', 'u.username', 'u.display_name', 'u.role', 'u.branch_id'])
    .where('s.id_hash', '=', idHash)
    .where('u.disabled', '=', false)
    .executeTakeFirst();
  return (
    row && {
      idHash: row.id_hash,
      csrfToken: row.csrf_token,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      staffUserId: row.staff_id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      branchId: row.branch_id,
    }
  );
}

export async function touchSession(db: Db | Tx, idHash: string, at: Date): Promise<void> {
  await db.updateTable('admin_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

/** Returns the account whose session it was, when there was one. */
export async function deleteSession(db: Db | Tx, idHash: string): Promise<string | undefined> {
  const row = await db.deleteFrom('admin_sessions').where('id_hash', '=', idHash).returning('staff_user_id').executeTakeFirst();
  return row?.staff_user_id;
}

/** Ends every session of the account (a new password, a disabled account); returns how many. */
export async function deleteSessionsOf(db: Db | Tx, staffUserId: string): Promise<number> {
  const rows = await db.deleteFrom('admin_sessions').where('staff_user_id', '=', staffUserId).returning('id_hash').execute();
  return rows.length;
}

export async function deleteSessionsEndedBefore(db: Db | Tx, absoluteEnd: Date, idleSince: Date): Promise<number> {
  const rows = await db
    .deleteFrom('admin_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', absoluteEnd), eb('last_seen_at', '<=', idleSince)]))
    .returning('id_hash')
    .execute();
  return rows.length;
}

export interface LoginCredentialsRow {
  readonly id: string;
  readonly username: string;
  readonly role: StaffRole;
  readonly branchId: string | null;
  readonly passwordHash: string;
  readonly disabled: boolean;
  readonly lockedUntil: Date | null;
}

export async function findLoginCredentials(db: Db | Tx, username: string): Promise<LoginCredentialsRow | undefined> {
  const row = await db
    .selectFrom('staff_users')
    .select(['id', 'username', 'role', 'branch_id', 'password_hash', 'disabled', 'locked_until'])
    .where('username', '=', username)
    .executeTakeFirst();
  return (
    row && { id: row.id, username: row.username, role: row.role, branchId: row.branch_id, passwordHash: row.password_hash, disabled: row.disabled, lockedUntil: row.locked_until }
  );
}

/**
 * Counts one more failure; at `maxFailures` the account is locked until `lockUntil` and the count
 * starts again, so after the lock the person has the same number of tries. One statement: two
 * wrong passwords at once both count.
 */
export async function recordLoginFailure(db: Db | Tx, staffUserId: string, maxFailures: number, lockUntil: Date): Promise<{ failedLogins: number; lockedUntil: Date | null }> {
  const row = await db
    .updateTable('staff_users')
    .set((eb) => ({
      failed_logins: eb.case().when('failed_logins', '>=', maxFailures - 1).then(0).else(eb('failed_logins', '+', 1)).end(),
      locked_until: eb.case().when('failed_logins', '>=', maxFailures - 1).then(lockUntil).else(eb.ref('locked_until')).end(),
    }))
    .where('id', '=', staffUserId)
    .returning(['failed_logins', 'locked_until'])
    .executeTakeFirstOrThrow();
  return { failedLogins: row.failed_logins, lockedUntil: row.locked_until };
}

export async function recordLoginSuccess(db: Db | Tx, staffUserId: string, at: Date): Promise<void> {
  await db.updateTable('staff_users').set({ failed_logins: 0, locked_until: null, last_login_at: at }).where('id', '=', staffUserId).execute();
}

/** Failed sign-ins from one address since `since` (audit_log_login_failures_idx). */
export async function countLoginFailuresFrom(db: Db | Tx, ip: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'staff.loginFailed')
    .where('ip', '=', ip)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
