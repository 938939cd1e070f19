import { z } from 'zod';
import type { SimulatedMessengerCredentials, SimulatedZaloCredentials } from './simulator.credentials';
import { messengerMid, zaloMessageId, zaloUserIdByApp } from './simulator.ids';
import type { SimChannel } from './simulator.store';

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

const httpUrl = z.string().trim().max(2000).refine(isHttpUrl, { message: 'expected an http(s) URL' });
const title = z.string().trim().min(1).max(200);
const payload = z.string().min(1).max(1000);

export const userActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().trim().min(1).max(2000) }),
  z.object({ type: z.literal('quickReply'), title, payload }),
  z.object({ type: z.literal('postback'), title, payload }),
  z.object({ type: z.literal('image'), url: httpUrl }),
  z.object({ type: z.literal('link'), url: httpUrl }),
  z.object({ type: z.literal('follow') }),
  z.object({ type: z.literal('unfollow') }),
  z.object({ type: z.literal('getStarted') }),
  z.object({
    type: z.literal('shareInfo'),
    name: z.string().trim().min(1).max(80),
    phone: z.string().trim().regex(/^\+?[0-9][0-9 .-]{7,18}$/, { message: 'expected a phone number' }),
  }),
]);

export type UserAction = z.infer<typeof userActionSchema>;

export const sendRequestSchema = z.object({
  channel: z.enum(['zalo', 'messenger']),
  // Platform user ids are long digit strings (Zalo's exceed 2^53), so strings they stay.
  userId: z.string().regex(/^[1-9][0-9]{9,24}$/, { message: 'expected a numeric platform user id' }),
  displayName: z.string().trim().min(1).max(80),
  action: userActionSchema,
});

export type SendRequest = z.infer<typeof sendRequestSchema>;

export interface ZaloWebhookBody {
  readonly event_name: string;
  readonly timestamp: string;
  readonly [field: string]: unknown;
}

export interface MessengerWebhookBody {
  readonly object: 'page';
  readonly entry: readonly unknown[];
}

/** One user action as the platform would deliver it, and what the thread keeps of it. */
export type BuiltEvent =
  | { readonly ok: true; readonly channel: 'zalo'; readonly id: string; readonly body: ZaloWebhookBody; readonly content: unknown }
  | { readonly ok: true; readonly channel: 'messenger'; readonly id: string; readonly body: MessengerWebhookBody; readonly content: unknown }
  | { readonly ok: false; readonly reason: string };

export interface BuildContext {
  readonly userId: string;
  readonly now: number;
  readonly zalo: SimulatedZaloCredentials;
  readonly messenger: SimulatedMessengerCredentials;
  /** What the bot set as its Get Started payload (messenger_profile), if it did. */
  readonly getStartedPayload?: string;
}

export function buildUserEvent(channel: SimChannel, action: UserAction, ctx: BuildContext): BuiltEvent {
  return channel === 'zalo' ? buildZaloEvent(action, ctx) : buildMessengerEvent(action, ctx);
}

/** Zalo hands phone numbers over as 84…, whatever the person typed. */
export function toZaloPhone(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '');
  return digits.startsWith('0') ? `84${digits.slice(1)}` : digits;
}

function buildZaloEvent(action: UserAction, ctx: BuildContext): BuiltEvent {
  const { appId, oaId } = ctx.zalo;
  const timestamp = String(ctx.now);
  const userIdByApp = zaloUserIdByApp(ctx.userId);
  const user = (eventName: string, message: Record<string, unknown>): BuiltEvent => {
    const msgId = zaloMessageId();
    const body = {
      app_id: appId,
      sender: { id: ctx.userId },
      user_id_by_app: userIdByApp,
      recipient: { id: oaId },
      event_name: eventName,
      message: { ...message, msg_id: msgId },
      timestamp,
    };
    return { ok: true, channel: 'zalo', id: msgId, body, content: body };
  };
  switch (action.type) {
    case 'text':
      return user('user_send_text', { text: action.text });
    // Zalo has no quick replies: an oa.query button or menu entry arrives as the user's text.
    case 'quickReply':
    case 'postback':
      return user('user_send_text', { text: action.payload });
    case 'image':
      return user('user_send_image', { attachments: [{ type: 'image', payload: { url: action.url, thumbnail: action.url } }] });
    case 'link':
      return user('user_send_link', { text: action.url, attachments: [{ type: 'link', payload: { url: action.url, thumbnail: '', description: '' } }] });
    case 'follow':
    case 'unfollow':
    case 'getStarted': {
      // follow / unfollow carry no sender, recipient or msg_id (zalo.md §1.4).
      const eventName = action.type === 'unfollow' ? 'unfollow' : 'follow';
      const body = { oa_id: oaId, follower: { id: ctx.userId }, user_id_by_app: userIdByApp, event_name: eventName, source: 'oa_profile', app_id: appId, timestamp };
      return { ok: true, channel: 'zalo', id: `${eventName}-${zaloMessageId()}`, body, content: body };
    }
    case 'shareInfo': {
      const body = {
        app_id: appId,
        sender: { id: ctx.userId },
        user_id_by_app: userIdByApp,
        recipient: { id: oaId },
        event_name: 'user_submit_info',
        timestamp,
        info: { name: action.name, phone: toZaloPhone(action.phone) },
      };
      return { ok: true, channel: 'zalo', id: `submit-info-${zaloMessageId()}`, body, content: body };
    }
  }
}

function buildMessengerEvent(action: UserAction, ctx: BuildContext): BuiltEvent {
  const { pageId } = ctx.messenger;
  const mid = messengerMid();
  const event = (item: Record<string, unknown>): BuiltEvent => {
    const messaging = { sender: { id: ctx.userId }, recipient: { id: pageId }, timestamp: ctx.now, ...item };
    const body: MessengerWebhookBody = { object: 'page', entry: [{ id: pageId, time: ctx.now, messaging: [messaging] }] };
    return { ok: true, channel: 'messenger', id: mid, body, content: messaging };
  };
  switch (action.type) {
    case 'text':
      return event({ message: { mid, text: action.text } });
    case 'quickReply':
      return event({ message: { mid, text: action.title, quick_reply: { payload: action.payload } } });
    case 'postback':
      return event({ postback: { mid, title: action.title, payload: action.payload } });
    case 'getStarted':
      // Without a get_started payload Messenger shows no button; the simulator still lets one be tapped.
      return event({ postback: { mid, title: 'Get Started', payload: ctx.getStartedPayload ?? 'GET_STARTED' } });
    case 'image':
      return event({ message: { mid, attachments: [{ type: 'image', payload: { url: action.url } }] } });
    case 'link':
      // A shared link arrives as text, and Meta may add a `fallback` attachment (messenger.md §2).
      return event({ message: { mid, text: action.url, attachments: [{ type: 'fallback', payload: { url: action.url, title: action.url } }] } });
    case 'follow':
    case 'unfollow':
    case 'shareInfo':
      return { ok: false, reason: `Messenger has no ${action.type} event` };
  }
}
