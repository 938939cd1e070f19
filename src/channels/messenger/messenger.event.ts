import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { InboundAttachment, InboundEvent, ParsedWebhook } from '../channel';

/** Every message we send carries `metadata` starting with this, so its echo is recognisably ours. */
export const MESSENGER_METADATA_PREFIX = 'vx:';

const idRef = z.object({ id: z.string().min(1) });
// Meta sends sticker ids as JSON numbers; they stay below 2^53, and we only test for their presence.
const numericId = z.union([z.number(), z.string()]);

const attachmentSchema = z.object({
  type: z.string(),
  // Older `fallback` attachments carry title and url beside a null payload (messenger.md §1.3).
  title: z.string().optional(),
  url: z.string().optional(),
  payload: z.object({ url: z.string().optional(), title: z.string().optional(), sticker_id: numericId.optional() }).nullable().optional(),
});

const messageSchema = z.object({
  mid: z.string().min(1),
  text: z.string().optional(),
  is_echo: z.boolean().optional(),
  metadata: z.string().optional(),
  quick_reply: z.object({ payload: z.string() }).optional(),
  attachments: z.array(attachmentSchema).optional(),
  sticker_id: numericId.optional(),
});

const userItem = { sender: idRef, recipient: idRef, timestamp: z.number().int().nonnegative() };

export const messengerMessageItemSchema = z.object({ ...userItem, message: messageSchema });
export const messengerPostbackItemSchema = z.object({
  ...userItem,
  postback: z.object({ mid: z.string().min(1).optional(), title: z.string().optional(), payload: z.string().optional() }),
});
// Meta's own delivery example has no `timestamp` ([S13]): the watermark stands in for it.
export const messengerDeliveryItemSchema = z.object({
  ...userItem,
  timestamp: userItem.timestamp.optional(),
  delivery: z.object({ mids: z.array(z.string()).optional(), watermark: z.number().int().nonnegative() }),
});
export const messengerReadItemSchema = z.object({ ...userItem, read: z.object({ watermark: z.number().int().nonnegative() }) });

/** The envelope every Meta webhook shares; `entry[]` is read per object type. */
export const messengerWebhookSchema = z.object({ object: z.string(), entry: z.array(z.unknown()) });

/** A Page entry: `messaging[]` for us, `standby[]` while another app owns the thread (handover). */
export const messengerPageEntrySchema = z.object({
  id: z.string().min(1),
  time: z.number().optional(),
  messaging: z.array(z.record(z.string(), z.unknown())).optional(),
  standby: z.array(z.unknown()).optional(),
});

const ENVELOPE_KEYS = new Set(['sender', 'recipient', 'timestamp']);
const HANDLED_KINDS = ['message', 'postback', 'delivery', 'read'] as const;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns the exact bytes of a (verified) Messenger webhook into events: every entry, every
 * messaging item, in the order received. Unused kinds are listed in `ignored`, never an error;
 * a body that is not JSON or not the platform's shape is `ok: false`; so is a batch none of whose
 * items is usable; a malformed item beside good ones is listed in `malformed`. Pure.
 */
export function parseMessengerWebhook(rawBody: Buffer): ParsedWebhook {
  let json: unknown;
  try {
    json = JSON.parse(strictUtf8.decode(rawBody));
  } catch {
    return { ok: false, reason: 'body is not UTF-8 JSON' };
  }
  const envelope = messengerWebhookSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: describeIssue('body', envelope.error) };
  // Another object type (instagram, user, permissions) is Meta's and signed, but not ours to handle:
  // answering 400 would only make Meta redeliver it.
  if (envelope.data.object !== 'page') return { ok: true, events: [], ignored: [`object:${envelope.data.object}`] };

  const events: InboundEvent[] = [];
  const ignored: string[] = [];
  const malformed: string[] = [];
  for (const [e, rawEntry] of envelope.data.entry.entries()) {
    const entry = messengerPageEntrySchema.safeParse(rawEntry);
    if (!entry.success) {
      malformed.push(describeIssue(`entry[${e}]`, entry.error));
      continue;
    }
    entry.data.standby?.forEach(() => ignored.push('standby'));
    for (const [m, item] of (entry.data.messaging ?? []).entries()) {
      const outcome = normaliseItem(item);
      if (outcome.kind === 'invalid') malformed.push(describeIssue(`entry[${e}].messaging[${m}]`, outcome.error));
      else if (outcome.kind === 'ignored') ignored.push(outcome.reason);
      else events.push(outcome.event);
    }
  }
  // Nothing usable at all: the body as a whole is not the platform's shape.
  if (malformed.length > 0 && events.length === 0 && ignored.length === 0) return { ok: false, reason: malformed.join('; ') };
  return { ok: true, events, ignored, ...(malformed.length > 0 ? { malformed } : {}) };
}

type ItemOutcome = { kind: 'event'; event: InboundEvent } | { kind: 'ignored'; reason: string } | { kind: 'invalid'; error: z.ZodError };

