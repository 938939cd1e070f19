import { request, type Dispatcher } from 'undici';
import type { SendFailure } from '../channel';
import { classifyZaloTransportError } from './zalo.errors';
import { parseZaloJson } from './zalo.json';

/** 90000 s: the documented lifetime of an OA access token (zalo.md §3). */
export const ZALO_ACCESS_TOKEN_LIFETIME_MS = 25 * 3_600_000;

export interface ZaloRefreshRequest {
  readonly oauthBase: string;
  readonly appId: string;
  readonly appSecret: string;
  readonly refreshToken: string;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
}

/** What Zalo said when it refused, safe to log (never a token). */
export interface ZaloRefreshRefusal {
  readonly httpStatus?: number;
  readonly error?: string;
  readonly errorName?: string;
  readonly errorDescription?: string;
}

export type ZaloRefreshAnswer =
  | { readonly ok: true; readonly accessToken: string; readonly refreshToken: string | undefined; readonly expiresInMs: number }
  /** `refused`: Zalo answered and gave no token (do not try that refresh token again); else no real answer. */
  | { readonly ok: false; readonly refused: boolean; readonly failure: SendFailure; readonly refusal: ZaloRefreshRefusal };

/**
 * `POST {oauthBase}/v4/oa/access_token`, form-encoded, header `secret_key: <app secret>`, body
 * refresh_token + app_id + grant_type=refresh_token (zalo.md §3). Never throws.
 */
export async function requestZaloTokenRefresh(r: ZaloRefreshRequest): Promise<ZaloRefreshAnswer> {
  const form = new URLSearchParams({ refresh_token: r.refreshToken, app_id: r.appId, grant_type: 'refresh_token' });
  let status: number;
  let text: string;
  try {
    const response = await request(`${r.oauthBase}/v4/oa/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: r.appSecret },
      body: form.toString(),
      dispatcher: r.dispatcher,
      headersTimeout: r.timeoutMs,
      bodyTimeout: r.timeoutMs,
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    return { ok: false, refused: false, failure: classifyZaloTransportError(error), refusal: {} };
  }
  if (status >= 500 || status === 429 || status === 408) {
    return { ok: false, refused: false, failure: { kind: 'retryable', code: `http ${status}`, message: 'the OAuth host failed' }, refusal: { httpStatus: status } };
  }
  const json = parseZaloJson(text);
  const body = json.ok && typeof json.value === 'object' && json.value !== null ? (json.value as Record<string, unknown>) : undefined;
  if (body === undefined) {
    // Not Zalo's JSON (a proxy's error page): no verdict on the refresh token, so it is kept.
    return { ok: false, refused: false, failure: { kind: 'retryable', code: `http ${status}`, message: 'the OAuth host answered without JSON' }, refusal: { httpStatus: status } };
  }
  const accessToken = body.access_token;
  if (typeof accessToken === 'string' && accessToken !== '' && status < 300) {
    const refreshToken = typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined;
    // expires_in is documented as a string ("90000"); a number is accepted too.
    const seconds = Number(body.expires_in);
    const expiresInMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : ZALO_ACCESS_TOKEN_LIFETIME_MS;
    return { ok: true, accessToken, refreshToken, expiresInMs };
  }
  // Refusals carry no documented code (zalo.md §3): error, error_name, error_description, error_reason.
  const refusal: ZaloRefreshRefusal = {
    httpStatus: status,
    error: textOf(body.error),
    errorName: textOf(body.error_name),
    errorDescription: textOf(body.error_description) ?? textOf(body.error_reason) ?? textOf(body.message),
  };
  const failure: SendFailure = {
    kind: 'badToken',
    code: `oauth ${refusal.error ?? status}`,
    message: refusal.errorDescription ?? refusal.errorName ?? 'Zalo gave no access_token for the refresh token',
  };
  return { ok: false, refused: true, failure, refusal };
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
