/**
 * MessengerClient: the Graph API calls of the Messenger channel, over one keep-alive undici Pool.
 *
 * Calls:    POST {base}/{version}/me/messages (Send API, §2), GET {base}/{version}/{psid}?fields=…
 *           (User Profile, §5), POST {base}/{version}/me/messenger_profile (§5).
 * Auth:     the Page token as `Authorization: Bearer` (§2, [S29]), never in the URL, so it cannot
 *           reach access logs or ours. Without a token every call fails as `badToken notConfigured`.
 * Timeouts: connect, headers and body, 10 s each by default.
 * Outcome:  never throws for a platform answer or a network error: 2xx → ok; anything else → a
 *           SendFailure from messenger.errors.ts. A timeout may hide a message that was sent
 *           (Graph has no idempotency key), so a retry after `timeout` can deliver twice.
 * Logs:     operation, status, code, kind and duration; never the token or message text.
 */
import { performance } from 'node:perf_hooks';
import { Pool, request } from 'undici';
import type { Logger } from '../../logging/logger';
import type { SendFailure } from '../channel';
import { classifyMessengerError, classifyMessengerTransportError } from './messenger.errors';
import type { MessengerProfileSettings, MessengerUserProfile, SendApiRequest } from './messenger.types';

export interface MessengerClientOptions {
  readonly graphApiBase: string;
  readonly graphApiVersion: string;
  readonly pageAccessToken: string | undefined;
  /** Connect, headers and body timeout, each (default 10 s). */
  readonly timeoutMs?: number;
  /** Sockets kept open to Graph (default 32; Meta allows 300 sends/s per Page, §4.1). */
  readonly connections?: number;
  readonly logger?: Logger;
}

export type MessengerSendOutcome =
  | { readonly ok: true; readonly messageId: string; readonly recipientId?: string }
  | { readonly ok: false; readonly failure: SendFailure };

export type MessengerCallOutcome = { readonly ok: true } | { readonly ok: false; readonly failure: SendFailure };

type RawOutcome = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly failure: SendFailure };

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 1024 * 1024;
const NOT_CONFIGURED: SendFailure = { kind: 'badToken', code: 'notConfigured', message: 'MESSENGER_PAGE_ACCESS_TOKEN is not set' };

export class MessengerClient {
  readonly #pool: Pool;
  readonly #origin: string;
  readonly #prefix: string;
  readonly #token: string | undefined;
  readonly #logger: Logger | undefined;

  constructor(options: MessengerClientOptions) {
    const base = new URL(options.graphApiBase);
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#origin = base.origin;
    // The base may carry a path (the simulator's stand-in lives under one).
    this.#prefix = `${base.pathname.replace(/\/+$/, '')}/${encodeURIComponent(options.graphApiVersion)}`;
    this.#token = options.pageAccessToken || undefined;
    this.#logger = options.logger;
    this.#pool = new Pool(base.origin, {
      connections: options.connections ?? 32,
      connectTimeout: timeout,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
      maxResponseSize: MAX_RESPONSE_BYTES,
    });
  }

  /** Sends one Send API body; `messageId` is Graph's `message_id` (the `mid` its echoes and receipts carry). */
  async sendMessage(body: SendApiRequest): Promise<MessengerSendOutcome> {
    const outcome = await this.#call('sendMessage', 'POST', '/me/messages', body);
    if (!outcome.ok) return outcome;
    const { message_id: messageId, recipient_id: recipientId } = (outcome.body ?? {}) as { message_id?: unknown; recipient_id?: unknown };
    if (typeof messageId !== 'string' || messageId === '') {
      return { ok: false, failure: { kind: 'badRequest', code: 'noMessageId', message: 'graph answered 2xx without message_id' } };
    }
    return { ok: true, messageId, ...(typeof recipientId === 'string' ? { recipientId } : {}) };
  }

  /** The member's names, or null on any failure: a profile is optional (§5). */
  async getProfile(psid: string): Promise<MessengerUserProfile | null> {
    const outcome = await this.#call('getProfile', 'GET', `/${encodeURIComponent(psid)}?fields=first_name,last_name,name`);
    if (!outcome.ok || typeof outcome.body !== 'object' || outcome.body === null) return null;
    const { name, first_name: firstName, last_name: lastName } = outcome.body as Record<string, unknown>;
    return {
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof firstName === 'string' ? { first_name: firstName } : {}),
      ...(typeof lastName === 'string' ? { last_name: lastName } : {}),
    };
  }

  /** Sets Page-level profile properties (get_started, greeting, persistent_menu…). */
  async setMessengerProfile(profile: MessengerProfileSettings): Promise<MessengerCallOutcome> {
    const outcome = await this.#call('setMessengerProfile', 'POST', '/me/messenger_profile', profile);
    return outcome.ok ? { ok: true } : outcome;
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  async #call(operation: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<RawOutcome> {
    if (this.#token === undefined) return { ok: false, failure: NOT_CONFIGURED };
    const started = performance.now();
    let outcome: RawOutcome;
    let status: number | undefined;
    try {
      const response = await request(`${this.#origin}${this.#prefix}${path}`, {
        dispatcher: this.#pool,
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      status = response.statusCode;
      const parsed = parseJson(await response.body.text());
      outcome = status >= 200 && status < 300 ? { ok: true, body: parsed } : { ok: false, failure: classifyMessengerError(status, parsed, response.headers) };
    } catch (error) {
      outcome = { ok: false, failure: classifyMessengerTransportError(error) };
    }
    const ms = Math.round(performance.now() - started);
    if (outcome.ok) this.#logger?.debug({ operation, status, ms }, 'graph call succeeded');
    else {
      const { kind, code, message, retryAfterMs } = outcome.failure;
      this.#logger?.warn({ operation, status, kind, code, platformMessage: message, retryAfterMs, ms }, 'graph call failed');
    }
    return outcome;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
