import { linkIdentityToMember } from '../members/registration.repository';
import { createHash, randomInt } from 'node:crypto';
import type { Db, Tx } from '../../db/database';
import { deleteStaleCodes, failedAttemptsSince, findLiveCode, identityMember, insertCode, markCodeUsed, recordAttempt } from './linking.repository';

/**
 * One person, two channels: a member registered on one channel asks for a short code there and
 * types it on the other channel, whose identity then belongs to the same member (so the person
 * counts once in every figure: figures count members, not identities).
 */
export const LINK_CODE_MINUTES = 10;
/** Wrong codes an identity may type per window before it must wait. */
export const MAX_WRONG_ATTEMPTS = 5;
export const ATTEMPT_WINDOW_MINUTES = 10;
const MINUTE_MS = 60_000;
const CODE_PATTERN = /^\d{6}$/;

/**
 * Codes are kept hashed. Six digits are few enough that a stolen hash could be reversed, which is
 * acceptable only because a code lives ten minutes and is spent on first use.
 */
export function hashLinkCode(code: string): string {
  return createHash('sha256').update(`vx-link-code:${code}`).digest('hex');
}

export function isLinkCode(text: string): boolean {
  return CODE_PATTERN.test(text);
}

/** A new code for the member (replacing any unused one); shown once, never stored in clear. */
export async function createLinkCode(db: Db | Tx, memberId: string, now: Date): Promise<{ code: string; expiresAt: Date }> {
  await deleteStaleCodes(db, memberId, now);
  const expiresAt = new Date(now.getTime() + LINK_CODE_MINUTES * MINUTE_MS);
  // A collision with another member's live code is rare (a few live codes among a million); draw again.
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (await insertCode(db, { memberId, codeHash: hashLinkCode(code), createdAt: now, expiresAt })) return { code, expiresAt };
  }
  throw new Error('createLinkCode: could not draw a free code');
}

export type RedeemOutcome =
  | { readonly kind: 'linked'; readonly memberId: string }
  /** The identity already belongs to the code's member: nothing to do. */
  | { readonly kind: 'alreadyThisMember' }
  /** The identity belongs to someone else: never moved silently. */
  | { readonly kind: 'linkedToAnother' }
  /** Wrong, expired or already used (the member is not told which); `attemptsLeft` before the wait. */
  | { readonly kind: 'wrong'; readonly attemptsLeft: number }
  | { readonly kind: 'tooManyAttempts'; readonly retryInMinutes: number };

async function tooMany(db: Db | Tx, identityId: string, now: Date): Promise<{ count: number; retryInMinutes: number }> {
  const windowStart = new Date(now.getTime() - ATTEMPT_WINDOW_MINUTES * MINUTE_MS);
  const { count, oldest } = await failedAttemptsSince(db, identityId, windowStart);
  const freeAt = oldest ? oldest.getTime() + ATTEMPT_WINDOW_MINUTES * MINUTE_MS : now.getTime();
  return { count, retryInMinutes: Math.max(1, Math.ceil((freeAt - now.getTime()) / MINUTE_MS)) };
}

/** The person types `code` on `identityId`'s channel. */
export async function redeemLinkCode(db: Db | Tx, identityId: string, code: string, now: Date): Promise<RedeemOutcome> {
  const before = await tooMany(db, identityId, now);
  if (before.count >= MAX_WRONG_ATTEMPTS) return { kind: 'tooManyAttempts', retryInMinutes: before.retryInMinutes };
  const live = isLinkCode(code) ? await findLiveCode(db, hashLinkCode(code), now) : undefined;
  if (!live) {
    await recordAttempt(db, identityId, false, now);
    const left = MAX_WRONG_ATTEMPTS - (before.count + 1);
    if (left <= 0) return { kind: 'tooManyAttempts', retryInMinutes: (await tooMany(db, identityId, now)).retryInMinutes };
    return { kind: 'wrong', attemptsLeft: left };
  }
  const current = await identityMember(db, identityId);
  if (current === live.memberId) return { kind: 'alreadyThisMember' };
  if (current !== null) return { kind: 'linkedToAnother' };
  if (!(await linkIdentityToMember(db, identityId, live.memberId))) return { kind: 'linkedToAnother' };
  await markCodeUsed(db, live.id, identityId, now);
  await recordAttempt(db, identityId, true, now);
  return { kind: 'linked', memberId: live.memberId };
}
