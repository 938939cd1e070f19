import { z } from 'zod';
import type { InboundAttachment, InboundEvent, ParsedWebhook } from '../channel';
import { parseZaloJson } from './zalo.json';

/**
 * `user_click_chatnow` (the first tap on "Nhắn tin", once per user per OA) becomes a message with
 * this value, like Messenger's Get Started button: the bot greets instead of staying silent.
 */
export const ZALO_GET_STARTED_VALUE = 'GET_STARTED';

const USER_MESSAGE_EVENTS = [
  'user_send_text',
  'user_send_image',
  'user_send_gif',
  'user_send_link',
  'user_send_sticker',
  'user_send_file',
  'user_send_audio',
  'user_send_video',
  'user_send_location',
  'user_send_business_card',
] as const;
const OA_ECHO_EVENTS = ['oa_send_text', 'oa_send_image', 'oa_send_gif', 'oa_send_list', 'oa_send_file', 'oa_send_sticker'] as const;

// Ids are strings on the wire; a number only gets here when it is short enough to be exact.
const id = z.union([z.string().min(1), z.number().int().nonnegative().refine(Number.isSafeInteger)]).transform(String);
const optionalId = z
  .unknown()
  .transform((v) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : undefined))
  .optional();
const timestamp = id.pipe(z.string().regex(/^\d+$/, 'expected epoch milliseconds'));
// Fields read only opportunistically: an odd value is dropped rather than failing the event.
const optionalText = z
  .unknown()
  .transform((v) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined))
  .optional();
const party = z.object({ id }).loose();

const attachment = z
  .object({
    type: optionalText,
    payload: z
      .object({
        url: optionalText,
        thumbnail: optionalText,
        title: optionalText,
        description: optionalText,
        name: optionalText,
        coordinates: z.object({ latitude: optionalText, longitude: optionalText }).loose().optional().catch(undefined),
      })
      .loose()
      .optional()
      .catch(undefined),
  })
  .loose();

const userMessage = z
  .object({
    event_name: z.enum(USER_MESSAGE_EVENTS),
    sender: party,
    recipient: party,
    timestamp,
    message: z.object({ msg_id: id, text: optionalText, attachments: z.array(attachment).optional() }).loose(),
  })
  .loose();

const follow = z.object({ event_name: z.enum(['follow', 'unfollow']), oa_id: optionalId, recipient: party.optional(), follower: party, source: optionalText, timestamp }).loose();

// zalo.md §1.4 UNCERTAIN: the current shape nests the address (full_address), older integrations
// send it flat (address, city, district, ward). Both carry name and phone at the top of `info`.
const submitInfo = z
  .object({ event_name: z.literal('user_submit_info'), sender: party, recipient: party, timestamp, info: z.object({ name: optionalText, phone: optionalText }).loose() })
  .loose();

const received = z.object({ event_name: z.literal('user_received_message'), sender: party, recipient: party, timestamp, message: z.object({ msg_id: id }).loose() }).loose();

const seen = z
  .object({ event_name: z.literal('user_seen_message'), sender: party, recipient: party, timestamp, message: z.object({ msg_ids: z.array(id).optional(), msg_id: optionalId }).loose() })
  .loose();

const echo = z
  .object({
    event_name: z.enum(OA_ECHO_EVENTS),
    sender: z.object({ id, admin_id: optionalId }).loose(),
    recipient: party,
    timestamp,
    message: z.object({ msg_id: id, text: optionalText }).loose(),
  })
  .loose();

const chatNow = z
  .object({ event_name: z.literal('user_click_chatnow'), oa_id: optionalId, user_id: optionalId, sender: party.optional(), recipient: party.optional(), timestamp })
  .loose();

// zalo.md §1.3 lists `user_withdraw` (the user asks for their data to be deleted) without its
// shape. UNCERTAIN: read the user from user_id, sender or follower and the OA from oa_id or
// recipient, whichever is present, like the other events that carry a user.
const withdraw = z
  .object({
    event_name: z.literal('user_withdraw'),
    oa_id: optionalId,
    user_id: optionalId,
    sender: party.optional().catch(undefined),
    follower: party.optional().catch(undefined),
    recipient: party.optional().catch(undefined),
    timestamp,
  })
  .loose();

const zaloEvent = z.discriminatedUnion('event_name', [userMessage, follow, submitInfo, received, seen, echo, chatNow, withdraw]);
type ZaloEvent = z.infer<typeof zaloEvent>;

const KNOWN_EVENTS = new Set<string>([...USER_MESSAGE_EVENTS, ...OA_ECHO_EVENTS, 'follow', 'unfollow', 'user_submit_info', 'user_received_message', 'user_seen_message', 'user_click_chatnow', 'user_withdraw']);

/**
 * Zalo's exact bytes → channel-neutral events. One body carries one event. Ids stay strings end to
 * end. Unknown event kinds and our own `oa_send_*` echoes come back in `ignored`, never as errors.
 */
