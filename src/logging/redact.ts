/**
 * Scrubbing of values that must never reach a log line: tokens and secrets by key, and
 * `access_token=` query strings and Vietnamese phone numbers wherever they appear in text.
 */

/** Keys whose values are secret wherever they sit in a logged object (compared case-insensitively). */
const SECRET_KEYS = new Set([
  'access_token',
  'accesstoken',
  'refresh_token',
  'refreshtoken',
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'password_hash',
  'passwordhash',
  'secret',
  'secret_key',
  'app_secret',
  'appsecret',
  'oa_secret_key',
  'session_secret',
  'token',
  'verify_token',
  'hub.verify_token',
  'x-hub-signature',
  'x-hub-signature-256',
  'x-zevent-signature',
  'appsecret_proof',
]);

/** Keys whose values are phone numbers. */
const PHONE_KEYS = new Set(['phone', 'phone_number', 'phonenumber', 'msisdn']);

export const REDACTED = '[redacted]';

// +84 / 84 / 0 followed by a 9-digit mobile number, with optional separators; also old 11-digit 01x numbers.
const PHONE_PATTERN = /(?<![\d+])(?:\+?84|0)[\s.-]?(?:1\d|[35789])\d(?:[\s.-]?\d){7}(?!\d)/g;
const TOKEN_QUERY_PATTERN = /((?:access_token|refresh_token|appsecret_proof|hub\.verify_token|token)=)[^&\s"']+/gi;
const BEARER_PATTERN = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;

/** Masks a phone number keeping the last three digits, so support can still tell two apart. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `***${digits.slice(-3)}`;
}

export function scrubText(text: string): string {
  return text
    .replace(TOKEN_QUERY_PATTERN, `$1${REDACTED}`)
    .replace(BEARER_PATTERN, `$1${REDACTED}`)
    .replace(PHONE_PATTERN, (m) => maskPhone(m));
}

const MAX_DEPTH = 8;

/** Returns a scrubbed copy; never mutates the caller's object. */
export function scrubValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.constructor.name, message: scrubText(value.message) };
    if (value.stack) out.stack = scrubText(value.stack);
    for (const [k, v] of Object.entries(value)) out[k] = scrubEntry(k, v, depth, seen);
    if (value.cause !== undefined) out.cause = scrubValue(value.cause, depth + 1, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1, seen));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubEntry(k, v, depth, seen);
  return out;
}

function scrubEntry(key: string, value: unknown, depth: number, seen: WeakSet<object>): unknown {
  const lower = key.toLowerCase();
  if (SECRET_KEYS.has(lower) && value !== undefined && value !== null && value !== '') return REDACTED;
  if (PHONE_KEYS.has(lower) && typeof value === 'string') return maskPhone(value);
  return scrubValue(value, depth + 1, seen);
}
