import type { OutboundMessage } from '../../domain/shared/outbound-message';
import { splitText } from '../text-split';

/** "2.000 ký tự" per consultation text (zalo.md §2.2), counted after NFC normalisation. */
export const ZALO_TEXT_LIMIT = 2_000;

/** Follows a numbered list: consultation messages have no documented buttons (zalo.md §2.2). */
export const ZALO_CHOICE_HINT = 'Bạn trả lời bằng số (ví dụ: 1) để chọn.';

export interface ZaloMediaElement {
  readonly media_type: 'image';
  readonly url: string;
}

export interface ZaloRequestInfoElement {
  readonly title: string;
  readonly subtitle: string;
  readonly image_url?: string;
}

export type ZaloCsMessage =
  | { readonly text: string }
  | { readonly attachment: { readonly type: 'template'; readonly payload: { readonly template_type: 'media'; readonly elements: readonly ZaloMediaElement[] } } }
  | {
      readonly attachment: {
        readonly type: 'template';
        readonly payload: { readonly template_type: 'request_user_info'; readonly elements: readonly ZaloRequestInfoElement[] };
      };
    };

/** A body for `POST /v3.0/oa/message/cs` (zalo.md §2.2). */
export interface ZaloCsRequest {
  readonly recipient: { readonly user_id: string };
  readonly message: ZaloCsMessage;
}

/**
 * A body for `POST /v3.0/oa/message/template`, the ZBS template message by user id (zalo.md §2.3;
 * UNCERTAIN: the shape comes from secondary notes, confirm in the console before relying on it).
 */
export interface ZaloTemplateRequest {
  readonly user_id: string;
  readonly template_id: string;
  readonly template_data: Readonly<Record<string, string>>;
}

/**
 * One neutral message → the consultation messages that show it, in order: the image, the text
 * (split to fit, links and numbered choices appended), then the request_user_info card.
 */
export function renderZaloMessages(userId: string, message: OutboundMessage): ZaloCsRequest[] {
  const out: ZaloCsRequest[] = [];
  const cs = (m: ZaloCsMessage): ZaloCsRequest => ({ recipient: { user_id: userId }, message: m });
  if (message.imageUrl) {
    out.push(cs({ attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: message.imageUrl }] } } }));
  }
  for (const text of renderTexts(message)) out.push(cs({ text }));
  if (message.requestPhone) {
    const { title, subtitle, imageUrl } = message.requestPhone;
    // UNCERTAIN (zalo.md §2.2): whether image_url is required; it is sent whenever we have one.
    const element: ZaloRequestInfoElement = { title: title.normalize('NFC'), subtitle: subtitle.normalize('NFC'), ...(imageUrl ? { image_url: imageUrl } : {}) };
    out.push(cs({ attachment: { type: 'template', payload: { template_type: 'request_user_info', elements: [element] } } }));
  }
  return out;
}

export function renderZaloTemplate(userId: string, templateId: string, templateData: Readonly<Record<string, string>>): ZaloTemplateRequest {
  return { user_id: userId, template_id: templateId, template_data: { ...templateData } };
}

function renderTexts(message: OutboundMessage): string[] {
  const pieces = message.text ? splitText(message.text, ZALO_TEXT_LIMIT) : [];
  const tails: string[] = [];
  if (message.links && message.links.length > 0) {
    tails.push(message.links.map((l) => (l.title.trim() ? `${l.title.trim()}: ${l.url}` : l.url)).join('\n'));
  }
  if (message.choices && message.choices.length > 0) {
    const lines = message.choices.map((c, i) => `${i + 1}. ${c.title.trim()}`);
    tails.push([...lines, ZALO_CHOICE_HINT].join('\n'));
  }
  for (const tail of tails.map((t) => t.normalize('NFC'))) {
    const last = pieces.at(-1);
    if (last !== undefined && last.length + 2 + tail.length <= ZALO_TEXT_LIMIT) pieces[pieces.length - 1] = `${last}\n\n${tail}`;
    else pieces.push(...splitText(tail, ZALO_TEXT_LIMIT));
  }
  return pieces;
}
