import { createHmac } from 'node:crypto';
import type { Logger } from '../../logging/logger';
import { signMessengerBody } from '../messenger/messenger.signature';
import { signZaloBody } from '../zalo/zalo.signature';
import type { SimulatedMessengerCredentials, SimulatedZaloCredentials } from './simulator.credentials';
import type { WebhookOutcome } from './simulator.store';

/**
 * Meta signs "an escaped unicode version of the payload, with lowercase hex digits"
 * (messenger.md §1.2), and its bodies also escape `/` as `\/`. Producing the same bytes makes
 * a receiver that re-serialises JSON fail here exactly as it would against Meta.
 */
export function messengerJsonBytes(value: unknown): Buffer {
  const json = JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return Buffer.from(json, 'utf8');
}

/** Zalo sends plain UTF-8 JSON (Vietnamese diacritics as raw bytes). */
export function zaloJsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export interface WebhookPoster {
  /** Serialises once, signs those bytes as Zalo does, and POSTs them to the app's /webhooks/zalo. */
  postZalo(body: { readonly event_name: string; readonly timestamp: string }): Promise<WebhookOutcome>;
  /** The same for Messenger's /webhooks/messenger. */
  postMessenger(body: { readonly object: 'page'; readonly entry: readonly unknown[] }): Promise<WebhookOutcome>;
}

export interface WebhookPosterDeps {
  readonly selfBaseUrl: () => string;
  readonly logger: Logger;
  readonly zalo: SimulatedZaloCredentials;
  readonly messenger: SimulatedMessengerCredentials;
  readonly timeoutMs?: number;
}

const MAX_BODY_SHOWN = 500;

export function createWebhookPoster(deps: WebhookPosterDeps): WebhookPoster {
  const timeoutMs = deps.timeoutMs ?? 10_000;

  async function post(path: string, raw: Buffer, headers: Record<string, string>, what: string): Promise<WebhookOutcome> {
    const url = `${deps.selfBaseUrl().replace(/\/+$/, '')}${path}`;
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw, signal: AbortSignal.timeout(timeoutMs) });
      const body = (await res.text()).slice(0, MAX_BODY_SHOWN);
      if (res.ok) deps.logger.debug({ path, what, status: res.status }, 'simulator delivered a webhook');
      else deps.logger.warn({ path, what, status: res.status }, 'the app refused a simulated webhook');
      return { status: res.status, body };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.warn({ path, what, err: error }, 'simulator could not deliver a webhook');
      return { status: null, error: message };
    }
  }

  return {
    postZalo(body) {
      const raw = zaloJsonBytes(body);
      const signature = signZaloBody(deps.zalo.appId, raw, body.timestamp, deps.zalo.oaSecretKey);
      return post('/webhooks/zalo', raw, { 'x-zevent-signature': signature }, body.event_name);
    },
    postMessenger(body) {
      const raw = messengerJsonBytes(body);
      return post(
        '/webhooks/messenger',
        raw,
        {
          'x-hub-signature-256': signMessengerBody(raw, deps.messenger.appSecret),
          // Meta still sends the legacy SHA-1 header beside the SHA-256 one; receivers must ignore it.
          'x-hub-signature': `sha1=${createHmac('sha1', deps.messenger.appSecret).update(raw).digest('hex')}`,
          'user-agent': 'facebookexternalua',
        },
        messengerEventKind(body),
      );
    },
  };
}

function messengerEventKind(body: { readonly entry: readonly unknown[] }): string {
  const item = (body.entry[0] as { messaging?: Record<string, unknown>[] } | undefined)?.messaging?.[0] ?? {};
  const kind = ['message', 'postback', 'delivery', 'read', 'referral', 'optin'].find((k) => k in item) ?? 'unknown';
  return kind === 'message' && (item.message as { is_echo?: boolean } | undefined)?.is_echo ? 'message_echoes' : kind;
}
