import type { SendFailure, SendFailureKind } from '../channel';

/** Response headers as undici gives them (lower-case names). */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** Graph's error envelope: `{"error":{"message","type","code","error_subcode","is_transient","fbtrace_id"}}` (messenger.md §4.2). */
export interface GraphError {
  readonly code: number;
  readonly subcode?: number;
  readonly message: string;
  readonly isTransient?: boolean;
  readonly fbtraceId?: string;
}

/** §4.2 gives "backoff ≥ 60 s" for 613. */
const RATE_LIMIT_613_FLOOR_MS = 60_000;
const MESSAGE_LIMIT = 300;
// The "may be considered bothersome" warning's code is UNCERTAIN (§4.2): it is recognised by its words.
const BOTHERSOME = /bothersome/i;
const OUTSIDE_WINDOW = /outside (?:of )?(?:the )?allowed window/i;

export function readGraphError(body: unknown): GraphError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, error_subcode: subcode, message, is_transient: isTransient, fbtrace_id: fbtraceId } = error as Record<string, unknown>;
  if (typeof code !== 'number') return undefined;
  return {
    code,
    ...(typeof subcode === 'number' ? { subcode } : {}),
    message: typeof message === 'string' ? message : '',
    ...(typeof isTransient === 'boolean' ? { isTransient } : {}),
    ...(typeof fbtraceId === 'string' ? { fbtraceId } : {}),
  };
}

/**
 * Classifies a non-2xx Graph answer, on `code`/`error_subcode` first and the HTTP status second
 * (Graph answers most errors with 400, §4.2). Decisions beyond the table:
 * - 1 (unknown, "often missing permission"), 10 without subcode (no permission), 10/1893063 (Page
 *   restricted), 200–299 and 368 (Page blocked for policy) are `badToken`: no send on this channel
 *   can succeed until someone fixes the Page, its token or its permissions, so the channel stops
 *   and alerts. Code 1 flagged `is_transient` is retried instead; 10 with another subcode fails only
 *   this message (`badRequest`), since stopping the channel on an unknown per-user code is worse.
 * - 4/2018354 (marketing-message frequency) and the "bothersome" warning are `windowClosed`: not
 *   now, not by retrying; the message waits for the member's next interaction.
 * - 80000–80014 (Business Use Case throttling) and 9 (too many actions) are retryable like 4/32/613.
 */
export function classifyMessengerError(status: number, body: unknown, headers: ResponseHeaders = {}): SendFailure {
  const error = readGraphError(body);
  if (!error) {
    const kind: SendFailureKind = status >= 500 || status === 408 || status === 429 ? 'retryable' : 'badRequest';
    return withRetryAfter({ kind, code: `http ${status}`, message: `graph answered ${status} without an error envelope` }, headers);
  }
  const code = error.subcode === undefined ? String(error.code) : `${error.code}/${error.subcode}`;
  const message = (error.fbtraceId ? `${error.message} (fbtrace_id ${error.fbtraceId})` : error.message).slice(0, MESSAGE_LIMIT);
  const failure = (kind: SendFailureKind): SendFailure => withRetryAfter({ kind, code, message }, headers, error.code === 613 ? RATE_LIMIT_613_FLOOR_MS : 0);
  if (BOTHERSOME.test(error.message)) return failure('windowClosed');
  switch (error.code) {
    case 10:
      if (error.subcode === 2018278 || OUTSIDE_WINDOW.test(error.message)) return failure('windowClosed');
      // 10 alone is "no permission"; other subcodes are unknown to us, so they fail this message only.
      return failure(error.subcode === undefined || error.subcode === 1893063 ? 'badToken' : 'badRequest');
    case 100:
      return failure(error.subcode === 2018001 ? 'unreachable' : 'badRequest');
    case 551:
      return failure('unreachable');
    case 190:
    case 102:
    case 368:
      return failure('badToken');
    case 1:
      return failure(error.isTransient ? 'retryable' : 'badToken');
    case 4:
      return failure(error.subcode === 2018354 ? 'windowClosed' : 'retryable');
    case 2:
    case 9:
    case 32:
    case 613:
    case 1200:
      return failure('retryable');
    default:
      if (error.code >= 200 && error.code <= 299) return failure('badToken');
      if (error.code >= 80000 && error.code <= 80014) return failure('retryable');
      return failure(error.isTransient || status >= 500 ? 'retryable' : 'badRequest');
  }
}

/** A request that never got an answer: connection refused or reset, DNS, or a timeout. Always retryable. */
export function classifyMessengerTransportError(error: unknown): SendFailure {
  const { code, name } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; name?: unknown };
  const text = typeof code === 'string' ? code : typeof name === 'string' ? name : 'unknown';
  if (/TIMEOUT/i.test(text) || name === 'TimeoutError' || name === 'AbortError') {
    return { kind: 'retryable', code: 'timeout', message: `no answer in time (${text})` };
  }
  return { kind: 'retryable', code: `network ${text}`, message: 'the request did not reach graph or its answer was lost' };
}

function withRetryAfter(failure: SendFailure, headers: ResponseHeaders, floorMs = 0): SendFailure {
  if (failure.kind !== 'retryable') return failure;
  const retryAfterMs = Math.max(floorMs, retryAfterFromHeaders(headers) ?? 0);
  return retryAfterMs > 0 ? { ...failure, retryAfterMs } : failure;
}

/**
 * How long the platform asked us to wait: `Retry-After` (seconds or a date), or the largest
 * `estimated_time_to_regain_access` (minutes) in `X-Business-Use-Case-Usage` (a header name from
 * secondary sources, UNCERTAIN: §4.1). Undefined when neither says.
 */
export function retryAfterFromHeaders(headers: ResponseHeaders, now: number = Date.now()): number | undefined {
  const candidates: number[] = [];
  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
    if (Number.isFinite(ms) && ms > 0) candidates.push(ms);
  }
  const usage = headerValue(headers, 'x-business-use-case-usage');
  if (usage !== undefined) {
    try {
      const parsed = JSON.parse(usage) as Record<string, unknown>;
      for (const entries of Object.values(parsed)) {
        if (!Array.isArray(entries)) continue;
        for (const entry of entries) {
          const minutes = (entry as { estimated_time_to_regain_access?: unknown }).estimated_time_to_regain_access;
          if (typeof minutes === 'number' && minutes > 0) candidates.push(minutes * 60_000);
        }
      }
    } catch {
      // An unreadable usage header is no instruction.
    }
  }
  return candidates.length > 0 ? Math.max(...candidates) : undefined;
}

function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
