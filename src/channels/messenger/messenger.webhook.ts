/**
 * The Messenger webhook, inbound half of the channel (pure: no I/O, no clock).
 *
 * GET  handshake: `verifyMessengerSubscription(query, verifyToken)` → `{ok, challenge}`; the route
 *      answers 200 with the challenge as the plain body, 403 otherwise (messenger.md §1.1).
 * POST verify:    `X-Hub-Signature-256` over the exact raw bytes with the App Secret, constant-time
 *      compare after a length check; the SHA-1 `X-Hub-Signature` alone is `missing` (§1.2).
 *      No official status for a bad signature: the route answers 401 (issue 3); §1.2 suggests 403.
 * POST parse:     every `entry[]` × every `messaging[]` item → InboundEvent, in body order (the
 *      pipeline orders by `platformTs`, §1.4); our echoes, standby and unused kinds → `ignored`;
 *      not JSON / not the platform's shape → `ok: false` (the route answers 400).
 * Dedupe keys:    `message.mid`, `postback.mid` or `postback:<psid>:<ts>:<hash>`, `delivery:<psid>:<watermark>`,
 *      `read:<psid>:<watermark>` (§1.4); Meta redelivers on timeouts and non-2xx, so keys must be unique.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ChannelWebhook, ParsedWebhook, SignatureCheck } from '../channel';
import { parseMessengerWebhook } from './messenger.event';
import { checkMessengerSignature, MESSENGER_SIGNATURE_HEADER } from './messenger.signature';

export interface MessengerWebhookOptions {
  readonly appSecret: string | undefined;
}

export class MessengerWebhook implements ChannelWebhook {
  readonly channel = 'messenger' as const;
  readonly #appSecret: string | undefined;

  constructor(options: MessengerWebhookOptions) {
    this.#appSecret = options.appSecret;
  }

  verify(rawBody: Buffer, headers: IncomingHttpHeaders): SignatureCheck {
    const header = headers[MESSENGER_SIGNATURE_HEADER];
    // Two signature headers cannot both be right: joined, they fail as malformed.
    return checkMessengerSignature(rawBody, Array.isArray(header) ? header.join(', ') : header, this.#appSecret);
  }

  parse(rawBody: Buffer): ParsedWebhook {
    return parseMessengerWebhook(rawBody);
  }
}

/**
 * The subscription handshake: `hub.mode=subscribe`, `hub.verify_token` equal to ours (compared in
 * constant time, lengths hidden by hashing both), and a non-empty `hub.challenge` to echo back.
 */
export function verifyMessengerSubscription(
  query: Record<string, unknown>,
  verifyToken: string | undefined,
): { readonly ok: true; readonly challenge: string } | { readonly ok: false } {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (verifyToken === undefined || verifyToken === '') return { ok: false };
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || challenge === '') return { ok: false };
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(token), digest(verifyToken)) ? { ok: true, challenge } : { ok: false };
}
