import { Pool } from 'undici';
import type { Logger } from '../../logging/logger';
import type { SendFailure } from '../channel';
import { classifyZaloError, classifyZaloTransportError, ZALO_TOKEN_ERRORS, type ClassifyOptions } from './zalo.errors';
import { parseZaloJson } from './zalo.json';
import type { ZaloCsRequest, ZaloTemplateRequest } from './zalo.render';
import type { ZaloAccessTokenSource, ZaloTokenResult } from './zalo.token';

/**
 * The Zalo OA API over undici: one keep-alive pool to ZALO_API_BASE, 10 s timeouts.
 *
 * Inputs:   request bodies already rendered (zalo.render.ts); the access token from the token
 *           source, sent only in the `access_token` header (zalo.md §2.1), never in a URL or a log.
 * Outcomes: `{ok:true, messageId}` (`data.message_id`, to recognise the echo later), or a classified
 *           SendFailure (zalo.errors.ts): Zalo answers HTTP 200 with `error != 0` for application
 *           errors, so the envelope is always read.
 * Retry:    -216 / -220 → the token source refreshes once and the call is made once more; a
 *           second rejection is final (badToken). Nothing else is retried here: the outbound
 *           queue owns backoff.
 * Never throws for a platform answer or a network error.
 */
export interface ZaloClientOptions {
  readonly apiBase: string;
  readonly tokens: ZaloAccessTokenSource;
  readonly logger: Logger;
  readonly timeoutMs?: number;
  readonly connections?: number;
  readonly classify?: ClassifyOptions;
}

export type ZaloSendOutcome = { readonly ok: true; readonly messageId: string } | { readonly ok: false; readonly failure: SendFailure };

export interface ZaloUserProfile {
  readonly displayName?: string;
  readonly isFollower?: boolean;
}

type Answer = { readonly ok: true; readonly data: Record<string, unknown> } | { readonly ok: false; readonly failure: SendFailure };

export class ZaloClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly timeoutMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: ZaloClientOptions) {
    const base = new URL(options.apiBase);
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.pool = new Pool(base.origin, {
      // As Messenger's: a broadcast batch sends a window's tokens at once (50 at 500/s), and with
      // 16 connections a third of them queued for a connection (Zalo sent 374/s, Messenger 415/s).
      connections: options.connections ?? 32,
      keepAliveTimeout: 30_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: { timeout: this.timeoutMs },
    });
    this.logger = options.logger.child({ channel: 'zalo', component: 'client' });
  }

  /** `POST /v3.0/oa/message/cs`: a consultation message. */
  sendCs(body: ZaloCsRequest): Promise<ZaloSendOutcome> {
    return this.send('/v3.0/oa/message/cs', body);
  }

  /** `POST /v3.0/oa/message/template`: a pre-approved template by user id. */
  sendTemplate(body: ZaloTemplateRequest): Promise<ZaloSendOutcome> {
    return this.send('/v3.0/oa/message/template', body);
  }

  /** `GET /v3.0/oa/user/detail`; null whenever Zalo will not say (a profile never blocks a turn). */
  async getUserProfile(userId: string): Promise<ZaloUserProfile | null> {
    const data = encodeURIComponent(JSON.stringify({ user_id: userId }));
    const answer = await this.withToken('GET', `/v3.0/oa/user/detail?data=${data}`, undefined);
    if (!answer.ok) {
      this.logger.info({ kind: answer.failure.kind, code: answer.failure.code, reason: answer.failure.message }, 'Zalo user profile unavailable');
      return null;
    }
    const displayName = typeof answer.data.display_name === 'string' && answer.data.display_name !== '' ? answer.data.display_name : undefined;
    const isFollower = typeof answer.data.user_is_follower === 'boolean' ? answer.data.user_is_follower : undefined;
    return { ...(displayName === undefined ? {} : { displayName }), ...(isFollower === undefined ? {} : { isFollower }) };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send(path: string, body: ZaloCsRequest | ZaloTemplateRequest): Promise<ZaloSendOutcome> {
    const answer = await this.withToken('POST', path, JSON.stringify(body));
    if (!answer.ok) {
      const { kind, code, message } = answer.failure;
      this.logger.warn({ path, kind, code, reason: message }, 'Zalo send failed');
      return answer;
    }
    const id = answer.data.message_id ?? answer.data.msg_id;
    const messageId = typeof id === 'string' ? id : typeof id === 'number' ? String(id) : '';
    this.logger.debug({ path, messageId }, 'Zalo send accepted');
    return { ok: true, messageId };
  }

  private async withToken(method: 'GET' | 'POST', path: string, body: string | undefined): Promise<Answer> {
    const first = await this.token(() => this.options.tokens.getAccessToken());
    if (!first.ok) return first;
    const answer = await this.call(method, path, body, first.token);
    if (answer.ok || !isTokenRejection(answer.failure)) return answer;
    this.logger.info({ path, code: answer.failure.code }, 'Zalo rejected the OA token; refreshing once');
    const second = await this.token(() => this.options.tokens.refreshAfterRejection(first.token));
    if (!second.ok) return second;
    // Made once: a token rejected again right after a refresh is final (badToken), never a loop.
    return this.call(method, path, body, second.token);
  }

  private async token(read: () => Promise<ZaloTokenResult>): Promise<ZaloTokenResult> {
    try {
      return await read();
    } catch (error) {
      return { ok: false, failure: { kind: 'retryable', code: 'tokenSource', message: error instanceof Error ? error.message : String(error) } };
    }
  }

  private async call(method: 'GET' | 'POST', path: string, body: string | undefined, token: string): Promise<Answer> {
    let status: number;
    let text: string;
    try {
      const response = await this.pool.request({
        method,
        path: `${this.basePath}${path}`,
        headers: body === undefined ? { access_token: token } : { access_token: token, 'content-type': 'application/json' },
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      return { ok: false, failure: classifyZaloTransportError(error) };
    }
    const json = parseZaloJson(text);
    const failure = classifyZaloError(status, json.ok ? json.value : undefined, this.options.classify);
    if (failure) return { ok: false, failure };
    const data = (json.ok ? (json.value as { data?: unknown }).data : undefined) ?? {};
    return { ok: true, data: typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {} };
  }
}

function isTokenRejection(failure: SendFailure): boolean {
  return ZALO_TOKEN_ERRORS.has(Number(failure.code));
}
