import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring URLs of stored proof images, so that a reviewer's chat (or the platform that
 * fetches an image to show it) can open one without a login, and no one can list or guess them.
 *
 * The key is derived from SESSION_SECRET (HMAC-SHA256 of a fixed label), not SECRETS_KEY: this is
 * a signing key like the session's, and SECRETS_KEY stays an encryption key with one use (tokens
 * at rest). Deriving with a label keeps the session signatures and these apart.
 */
export const MEDIA_URL_LIFETIME_MS = 24 * 60 * 60_000;

const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface MediaUrlSigner {
  /** The URL of the image with this hash, valid for MEDIA_URL_LIFETIME_MS from `now`. */
  signedImageUrl(sha256: string, now: Date): string;
  /** True when `signature` was made by signedImageUrl for this hash and `expires` (epoch seconds) is not past. */
  verify(sha256: string, expires: string, signature: string, now: Date): boolean;
}

export function deriveMediaKey(sessionSecret: string): Buffer {
  return createHmac('sha256', sessionSecret).update('vung-xanh/media-url/v1').digest();
}

export function createMediaUrlSigner(options: { readonly publicBaseUrl: string; readonly sessionSecret: string; readonly lifetimeMs?: number }): MediaUrlSigner {
  const key = deriveMediaKey(options.sessionSecret);
  const base = options.publicBaseUrl.replace(/\/+$/, '');
  const lifetime = options.lifetimeMs ?? MEDIA_URL_LIFETIME_MS;
  const sign = (sha256: string, expires: string) => createHmac('sha256', key).update(`image:${sha256}:${expires}`).digest('base64url');
  return {
    signedImageUrl(sha256, now) {
      if (!SHA256_HEX.test(sha256)) throw new Error('signedImageUrl: not a sha256 hex digest');
      // Whole hours, so that a chat showing the same image twice in an hour sends the same URL (cacheable).
      const hour = 3_600_000;
      const expires = String(Math.ceil((now.getTime() + lifetime) / hour) * (hour / 1000));
      return `${base}/media/images/${sha256}?e=${expires}&s=${sign(sha256, expires)}`;
    },
    verify(sha256, expires, signature, now) {
      if (!SHA256_HEX.test(sha256) || !/^\d{1,12}$/.test(expires)) return false;
      if (Number(expires) * 1000 <= now.getTime()) return false;
      const expected = Buffer.from(sign(sha256, expires));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
