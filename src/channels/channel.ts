import type { IncomingHttpHeaders } from 'node:http';
import type { ChannelId } from '../db/types';
import type { OutboundMessage } from '../domain/shared/outbound-message';
import type { SendMode } from '../domain/shared/send-mode';

/** The channels that reach members through a platform (the simulator stands in for one of these). */
export type PlatformChannel = Exclude<ChannelId, 'simulator'>;

/** An attachment a member sent, as the platform described it. URLs expire: download at once if kept. */
export interface InboundAttachment {
  readonly type: 'image' | 'link' | 'file' | 'sticker' | 'audio' | 'video' | 'location' | 'other';
  readonly url?: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
}

interface InboundEventBase {
  readonly channel: PlatformChannel;
  /** Unique per platform event: Messenger `mid`, Zalo `msg_id`, or derived for events without one. */
  readonly eventKey: string;
  /** The member's platform id (PSID, Zalo user id), always a string. */
  readonly userId: string;
  /** The Page or OA the event was sent to. */
  readonly accountId: string;
  /** Epoch milliseconds as the platform stamped it; turns run in this order per conversation. */
  readonly platformTs: number;
}

/** Something the member said or picked: text, attachments, a quick reply or postback payload. */
export interface InboundMessageEvent extends InboundEventBase {
  readonly kind: 'message';
  readonly text?: string;
  readonly attachments: readonly InboundAttachment[];
  /** A quick-reply or postback payload (Messenger), or an `oa.query` payload (Zalo). */
  readonly value?: string;
  /** What the member tapped to send `value` ("Get Started", a menu entry), when the platform says. */
  readonly valueTitle?: string;
}

export interface InboundFollowEvent extends InboundEventBase {
  readonly kind: 'follow' | 'unfollow';
  readonly source?: string;
}

/** The member shared their details through Zalo's request_user_info card. */
export interface InboundSharedInfoEvent extends InboundEventBase {
  readonly kind: 'sharedInfo';
  readonly name?: string;
  /** As the platform sent it (Zalo: 84…); normalise before storing. */
  readonly phone?: string;
}

/** Delivery and read receipts: by message ids, or everything up to a watermark (Messenger). */
export interface InboundReceiptEvent extends InboundEventBase {
  readonly kind: 'delivered' | 'read';
  readonly messageIds: readonly string[];
  readonly watermark?: number;
}

/** A reply typed by staff in the platform's own inbox (Zalo echo with admin_id; Messenger echo from an app other than ours). */
export interface InboundStaffReplyEvent extends InboundEventBase {
  readonly kind: 'staffReply';
  readonly text?: string;
  readonly staffId?: string;
}

/** The member asked the platform to delete the data we hold about them (Zalo `user_withdraw`). */
export interface InboundErasureRequestEvent extends InboundEventBase {
  readonly kind: 'erasureRequest';
}

export type InboundEvent = InboundMessageEvent | InboundFollowEvent | InboundSharedInfoEvent | InboundReceiptEvent | InboundStaffReplyEvent | InboundErasureRequestEvent;
export type InboundEventKind = InboundEvent['kind'];

/** The conversation an event belongs to: the unit of ordering. */
export function conversationKeyOf(event: Pick<InboundEvent, 'channel' | 'userId'>): string {
  return `${event.channel}:${event.userId}`;
}

export type SignatureCheck =
  | { readonly ok: true; /** Which secret matched, for channels with more than one candidate. */ readonly matched?: string }
  | {
      readonly ok: false;
      /** `stale`: genuinely signed, but stamped too long ago (a replay). */
      readonly reason: 'missing' | 'malformed' | 'mismatch' | 'stale' | 'notConfigured';
      /** A finer reason for the log (e.g. `noTimestamp`). */
      readonly detail?: string;
    };

export type ParsedWebhook =
  | {
      readonly ok: true;
      readonly events: readonly InboundEvent[];
      /** Recognised but deliberately unused (our own echoes, unknown kinds). */
      readonly ignored: readonly string[];
      /**
       * Items of a batch that are not the platform's shape, by path and reason, while others in
       * the same body are good: the good ones are taken (a redelivery would bring the same bad
       * item again, and the good ones would never be taken), the bad ones logged and counted.
       */
      readonly malformed?: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

/**
 * The inbound half of a channel: checks that a webhook really comes from the platform, and turns
 * its exact bytes into channel-neutral events. Pure: no I/O, no clock.
 */
export interface ChannelWebhook {
  readonly channel: PlatformChannel;
  verify(rawBody: Buffer, headers: IncomingHttpHeaders): SignatureCheck;
  parse(rawBody: Buffer): ParsedWebhook;
}

export type { SendMode };

/**
 * What a failed send means, whatever the platform's code:
 * - retryable: 5xx, timeouts, rate limits (retryAfterMs when the platform said how long);
 * - windowClosed: the platform refuses this kind of message now (defer until the member writes);
 * - unreachable: blocked, unfollowed, unknown user (stop messaging this identity);
 * - badToken: the channel's token is invalid or expired beyond refresh (stop the channel, alert);
 * - badRequest: our message is wrong (do not retry; fix the code).
 */
export type SendFailureKind = 'retryable' | 'windowClosed' | 'unreachable' | 'badToken' | 'badRequest';

export interface SendFailure {
  readonly kind: SendFailureKind;
  /** The platform's code (e.g. "-230", "10/2018278", "http 503", "timeout"). */
  readonly code: string;
  readonly message: string;
  readonly retryAfterMs?: number;
}

export type SendResult =
  | { readonly ok: true; /** One per platform message the render produced. */ readonly messageIds: readonly string[] }
  | {
      readonly ok: false;
      readonly failure: SendFailure;
      /**
       * Parts sent before the failure (a long text is several platform messages). Rendering is
       * deterministic, so a retry can skip them and the member never gets a part twice.
       */
      readonly sentMessageIds?: readonly string[];
    };

export interface SendOptions {
  /** Parts of the rendered message an earlier attempt already delivered (its `sentMessageIds.length`). */
  readonly skipParts?: number;
  /** Our reference for the message (the delivery id), carried where the platform echoes it back. */
  readonly ref?: string;
}

export interface ChannelProfile {
  readonly displayName?: string;
}

/**
 * The outbound half: renders a channel-neutral message into the platform's messages and sends them
 * in order. Never throws for a platform answer: every failure comes back classified.
 */
export interface ChannelSender {
  readonly channel: PlatformChannel;
  send(userId: string, message: OutboundMessage, mode: SendMode, options?: SendOptions): Promise<SendResult>;
  /** The member's display name; null when the platform will not say (never blocks a turn). */
  fetchProfile(userId: string): Promise<ChannelProfile | null>;
}
