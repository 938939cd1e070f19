/**
 * Checks a Send API body the way Graph refuses one: `(#100) …` messages (messenger.md §2).
 * Only what our bot can get wrong is checked; undefined means well formed.
 */
type Json = Record<string, unknown>;

const MAX_TEXT = 2000;
const MAX_QUICK_REPLIES = 13;
const MAX_BUTTON_TEXT = 640;
const MESSAGING_TYPES = new Set(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);
const TAGS = new Set(['CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE', 'HUMAN_AGENT']);
const SENDER_ACTIONS = new Set(['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact']);

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown, max: number): value is string => typeof value === 'string' && value.trim() !== '' && value.length <= max;

export function sendBodyProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'The parameter recipient is required';
  if (!isObject(body.recipient) || !text(body.recipient.id, 64)) return 'The parameter recipient is required';
  if (body.messaging_type !== undefined && !MESSAGING_TYPES.has(String(body.messaging_type))) return 'Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}';
  if (body.messaging_type === 'MESSAGE_TAG' && !TAGS.has(String(body.tag))) return 'Param tag must be a valid message tag when messaging_type is MESSAGE_TAG';
  const hasMessage = body.message !== undefined;
  const hasAction = body.sender_action !== undefined;
  if (hasMessage === hasAction) return 'Exactly one of message or sender_action must be provided';
  if (hasAction) return SENDER_ACTIONS.has(String(body.sender_action)) ? undefined : 'Param sender_action must be one of {typing_on, typing_off, mark_seen, react, unreact}';
  return messageProblem(body.message);
}

function messageProblem(message: unknown): string | undefined {
  if (!isObject(message)) return 'param message must be an object';
  const hasText = message.text !== undefined;
  if (hasText === (message.attachment !== undefined)) return 'Exactly one of message[text] or message[attachment] must be provided';
  if (hasText && !text(message.text, MAX_TEXT)) return `Length of param message[text] must be between 1 and ${MAX_TEXT}`;
  if (message.metadata !== undefined && (typeof message.metadata !== 'string' || message.metadata.length >= 1000)) return 'param message[metadata] must be a string shorter than 1000';
  if (message.attachment !== undefined) {
    const problem = attachmentProblem(message.attachment);
    if (problem) return problem;
  }
  if (message.quick_replies === undefined) return undefined;
  if (!Array.isArray(message.quick_replies) || message.quick_replies.length === 0) return 'param message[quick_replies] must be a non-empty array';
  if (message.quick_replies.length > MAX_QUICK_REPLIES) return `param message[quick_replies] must have at most ${MAX_QUICK_REPLIES} items`;
  const bad = message.quick_replies.findIndex((q) => !quickReplyOk(q));
  return bad < 0 ? undefined : `param message[quick_replies][${bad}] is invalid`;
}

function quickReplyOk(reply: unknown): boolean {
  if (!isObject(reply)) return false;
  if (reply.content_type === 'user_phone_number' || reply.content_type === 'user_email') return true;
  return reply.content_type === 'text' && text(reply.title, 200) && text(reply.payload, 1000);
}

function attachmentProblem(attachment: unknown): string | undefined {
  if (!isObject(attachment) || !isObject(attachment.payload)) return 'param message[attachment][payload] is required';
  const { type, payload } = attachment;
  if (type === 'image' || type === 'audio' || type === 'video' || type === 'file') {
    return text(payload.url, 2000) || text(payload.attachment_id, 64) ? undefined : 'param message[attachment][payload][url] is required';
  }
  if (type !== 'template') return 'param message[attachment][type] must be one of {image, audio, video, file, template}';
  if (payload.template_type === 'button') {
    if (!text(payload.text, MAX_BUTTON_TEXT)) return `param message[attachment][payload][text] must be between 1 and ${MAX_BUTTON_TEXT} characters`;
    return buttonsProblem(payload.buttons, 1);
  }
  if (payload.template_type === 'generic') {
    if (!Array.isArray(payload.elements) || payload.elements.length === 0 || payload.elements.length > 10) return 'param message[attachment][payload][elements] must have 1 to 10 items';
    for (const element of payload.elements) {
      if (!isObject(element) || !text(element.title, 80)) return 'param message[attachment][payload][elements][title] is required';
      if (element.buttons !== undefined) {
        const problem = buttonsProblem(element.buttons, 0);
        if (problem) return problem;
      }
    }
    return undefined;
  }
  return 'param message[attachment][payload][template_type] is not supported by the simulator';
}

function buttonsProblem(buttons: unknown, min: number): string | undefined {
  if (!Array.isArray(buttons) || buttons.length < min || buttons.length > 3) return `param buttons must have ${min} to 3 items`;
  for (const button of buttons) {
    if (!isObject(button) || !text(button.title, 20)) return 'param buttons[title] must be 1 to 20 characters';
    if (button.type === 'web_url' && !(typeof button.url === 'string' && /^https?:\/\//.test(button.url))) return 'param buttons[url] must be an http(s) URL';
    if (button.type === 'postback' && !text(button.payload, 1000)) return 'param buttons[payload] must be 1 to 1000 characters';
    if (button.type !== 'web_url' && button.type !== 'postback' && button.type !== 'phone_number') return 'param buttons[type] is not supported';
  }
  return undefined;
}
