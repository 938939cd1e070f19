import type { SendFailure, SendFailureKind } from '../channel';

/**
 * Zalo OA API answers → our failure classes. Application errors arrive with HTTP 200 and
 * `error != 0` (zalo.md §2.1); codes follow the official table (zalo.md §4), never third-party
 * tables with other numbering.
 */

/** -216 invalid / -220 expired or removed: the client refreshes once and retries once. */
export const ZALO_TOKEN_ERRORS: ReadonlySet<number> = new Set([-216, -220]);

// OA disabled, app not activated, API not registered or not allowed for this OA or package, v2
// API shut down, bad appsecret_proof, no Zalo Cloud balance: no send can succeed until a human
// fixes the OA or app, so they stop the channel like a dead token (badToken) and raise an alert.
const CONFIG_ERRORS = new Set([-204, -205, -209, -212, -219, -221, -223, -224, -235, -240, -242, -320, -321]);

const FIXED: ReadonlyMap<number, SendFailureKind> = new Map<number, SendFailureKind>([
  [-216, 'badToken'],
  [-220, 'badToken'],
  [-200, 'retryable'],
  // We send images by URL, so an expired attachment_id means our message is wrong.
  [-100, 'badRequest'],
  [-201, 'badRequest'],
  [-210, 'badRequest'],
  [-233, 'badRequest'],
  [-248, 'badRequest'],
  [-213, 'unreachable'],
  [-217, 'unreachable'],
  [-227, 'unreachable'],
  // UNCERTAIN (zalo.md §4): closest to "blocked the OA".
  [-244, 'unreachable'],
  [-230, 'windowClosed'],
  [-232, 'windowClosed'],
]);

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const VIETNAM_OFFSET_MS = 7 * HOUR_MS;

export interface ClassifyOptions {
  /** 0 ≤ random() < 1, for the jitter; injectable for tests. */
  readonly random?: () => number;
  readonly now?: () => number;
  /** The wait before calls go again after -32 or HTTP 429 (default a minute, plus jitter); tests shorten it. */
  readonly rateLimitWaitMs?: number;
}

interface ZaloEnvelope {
  readonly error?: unknown;
  readonly message?: unknown;
}

/**
 * Null when the answer is a success (HTTP 2xx and `error` 0), else what the failure means:
 * - -32 (per-minute rate limit) → retryable after a minute plus up to 15 s of jitter;
 * - -211 (OA feature quota) / -218 (recipient's receive quota) → retryable after an hour plus up to
 *   10 min of jitter: a reschedule, not a fast retry (the quota windows are not documented);
 * - -234 (no sends 22:00–06:00) → windowClosed with retryAfterMs up to 06:05 Vietnam time
 *   (zalo.md §2.3: timezone assumed Asia/Ho_Chi_Minh, UNCERTAIN);
 * - the config group → badToken (stop the channel, alert); any other code → badRequest;
 * - HTTP 5xx / 408 / 429 → retryable; HTTP 401 / 403 → badToken; other HTTP 4xx → badRequest.
 */
export function classifyZaloError(httpStatus: number, body: unknown, options: ClassifyOptions = {}): SendFailure | null {
  const envelope = typeof body === 'object' && body !== null ? (body as ZaloEnvelope) : undefined;
  const code = envelope === undefined ? undefined : Number(envelope.error);
  const message = typeof envelope?.message === 'string' ? envelope.message : '';
  if (httpStatus >= 200 && httpStatus < 300) {
    if (code === 0) return null;
    if (code === undefined || !Number.isInteger(code)) return { kind: 'retryable', code: `http ${httpStatus}`, message: 'answer is not a Zalo envelope' };
    return classifyCode(code, message, options);
  }
  const httpMessage = message || `HTTP ${httpStatus}`;
  if (httpStatus >= 500 || httpStatus === 408) return { kind: 'retryable', code: `http ${httpStatus}`, message: httpMessage };
  if (httpStatus === 429) return { kind: 'retryable', code: 'http 429', message: httpMessage, retryAfterMs: rateLimitWait(options) };
  if (httpStatus === 401 || httpStatus === 403) return { kind: 'badToken', code: `http ${httpStatus}`, message: httpMessage };
  return { kind: 'badRequest', code: `http ${httpStatus}`, message: httpMessage };
}

function classifyCode(code: number, message: string, options: ClassifyOptions): SendFailure {
  const base = { code: String(code), message };
  if (code === -32) return { ...base, kind: 'retryable', retryAfterMs: rateLimitWait(options) };
  if (code === -211 || code === -218) return { ...base, kind: 'retryable', retryAfterMs: withJitter(HOUR_MS, 10 * MINUTE_MS, options) };
  if (code === -234) return { ...base, kind: 'windowClosed', retryAfterMs: untilMorningInVietnam((options.now ?? Date.now)()) };
  if (CONFIG_ERRORS.has(code)) return { ...base, kind: 'badToken', message: `channel configuration: ${message}` };
  return { ...base, kind: FIXED.get(code) ?? 'badRequest' };
}

/** Network failures and timeouts (no answer at all) are always worth another try. */
export function classifyZaloTransportError(error: unknown): SendFailure {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const timeouts = ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'ABORT_ERR'];
  if (typeof code === 'string' && timeouts.includes(code)) return { kind: 'retryable', code: 'timeout', message };
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { kind: 'retryable', code: 'timeout', message };
  return { kind: 'retryable', code: typeof code === 'string' ? `network ${code}` : 'network', message };
}

function rateLimitWait(options: ClassifyOptions): number {
  const base = options.rateLimitWaitMs ?? MINUTE_MS;
  return withJitter(base, base / 4, options);
}

function withJitter(baseMs: number, spreadMs: number, options: ClassifyOptions): number {
  return baseMs + Math.floor((options.random ?? Math.random)() * spreadMs);
}

/** Milliseconds from `now` to the next 06:05 in Vietnam (UTC+7 all year, no daylight saving). */
export function untilMorningInVietnam(now: number): number {
  const local = now + VIETNAM_OFFSET_MS;
  const dayStart = local - (((local % (24 * HOUR_MS)) + 24 * HOUR_MS) % (24 * HOUR_MS));
  let target = dayStart + 6 * HOUR_MS + 5 * MINUTE_MS;
  if (target <= local) target += 24 * HOUR_MS;
  return target - local;
}
