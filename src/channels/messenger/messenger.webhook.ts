/**
 * The Messenger webhook, inbound half of the channel (no I/O; the clock only for stale events).
 *
 * GET  handshake: `verifyMessengerSubscription(query, verifyToken)` → `{ok, challenge}`; the route
 *      answers 200 with the challenge as the plain body, 403 otherwise (messenger.md §1.1).
 * POST verify:    `X-Hub-Signature-256` over the exact raw bytes with the App Secret, constant-time
 *      compare after a length check; the SHA-1 `X-Hub-Signature` alone is `missing` (§1.2).
 *      No official status for a bad signature: the route answers 401 (issue 3); §1.2 suggests 403.
 * POST parse:     every `entry[]` × every `messaging[]` item → InboundEvent, in body order (the
 *      pipeline orders by `platformTs`, §1.4); our echoes, standby and unused kinds → `ignored`;
 *      not JSON / not the platform's shape → `ok: false` (the route answers 400); in a batch with good
 *      items, a malformed item is reported in `malformed` and the good ones are taken (200).
 * Replays:        Meta's signature covers no time, so a captured body stays valid for ever. Events
 *      stamped more than MESSENGER_MAX_EVENT_AGE_MS ago are `ignored` as `stale` (200, not recorded):
 *      a replay either finds its key still recorded (finished events are kept 30 days) or is too old
 *      to be taken. Meta's own redeliveries come within hours.
 * Dedupe keys:    `message.mid`, `postback.mid` or `postback:<psid>:<ts>:<hash>`, `delivery:<psid>:<watermark>`,
 *      `read:<psid>:<watermark>` (§1.4); Meta redelivers on timeouts and non-2xx, so keys must be unique.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ChannelWebhook, ParsedWebhook, SignatureCheck } from '../channel';
import { parseMessengerWebhook } from './messenger.event';
import { checkMessengerSignature, MESSENGER_SIGNATURE_HEADER } from './messenger.signature';

/** Older events are refused as replays; well inside the 30 days finished events are kept (housekeeping). */
export const MESSENGER_MAX_EVENT_AGE_MS = 7 * 24 * 3_600_000;

export interface MessengerWebhookOptions {
  readonly appSecret: string | undefined;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
  readonly maxEventAgeMs?: number;
}

export class MessengerWebhook implements ChannelWebhook {
  readonly channel = 'messenger' as const;
  readonly #appSecret: string | undefined;
  readonly #now: () => number;
  readonly #maxEventAgeMs: number;

  constructor(options: MessengerWebhookOptions) {
    this.#appSecret = options.appSecret;
    this.#now = options.now ?? Date.now;
    this.#maxEventAgeMs = options.maxEventAgeMs ?? MESSENGER_MAX_EVENT_AGE_MS;
  }

  verify(rawBody: Buffer, headers: IncomingHttpHeaders): SignatureCheck {
    const header = headers[MESSENGER_SIGNATURE_HEADER];
    // Two signature headers cannot both be right: joined, they fail as malformed.
    return checkMessengerSignature(rawBody, Array.isArray(header) ? header.join(', ') : header, this.#appSecret);
  }

  parse(rawBody: Buffer): ParsedWebhook {
    const parsed = parseMessengerWebhook(rawBody);
    if (!parsed.ok) return parsed;
    const oldest = this.#now() - this.#maxEventAgeMs;
    const stale = parsed.events.filter((e) => e.platformTs < oldest);
    if (stale.length === 0) return parsed;
    return { ...parsed, events: parsed.events.filter((e) => e.platformTs >= oldest), ignored: [...parsed.ignored, ...stale.map(() => 'stale')] };
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