function normaliseItem(item: Record<string, unknown>): ItemOutcome {
  const kind = HANDLED_KINDS.find((k) => k in item) ?? Object.keys(item).find((k) => !ENVELOPE_KEYS.has(k)) ?? 'empty';
  switch (kind) {
    case 'message': {
      const parsed = messengerMessageItemSchema.safeParse(item);
      return parsed.success ? fromMessage(parsed.data) : { kind: 'invalid', error: parsed.error };
    }
    case 'postback': {
      const parsed = messengerPostbackItemSchema.safeParse(item);
      return parsed.success ? { kind: 'event', event: fromPostback(parsed.data) } : { kind: 'invalid', error: parsed.error };
    }
    case 'delivery': {
      const parsed = messengerDeliveryItemSchema.safeParse(item);
      if (!parsed.success) return { kind: 'invalid', error: parsed.error };
      const { sender, recipient, timestamp, delivery } = parsed.data;
      const event: InboundEvent = {
        channel: 'messenger',
        kind: 'delivered',
        eventKey: `delivery:${sender.id}:${delivery.watermark}`,
        userId: sender.id,
        accountId: recipient.id,
        platformTs: timestamp ?? delivery.watermark,
        messageIds: delivery.mids ?? [],
        watermark: delivery.watermark,
      };
      return { kind: 'event', event };
    }
    case 'read': {
      const parsed = messengerReadItemSchema.safeParse(item);
      if (!parsed.success) return { kind: 'invalid', error: parsed.error };
      const { sender, recipient, timestamp, read } = parsed.data;
      const event: InboundEvent = {
        channel: 'messenger',
        kind: 'read',
        eventKey: `read:${sender.id}:${read.watermark}`,
        userId: sender.id,
        accountId: recipient.id,
        platformTs: timestamp,
        messageIds: [],
        watermark: read.watermark,
      };
      return { kind: 'event', event };
    }
    default:
      // referral, optin, reaction, message_edit, handover…: recognised as Meta's, deliberately unused.
      return { kind: 'ignored', reason: kind };
  }
}

function fromMessage(item: z.infer<typeof messengerMessageItemSchema>): ItemOutcome {
  const { sender, recipient, timestamp, message } = item;
  const text = message.text === undefined ? undefined : message.text.normalize('NFC');
  if (message.is_echo) {
    // An echo is the Page speaking: ours carry our metadata; anything else was typed in the Page inbox
    // (or sent by another app on the Page) and is recorded as a staff reply to that member.
    if (message.metadata?.startsWith(MESSENGER_METADATA_PREFIX)) return { kind: 'ignored', reason: 'echo' };
    const event: InboundEvent = {
      channel: 'messenger',
      kind: 'staffReply',
      eventKey: message.mid,
      userId: recipient.id,
      accountId: sender.id,
      platformTs: timestamp,
      text,
    };
    return { kind: 'event', event };
  }
  const event: InboundEvent = {
    channel: 'messenger',
    kind: 'message',
    eventKey: message.mid,
    userId: sender.id,
    accountId: recipient.id,
    platformTs: timestamp,
    text,
    attachments: toAttachments(message),
    value: message.quick_reply?.payload,
  };
  return { kind: 'event', event };
}

function fromPostback(item: z.infer<typeof messengerPostbackItemSchema>): InboundEvent {
  const { sender, recipient, timestamp, postback } = item;
  // `postback.mid` exists since Graph v11 (messenger.md §1.3); older payloads need a derived key.
  const payloadHash = createHash('sha256').update(postback.payload ?? '').digest('hex').slice(0, 12);
  return {
    channel: 'messenger',
    kind: 'message',
    eventKey: postback.mid ?? `postback:${sender.id}:${timestamp}:${payloadHash}`,
    userId: sender.id,
    accountId: recipient.id,
    platformTs: timestamp,
    attachments: [],
    value: postback.payload,
    valueTitle: postback.title?.normalize('NFC'),
  };
}

function toAttachments(message: z.infer<typeof messageSchema>): InboundAttachment[] {
  const seen = new Set<string>();
  const result: InboundAttachment[] = [];
  for (const raw of message.attachments ?? []) {
    const url = raw.payload?.url ?? raw.url;
    const title = raw.title ?? raw.payload?.title;
    const type = attachmentType(raw.type, url, raw.payload?.sticker_id ?? message.sticker_id);
    // Until 30 Aug 2026 a sticker may come both as `image` (with sticker_id) and as `sticker` (messenger.md §1.3, UNCERTAIN).
    const key = `${type} ${url ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ type, ...(url === undefined ? {} : { url }), ...(title === undefined ? {} : { title: title.normalize('NFC') }) });
  }
  return result;
}

function attachmentType(type: string, url: string | undefined, stickerId: unknown): InboundAttachment['type'] {
  switch (type) {
    case 'image':
      return stickerId === undefined ? 'image' : 'sticker';
    case 'sticker':
    case 'audio':
    case 'video':
    case 'file':
    case 'location':
      return type;
    case 'reel':
    case 'ig_reel':
      return 'video';
    case 'fallback':
      return url === undefined ? 'other' : 'link';
    default:
      return 'other';
  }
}

function describeIssue(where: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `${where}: not the platform's shape`;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${where}${path}: ${issue.message}`;
}
