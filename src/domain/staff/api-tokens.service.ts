import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { withTransaction, type Db } from '../../db/database';
import { AppError } from '../../errors/app-error';
import { recordStaffAction } from '../audit/audit.repository';
import { findLiveToken, insertApiToken, revokeApiTokensOf, touchApiToken } from './api-tokens.repository';
import { resolveStaffScope, type StaffPrincipal } from './staff-scope';
import { findStaffUserByUsername, type StaffUserRecord } from './staff-users.repository';
import { normalizeUsername } from './staff-account.service';

const TOKEN_PREFIX = 'vx_';
const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^vx_[A-Za-z0-9_-]{43}$/;

/** Only this is stored: a leaked database does not hand out working tokens. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

async function existingStaff(db: Db, username: string): Promise<StaffUserRecord> {
  const staff = await findStaffUserByUsername(db, normalizeUsername(username));
  if (!staff) throw new AppError('NOT_FOUND', `Không có tài khoản "${username}". Tạo tài khoản trước bằng npm run admin:create.`);
  if (staff.disabled) throw new AppError('CONFLICT', `Tài khoản "${staff.username}" đang bị khoá.`);
  return staff;
}

/** A new random bearer token for the account; the token itself is returned once and never stored. */
export async function issueApiToken(db: Db, input: { readonly username: string; readonly label?: string }): Promise<{ readonly token: string; readonly tokenId: string; readonly staff: StaffUserRecord }> {
  const staff = await existingStaff(db, input.username);
  const token = `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
  const tokenId = await withTransaction(db, async (tx) => {
    const id = await insertApiToken(tx, staff.id, hashApiToken(token), input.label?.trim() || null);
    await recordStaffAction(tx, { staffUserId: null, action: 'apiToken.created', subjectKind: 'staff_user', subjectId: staff.id, unitId: staff.branchId, details: { tokenId: id } });
    return id;
  });
  return { token, tokenId, staff };
}

export async function revokeApiTokens(db: Db, username: string, at: Date): Promise<{ readonly staff: StaffUserRecord; readonly revoked: number }> {
  const staff = await existingStaff(db, username);
  const revoked = await withTransaction(db, async (tx) => {
    const count = await revokeApiTokensOf(tx, staff.id, at);
    await recordStaffAction(tx, { staffUserId: null, action: 'apiToken.revoked', subjectKind: 'staff_user', subjectId: staff.id, unitId: staff.branchId, details: { count } });
    return count;
  });
  return { staff, revoked };
}

/**
 * The staff member a bearer token belongs to, with their scope; undefined for a malformed, unknown
 * or revoked token or a disabled account. The row is found by its hash (a unique index); the hashes
 * are then compared in constant time, so the answer's timing says nothing about a near miss.
 */
export async function authenticateApiToken(db: Db, token: string, now: Date): Promise<StaffPrincipal | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const presented = Buffer.from(hashApiToken(token), 'hex');
  const owner = await findLiveToken(db, presented.toString('hex'));
  if (!owner) return undefined;
  const stored = Buffer.from(owner.tokenHash, 'hex');
  if (stored.length !== presented.length || !timingSafeEqual(stored, presented)) return undefined;
  await touchApiToken(db, owner.tokenId, now);
  const { scope, clusterIds } = await resolveStaffScope(db, { id: owner.staffUserId, role: owner.role, branchId: owner.branchId });
  return { id: owner.staffUserId, username: owner.username, role: owner.role, branchId: owner.branchId, clusterIds, scope };
}
