import { ActivityTypes, type Activity, type Attachment, type CardAction } from 'botbuilder-core';
import { conversationKeyOf, type InboundEvent } from '../channels/channel';
import type { OutboundChoice, OutboundLink, OutboundMessage } from '../domain/shared/outbound-message';

/** `activity.name` of the event a member's shared details arrive as (Zalo request_user_info). */
export const SHARED_INFO_EVENT = 'sharedInfo';
/** `activity.name` of a member's data-deletion request made on the platform (Zalo user_withdraw). */
export const ERASURE_REQUEST_EVENT = 'erasureRequest';

/** What the channel said, kept on every inbound activity for dialogs that need the detail. */
export interface InboundChannelData {
  readonly event: InboundEvent;
}

/** channelData a dialog sets on an outgoing activity to ask for the member's phone. */
export interface OutboundChannelData {
  readonly requestPhone?: OutboundMessage['requestPhone'];
}

function attachmentOf(a: { type: string; url?: string; title?: string; mimeType?: string }): Attachment {
  const contentType = a.type === 'image' ? (a.mimeType ?? 'image/*') : a.type === 'link' ? 'text/uri-list' : (a.mimeType ?? `application/vnd.vx.${a.type}`);
  return { contentType, contentUrl: a.url, name: a.title };
}

/**
 * Turns a channel-neutral inbound event into the Activity botbuilder expects (LIBRARIES.md A4):
 * message events are messages (a quick-reply or postback payload becomes `value` and, when there
 * is no text, the text too, so prompts recognise it); follow and unfollow are conversation
 * updates; shared details are an event. Receipts and staff replies never reach a dialog.
 */
export function activityFromEvent(event: InboundEvent): Partial<Activity> | undefined {
  const base = {
    id: event.eventKey,
    channelId: event.channel,
    conversation: { id: conversationKeyOf(event), isGroup: false, conversationType: 'personal', name: '' },
    from: { id: event.userId, name: '' },
    recipient: { id: event.accountId, name: '' },
    timestamp: new Date(event.platformTs),
    locale: 'vi-VN',
    serviceUrl: '',
    channelData: { event } satisfies InboundChannelData,
  };
  switch (event.kind) {
    case 'message':
      return {
        ...base,
        type: ActivityTypes.Message,
        text: event.text ?? event.value ?? '',
        value: event.value,
        attachments: event.attachments.map(attachmentOf),
      };
    case 'follow':
      return { ...base, type: ActivityTypes.ConversationUpdate, membersAdded: [base.from] };
    case 'unfollow':
      return { ...base, type: ActivityTypes.ConversationUpdate, membersRemoved: [base.from] };
    case 'sharedInfo':
      return { ...base, type: ActivityTypes.Event, name: SHARED_INFO_EVENT, value: { name: event.name, phone: event.phone } };
    case 'erasureRequest':
      return { ...base, type: ActivityTypes.Event, name: ERASURE_REQUEST_EVENT };
    case 'delivered':
    case 'read':
    case 'staffReply':
      return undefined;
  }
}

function choicesOf(actions: readonly CardAction[] | undefined): OutboundChoice[] {
  return (actions ?? [])
    .filter((a) => a.type === 'imBack' || a.type === 'postBack' || a.type === 'messageBack')
    .map((a) => ({ title: a.title ?? String(a.value), value: String(a.value ?? a.title) }));
}

function linksOf(attachments: readonly Attachment[] | undefined): OutboundLink[] {
  const links: OutboundLink[] = [];
  for (const attachment of attachments ?? []) {
    const buttons = (attachment.content as { buttons?: CardAction[] } | undefined)?.buttons ?? [];
    for (const b of buttons) if (b.type === 'openUrl' && typeof b.value === 'string') links.push({ title: b.title ?? b.value, url: b.value });
  }
  return links;
}

function imageOf(attachments: readonly Attachment[] | undefined): string | undefined {
  for (const a of attachments ?? []) {
    if (a.contentType.startsWith('image/') && a.contentUrl) return a.contentUrl;
    const images = (a.content as { images?: { url: string }[] } | undefined)?.images;
    if (images?.[0]?.url) return images[0].url;
  }
  return undefined;
}

/** What a dialog sent, as a channel-neutral message; undefined for activities that show nothing. */
export function outboundFromActivity(activity: Partial<Activity>): OutboundMessage | undefined {
  if (activity.type !== undefined && activity.type !== ActivityTypes.Message) return undefined;
  const channelData = (activity.channelData ?? {}) as OutboundChannelData;
  const message: OutboundMessage = {
    ...(activity.text ? { text: activity.text } : {}),
    ...(imageOf(activity.attachments) ? { imageUrl: imageOf(activity.attachments) } : {}),
    ...(linksOf(activity.attachments).length > 0 ? { links: linksOf(activity.attachments) } : {}),
    ...(choicesOf(activity.suggestedActions?.actions).length > 0 ? { choices: choicesOf(activity.suggestedActions?.actions) } : {}),
    ...(channelData.requestPhone ? { requestPhone: channelData.requestPhone } : {}),
  };
  return Object.keys(message).length > 0 ? message : undefined;
}
