import { createHash, randomBytes } from 'node:crypto';

/** Zalo message ids look like `63ecf43f0df7dba892e6`: 20 hex characters. */
export function zaloMessageId(): string {
  return randomBytes(10).toString('hex');
}

/** Messenger mids are opaque `m_` + base64url strings. */
export function messengerMid(): string {
  return `m_${randomBytes(24).toString('base64url')}`;
}

/** Graph's error envelopes carry an opaque trace id. */
export function fbtraceId(): string {
  return randomBytes(8).toString('base64url');
}

/**
 * Zalo gives each app its own id for a user (`user_id_by_app`); derived so that it is stable for
 * the same user without being stored.
 */
export function zaloUserIdByApp(userId: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(`by-app:${userId}`).digest('hex').slice(0, 15)}`).toString();
  return `5${digits.padStart(17, '0').slice(-17)}`;
}
