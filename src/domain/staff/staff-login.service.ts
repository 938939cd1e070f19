import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/database';
import { recordStaffAction } from '../audit/audit.repository';
import { hashPassword, verifyPassword } from './password';
import { normalizeUsername } from './staff-account.service';
import { resolveStaffScope, type StaffPrincipal } from './staff-scope';
import {
  countLoginFailuresFrom,
  deleteSession,
  deleteSessionsEndedBefore,
  findLoginCredentials,
  findSession,
  insertSession,
  recordLoginFailure,
  recordLoginSuccess,
  touchSession,
} from './staff-sessions.repository';

const MINUTE_MS = 60_000;

export interface LoginLimits {
  /** Wrong passwords in a row before the account is locked… */
  readonly maxFailures: number;
  /** …for this long. */
  readonly lockMs: number;
  /** Failed sign-ins one address may make within `addressWindowMs`, whatever the accounts. */
  readonly maxFailuresPerAddress: number;
  readonly addressWindowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { maxFailures: 5, lockMs: 15 * MINUTE_MS, maxFailuresPerAddress: 20, addressWindowMs: 15 * MINUTE_MS };

export interface SessionLimits {
  /** Signed out after this long without a request (a phone left on a table). */
  readonly idleMs: number;
  /** Signed out after this long, however active. */
  readonly absoluteMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 2 * 60 * MINUTE_MS, absoluteMs: 12 * 60 * MINUTE_MS };

/** last_seen_at is written at most this often: a page with a few htmx calls must not write each time. */
const TOUCH_EVERY_MS = MINUTE_MS;

export interface SignInRequest {
  readonly username: string;
  readonly password: string;
  readonly ip: string | null;
  readonly now: Date;
}

export interface StartedSession {
  /** The cookie's value; only its hash is stored. */
  readonly id: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export type SignInOutcome =
  | { readonly ok: true; readonly staff: StaffPrincipal; readonly session: StartedSession }
  | { readonly ok: false; readonly reason: 'invalid' }
  | { readonly ok: false; readonly reason: 'locked'; readonly until: Date }
  | { readonly ok: false; readonly reason: 'tooManyFromAddress' };

export interface LiveSession {
  readonly idHash: string;
  readonly staff: StaffPrincipal;
  readonly displayName: string | null;
  readonly csrfToken: string;
}

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

// An unknown username costs the same argon2 work as a known one: the timing says nothing.
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hashPassword('vung-xanh decoy password, never valid'));

function usernameOrUndefined(text: string): string | undefined {
  try {
    return normalizeUsername(text);
  } catch {
    return undefined;
  }
}

async function failed(db: Db, req: SignInRequest, staffUserId: string | null, details: Record<string, unknown>): Promise<void> {
  await recordStaffAction(db, { staffUserId, action: 'staff.loginFailed', subjectKind: 'staff_user', subjectId: staffUserId, unitId: null, details, ip: req.ip, at: req.now });
}

/**
 * Checks a sign-in (issue 6 §1): an address with too many recent failures is refused before
 * anything else; a locked account is refused without looking at the password; a wrong password
 * counts towards the lock. Every outcome is in audit_log (never the password).
 */
export async function signIn(db: Db, req: SignInRequest, limits: LoginLimits = DEFAULT_LOGIN_LIMITS, sessions: SessionLimits = DEFAULT_SESSION_LIMITS): Promise<SignInOutcome> {
  if (req.ip !== null && (await countLoginFailuresFrom(db, req.ip, new Date(req.now.getTime() - limits.addressWindowMs))) >= limits.maxFailuresPerAddress) {
    return { ok: false, reason: 'tooManyFromAddress' };
  }
  const username = usernameOrUndefined(req.username);
  const account = username === undefined ? undefined : await findLoginCredentials(db, username);
  if (!account || account.disabled) {
    await verifyPassword(await decoy(), req.password);
    await failed(db, req, account?.id ?? null, account ? { reason: 'disabled' } : { reason: 'unknownUser' });
    return { ok: false, reason: 'invalid' };
  }
  if (account.lockedUntil && account.lockedUntil > req.now) {
    await failed(db, req, account.id, { reason: 'locked' });
    return { ok: false, reason: 'locked', until: account.lockedUntil };
  }
  if (!(await verifyPassword(account.passwordHash, req.password))) {
    const after = await recordLoginFailure(db, account.id, limits.maxFailures, new Date(req.now.getTime() + limits.lockMs));
    const lockedNow = after.lockedUntil !== null && after.lockedUntil > req.now;
    await failed(db, req, account.id, { reason: 'wrongPassword', ...(lockedNow ? { lockedUntil: after.lockedUntil!.toISOString() } : {}) });
    return lockedNow ? { ok: false, reason: 'locked', until: after.lockedUntil! } : { ok: false, reason: 'invalid' };
  }

  await recordLoginSuccess(db, account.id, req.now);
  await deleteSessionsEndedBefore(db, req.now, new Date(req.now.getTime() - sessions.idleMs));
  const session: StartedSession = { id: randomToken(), csrfToken: randomToken(), expiresAt: new Date(req.now.getTime() + sessions.absoluteMs) };
  await insertSession(db, { idHash: hashSessionId(session.id), staffUserId: account.id, csrfToken: session.csrfToken, createdAt: req.now, expiresAt: session.expiresAt, ip: req.ip });
  await recordStaffAction(db, { staffUserId: account.id, action: 'staff.login', subjectKind: 'staff_user', subjectId: account.id, unitId: account.branchId, ip: req.ip, at: req.now });
  const { scope, clusterIds } = await resolveStaffScope(db, { id: account.id, role: account.role, branchId: account.branchId });
  return { ok: true, session, staff: { id: account.id, username: account.username, role: account.role, branchId: account.branchId, clusterIds, scope } };
}

/** The signed-in staff member behind a session cookie; undefined (and the row gone) once it has ended. */
export async function resumeSession(db: Db, sessionId: string, now: Date, limits: SessionLimits = DEFAULT_SESSION_LIMITS): Promise<LiveSession | undefined> {
  const idHash = hashSessionId(sessionId);
  const row = await findSession(db, idHash);
  if (!row) return undefined;
  if (row.expiresAt <= now || now.getTime() - row.lastSeenAt.getTime() >= limits.idleMs) {
    await deleteSession(db, idHash);
    return undefined;
  }
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await touchSession(db, idHash, now);
  const { scope, clusterIds } = await resolveStaffScope(db, { id: row.staffUserId, role: row.role, branchId: row.branchId });
  return {
    idHash,
    csrfToken: row.csrfToken,
    displayName: row.displayName,
    staff: { id: row.staffUserId, username: row.username, role: row.role, branchId: row.branchId, clusterIds, scope },
  };
}

export async function signOut(db: Db, sessionIdHash: string, ip: string | null, now: Date): Promise<void> {
  const staffUserId = await deleteSession(db, sessionIdHash);
  if (staffUserId) await recordStaffAction(db, { staffUserId, action: 'staff.logout', subjectKind: 'staff_user', subjectId: staffUserId, unitId: null, ip, at: now });
}
