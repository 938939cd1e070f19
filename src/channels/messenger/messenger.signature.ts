import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck } from '../channel';

/** The header Meta signs with (messenger.md §1.2). The SHA-1 `X-Hub-Signature` is never accepted. */
export const MESSENGER_SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE_PATTERN = /^sha256=([0-9a-f]{64})$/i;

/** `sha256=<lowercase hex HMAC-SHA256 of the exact bytes>`, as Meta sends it; the simulator signs with this. */
export function signMessengerBody(rawBody: Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Checks `X-Hub-Signature-256` over the exact bytes received (Meta signs its escaped-unicode
 * serialisation, so re-serialised JSON would not match). Pure; never throws.
 */
export function checkMessengerSignature(rawBody: Buffer, header: string | undefined, appSecret: string | undefined): SignatureCheck {
  if (appSecret === undefined || appSecret === '') return { ok: false, reason: 'notConfigured' };
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing' };
  const match = SIGNATURE_PATTERN.exec(header.trim());
  if (!match) return { ok: false, reason: 'malformed' };
  const received = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return { ok: false, reason: 'mismatch' };
  return { ok: true };
}