export function parseZaloWebhook(rawBody: Buffer): ParsedWebhook {
  const json = parseZaloJson(rawBody);
  if (!json.ok) return { ok: false, reason: json.reason };
  const body = json.value;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, reason: 'not a Zalo event: the body is not an object' };
  const name = (body as { event_name?: unknown }).event_name;
  if (typeof name !== 'string' || name === '') return { ok: false, reason: 'not a Zalo event: event_name is missing' };
  // An echo kind we do not list is still an echo: staff replies must not be lost to a new kind.
  const echoOfUnlistedKind = !KNOWN_EVENTS.has(name) && name.startsWith('oa_send_');
  if (!KNOWN_EVENTS.has(name) && !echoOfUnlistedKind) return { ok: true, events: [], ignored: [name] };
  const candidate = echoOfUnlistedKind ? { ...body, event_name: 'oa_send_text' } : body;

  const parsed = zaloEvent.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    return { ok: false, reason: `not a Zalo ${name} event: ${issues.join('; ')}` };
  }
  const event = toInboundEvent(parsed.data);
  if (typeof event === 'string') return { ok: false, reason: `not a Zalo ${name} event: ${event}` };
  return event === null ? { ok: true, events: [], ignored: [name] } : { ok: true, events: [event], ignored: [] };
}

/** The normalised event; null for a deliberately ignored one; a string saying what is missing. */
function toInboundEvent(e: ZaloEvent): InboundEvent | null | string {
  const platformTs = Number(e.timestamp);
  const base = { channel: 'zalo' as const, platformTs };
  switch (e.event_name) {
    case 'follow':
    case 'unfollow': {
      const accountId = e.oa_id ?? e.recipient?.id;
      if (accountId === undefined) return 'oa_id is missing';
      const userId = e.follower.id;
      return compact({ ...base, kind: e.event_name, eventKey: `${e.event_name}:${userId}:${e.timestamp}`, userId, accountId, source: e.source });
    }
    case 'user_submit_info': {
      const userId = e.sender.id;
      return compact({ ...base, kind: 'sharedInfo' as const, eventKey: `submit_info:${userId}:${e.timestamp}`, userId, accountId: e.recipient.id, name: e.info.name, phone: e.info.phone });
    }
    case 'user_received_message': {
      const userId = e.sender.id;
      return { ...base, kind: 'delivered', eventKey: `delivered:${userId}:${e.message.msg_id}`, userId, accountId: e.recipient.id, messageIds: [e.message.msg_id] };
    }
    case 'user_seen_message': {
      const messageIds = e.message.msg_ids ?? (e.message.msg_id === undefined ? [] : [e.message.msg_id]);
      if (messageIds.length === 0) return 'message.msg_ids is missing';
      const userId = e.sender.id;
      return { ...base, kind: 'read', eventKey: `seen:${userId}:${e.timestamp}`, userId, accountId: e.recipient.id, messageIds };
    }
    case 'user_click_chatnow': {
      const userId = e.user_id ?? e.sender?.id;
      const accountId = e.oa_id ?? e.recipient?.id;
      if (userId === undefined) return 'user_id is missing';
      if (accountId === undefined) return 'oa_id is missing';
      return { ...base, kind: 'message', eventKey: `chatnow:${userId}:${e.timestamp}`, userId, accountId, attachments: [], value: ZALO_GET_STARTED_VALUE, valueTitle: 'Nhắn tin' };
    }
    case 'user_withdraw': {
      const userId = e.user_id ?? e.sender?.id ?? e.follower?.id;
      const accountId = e.oa_id ?? e.recipient?.id;
      if (userId === undefined) return 'user_id is missing';
      if (accountId === undefined) return 'oa_id is missing';
      return { ...base, kind: 'erasureRequest', eventKey: `withdraw:${userId}:${e.timestamp}`, userId, accountId };
    }
    default:
      if (isEcho(e)) {
        // Only an echo typed by staff in the OA chat tool carries admin_id; the bot's own are ignored.
        if (e.sender.admin_id === undefined) return null;
        return compact({ ...base, kind: 'staffReply' as const, eventKey: e.message.msg_id, userId: e.recipient.id, accountId: e.sender.id, text: e.message.text, staffId: e.sender.admin_id });
      }
      return compact({
        ...base,
        kind: 'message' as const,
        eventKey: e.message.msg_id,
        userId: e.sender.id,
        accountId: e.recipient.id,
        text: e.message.text,
        attachments: (e.message.attachments ?? []).map((a) => toAttachment(a, e.event_name)),
      });
  }
}

function isEcho(e: ZaloEvent): e is Extract<ZaloEvent, { event_name: (typeof OA_ECHO_EVENTS)[number] }> {
  return (OA_ECHO_EVENTS as readonly string[]).includes(e.event_name);
}

const ATTACHMENT_TYPES: Readonly<Record<string, InboundAttachment['type']>> = {
  image: 'image',
  gif: 'image',
  photo: 'image',
  link: 'link',
  sticker: 'sticker',
  file: 'file',
  audio: 'audio',
  voice: 'audio',
  video: 'video',
  location: 'location',
};

function toAttachment(a: z.infer<typeof attachment>, eventName: string): InboundAttachment {
  const zaloType = a.type ?? eventName.replace(/^user_send_/, '');
  const p = a.payload;
  const coordinates = p?.coordinates;
  // A location has no URL: it travels as an RFC 5870 geo: URI.
  const url = zaloType === 'location' && coordinates?.latitude && coordinates.longitude ? `geo:${coordinates.latitude},${coordinates.longitude}` : p?.url;
  return compact({
    type: (Object.hasOwn(ATTACHMENT_TYPES, zaloType) ? ATTACHMENT_TYPES[zaloType] : undefined) ?? 'other',
    url,
    title: p?.title ?? (zaloType === 'file' ? p?.name : undefined),
    description: p?.description,
    mimeType: zaloType === 'gif' ? 'image/gif' : undefined,
  });
}

/** Drops undefined fields, so stored payloads and test expectations carry only what Zalo sent. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
