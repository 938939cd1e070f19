import type { SendMode } from '../channel';
import { isHighSurrogate, splitText } from '../text-split';
import type { OutboundLink, OutboundMessage } from '../../domain/shared/outbound-message';
import { MESSENGER_METADATA_PREFIX } from './messenger.event';
import type { MessengerAttachment, MessengerQuickReply, MessengerUrlButton, SendApiRequest } from './messenger.types';

/**
 * `message.text` limit. Only secondary sources state 2,000 characters (messenger.md §2, UNCERTAIN);
 * we count UTF-16 code units after NFC, which is never fewer than the characters Meta could mean.
 */
export const MESSENGER_TEXT_LIMIT = 2000;
/** At most 13 quick replies (messenger.md §2, [S15]). */
export const MESSENGER_QUICK_REPLY_LIMIT = 13;
/** Quick-reply and button titles: 20 characters (stated for Instagram quick replies, UNCERTAIN for Messenger; §2). */
export const MESSENGER_TITLE_LIMIT = 20;
/** Button template: `text` ≤ 640 characters, 1–3 buttons ([S17]). */
export const MESSENGER_BUTTON_TEXT_LIMIT = 640;
export const MESSENGER_BUTTONS_PER_TEMPLATE = 3;
const METADATA_REF_LIMIT = 200;

type Body = { text: string; attachment?: never } | { attachment: MessengerAttachment; text?: never };
type MessengerMode = SendMode & { readonly channel: 'messenger' };

export interface RenderOptions {
  /** Carried in every message's `metadata` after `vx:` (e.g. a delivery id), so echoes can be traced. */
  readonly ref?: string;
}

/**
 * The Send API bodies for one neutral message, in send order: the image, the text (split at
 * sentence, then word boundaries), then link buttons as button templates (the last short text part
 * rides on the first template). Quick replies go on the last message, whatever it is, because
 * Messenger hides them as soon as a later message arrives. An empty message renders to [].
 */
export function renderMessengerMessages(userId: string, message: OutboundMessage, mode: MessengerMode, options: RenderOptions = {}): SendApiRequest[] {
  const bodies: Body[] = [];
  if (message.imageUrl) bodies.push({ attachment: { type: 'image', payload: { url: message.imageUrl, is_reusable: true } } });

  const ownText = message.text?.trim() ? message.text : undefined;
  const phoneText = message.requestPhone ? [message.requestPhone.title, message.requestPhone.subtitle].filter((s) => s.trim()).join('\n') : '';
  const chunks = splitMessengerText(ownText ?? phoneText);
  const linkGroups = groupsOf(message.links ?? [], MESSENGER_BUTTONS_PER_TEMPLATE);
  const lastChunk = chunks.at(-1);
  const carried = linkGroups.length > 0 && lastChunk !== undefined && lastChunk.length <= MESSENGER_BUTTON_TEXT_LIMIT ? chunks.pop() : undefined;
  for (const text of chunks) bodies.push({ text });
  linkGroups.forEach((group, i) => bodies.push({ attachment: buttonTemplate(group, i === 0 ? carried : undefined) }));

  const quickReplies = quickRepliesOf(message);
  if (quickReplies.length > 0 && bodies.length === 0) {
    // Quick replies need a message to ride on; the producer should have given text, so say the choices.
    bodies.push({ text: splitMessengerText((message.choices ?? []).map((c) => c.title).join('\n'))[0] ?? '…' });
  }

  const ref = options.ref === undefined ? '' : `${options.ref.slice(0, METADATA_REF_LIMIT)}:`;
  return bodies.map((body, i) => ({
    recipient: { id: userId },
    messaging_type: mode.messagingType,
    ...(mode.messagingType === 'MESSAGE_TAG' && mode.tag !== undefined ? { tag: mode.tag } : {}),
    message: {
      ...body,
      ...(i === bodies.length - 1 && quickReplies.length > 0 ? { quick_replies: quickReplies } : {}),
      metadata: `${MESSENGER_METADATA_PREFIX}${ref}${i + 1}/${bodies.length}`,
    },
  }));
}

function quickRepliesOf(message: OutboundMessage): MessengerQuickReply[] {
  const replies: MessengerQuickReply[] = message.requestPhone ? [{ content_type: 'user_phone_number' }] : [];
  for (const choice of message.choices ?? []) {
    if (replies.length >= MESSENGER_QUICK_REPLY_LIMIT) break;
    replies.push({ content_type: 'text', title: cutTitle(choice.title) || cutTitle(choice.value), payload: choice.value });
  }
  return replies;
}

function buttonTemplate(links: readonly OutboundLink[], text: string | undefined): MessengerAttachment {
  const buttons: MessengerUrlButton[] = links.map((link) => ({ type: 'web_url', url: link.url, title: cutTitle(link.title) || cutTitle(hostOf(link.url)) }));
  // Without the member's text, the template lists the full link titles, which the buttons may cut.
  const listed = links.map((link) => `• ${link.title.normalize('NFC').trim() || hostOf(link.url)}`).join('\n');
  return { type: 'template', payload: { template_type: 'button', text: text ?? cutOnWord(listed, MESSENGER_BUTTON_TEXT_LIMIT), buttons } };
}

/** Text parts within Messenger's limit (see ../text-split.ts). */
export function splitMessengerText(text: string, limit: number = MESSENGER_TEXT_LIMIT): string[] {
  return splitText(text, limit);
}

/**
 * A title of at most `limit` characters: whitespace collapsed, cut after the last whole word that
 * fits, with "…" added only when it still fits. A single over-long word is cut hard.
 */
export function cutTitle(title: string, limit: number = MESSENGER_TITLE_LIMIT): string {
  return cutOnWord(title.normalize('NFC').replace(/\s+/g, ' ').trim(), limit);
}

function cutOnWord(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const window = text.slice(0, limit + 1);
  const space = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\n'));
  let head = space > 0 ? window.slice(0, space) : text.slice(0, isHighSurrogate(text.charCodeAt(limit - 2)) ? limit - 2 : limit - 1);
  head = head.replace(/[\s,.;:–-]+$/u, '');
  return head.length + 1 <= limit ? `${head}…` : head;
}


function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function groupsOf<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}
