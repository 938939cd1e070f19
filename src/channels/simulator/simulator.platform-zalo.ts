import { Router, type Request, type Response } from 'express';
import type { Logger } from '../../logging/logger';
import type { SimulatedZaloCredentials } from './simulator.credentials';
import { zaloMessageId, zaloUserIdByApp } from './simulator.ids';
import type { SimMessage, SimulatorStore } from './simulator.store';
import type { WebhookPoster } from './simulator.webhooks';
import type { ZaloTokenAuthority } from './simulator.zalo-tokens';

export interface ZaloStandInDeps {
  readonly store: SimulatorStore;
  readonly poster: WebhookPoster;
  readonly tokens: ZaloTokenAuthority;
  readonly credentials: SimulatedZaloCredentials;
  readonly now: () => number;
  readonly logger: Logger;
}

const MAX_TEXT = 2000;
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** Application errors come back with HTTP 200 and `error != 0` (zalo.md §2.1). */
function zaloError(res: Response, error: number, message: string): void {
  res.status(200).json({ error, message });
}

/** Why a /message/cs body would be refused; undefined when it is well formed. */
function csBodyProblem(body: unknown): { error: number; message: string } | undefined {
  if (!isObject(body) || !isObject(body.recipient) || !nonEmpty(body.recipient.user_id)) return { error: -201, message: 'recipient.user_id is invalid' };
  const message = body.message;
  if (!isObject(message)) return { error: -201, message: 'message is invalid' };
  if (message.text !== undefined) {
    if (!nonEmpty(message.text)) return { error: -201, message: 'message.text is invalid' };
    if (message.text.length > MAX_TEXT) return { error: -210, message: 'message.text exceeds limit of 2000 characters' };
    return undefined;
  }
  const attachment = message.attachment;
  if (!isObject(attachment) || !nonEmpty(attachment.type) || !isObject(attachment.payload)) return { error: -201, message: 'message.text or message.attachment is required' };
  if (attachment.type !== 'template') return undefined;
  const { template_type: templateType, elements } = attachment.payload;
  if (!nonEmpty(templateType) || !Array.isArray(elements) || elements.length === 0) return { error: -201, message: 'attachment.payload is invalid' };
  if (templateType === 'request_user_info' && (elements.length > 1 || !isObject(elements[0]) || !nonEmpty(elements[0].title))) {
    return { error: -201, message: 'request_user_info takes one element with a title' };
  }
  if (templateType === 'media' && !elements.every((e) => isObject(e) && nonEmpty(e.media_type) && (nonEmpty(e.url) || nonEmpty(e.attachment_id)))) {
    return { error: -201, message: 'media elements need media_type and url or attachment_id' };
  }
  return undefined;
}

/**
 * The oa_send_* echo Zalo sends for every OA message, the bot's own included. Which event name
 * a request_user_info card echoes as is not documented: oa_send_list is the closest listed kind.
 */
function echoEventName(message: Json): string {
  const payload = isObject(message.attachment) && isObject(message.attachment.payload) ? message.attachment.payload : undefined;
  if (!payload) return message.text !== undefined ? 'oa_send_text' : 'oa_send_file';
  return payload.template_type === 'media' ? 'oa_send_image' : 'oa_send_list';
}

function echoMessage(msgId: string, message: Json): Json {
  if (message.text !== undefined) return { msg_id: msgId, text: message.text };
  const payload = (message.attachment as Json).payload as Json;
  if (payload.template_type === 'media') {
    const elements = (payload.elements as Json[]).map((e) => ({ type: 'image', payload: { url: e.url, thumbnail: e.url } }));
    return { msg_id: msgId, attachments: elements };
  }
  return { msg_id: msgId, attachments: [message.attachment] };
}

/** Stands in for https://openapi.zalo.me: the OA API the app's ZaloClient calls. */
export function createZaloStandInRouter(deps: ZaloStandInDeps): Router {
  const router = Router();
  const { store, credentials } = deps;

  const authorised = (req: Request, res: Response): boolean => {
    const header = req.get('access_token');
    const check = deps.tokens.checkAccess(header);
    if (check === 'ok') return true;
    if (check === 'expired') zaloError(res, -220, 'access_token is expired or removed');
    else zaloError(res, -216, 'Access token is invalid');
    return false;
  };

  const sendEcho = (userId: string, stored: SimMessage, message: Json): void => {
    const body = {
      app_id: credentials.appId,
      user_id_by_app: zaloUserIdByApp(userId),
      event_name: echoEventName(message),
      sender: { id: credentials.oaId },
      recipient: { id: userId },
      message: echoMessage(stored.id, message),
      timestamp: String(stored.at),
    };
    void deps.poster.postZalo(body);
  };

  router.post('/v3.0/oa/message/cs', (req, res) => {
    if (!authorised(req, res)) return;
    const problem = csBodyProblem(req.body);
    if (problem) return zaloError(res, problem.error, problem.message);
    const body = req.body as { recipient: { user_id: string }; message: Json };
    const userId = body.recipient.user_id;
    const user = store.user('zalo', userId);
    // The simulator only knows people who wrote in this process (zalo.md §2.3: no interaction in 7 days).
    if (!user) return zaloError(res, -230, 'User has not interacted with the OA in the past 7 days');
    if (user.follower === false) return zaloError(res, -213, 'User has not followed OA');
    const stored = store.append('zalo', userId, { id: zaloMessageId(), direction: 'bot', kind: 'cs', content: body.message });
    if (!stored) return zaloError(res, -230, 'User has not interacted with the OA in the past 7 days');
    // Zalo sends the echo on its own schedule; after the answer is the closest to "whenever".
    res.on('close', () => sendEcho(userId, stored, body.message));
    res.json({
      error: 0,
      message: 'Success',
      // The free-reply quota is not simulated (zalo.md §2.3: read it, do not rely on it).
      data: { message_id: stored.id, user_id: userId, sent_time: String(stored.at), quota: { quota_type: 'reply', remain: '8', total: '8' } },
    });
  });

  router.post('/v3.0/oa/message/template', (req, res) => {
    if (!authorised(req, res)) return;
    const body = req.body as unknown;
    if (!isObject(body) || !nonEmpty(body.user_id)) return zaloError(res, -201, 'user_id is invalid');
    if (!nonEmpty(body.template_id)) return zaloError(res, -201, 'template_id is invalid');
    if (!isObject(body.template_data)) return zaloError(res, -201, 'template_data is invalid');
    const stored = store.append('zalo', body.user_id, { id: zaloMessageId(), direction: 'bot', kind: 'template', content: { template_id: body.template_id, template_data: body.template_data } });
    if (!stored) return zaloError(res, -201, 'user_id is invalid');
    res.json({ error: 0, message: 'Success', data: { message_id: stored.id, user_id: body.user_id, sent_time: String(stored.at) } });
  });

  router.get('/v3.0/oa/user/detail', (req, res) => {
    if (!authorised(req, res)) return;
    let userId: unknown;
    try {
      userId = (JSON.parse(String(req.query.data ?? '')) as Json).user_id;
    } catch {
      return zaloError(res, -201, 'data is invalid');
    }
    const user = nonEmpty(userId) ? store.user('zalo', userId) : undefined;
    if (!user) return zaloError(res, -201, 'user_id is invalid');
    const last = new Date(user.lastActivity);
    const pad = (n: number) => String(n).padStart(2, '0');
    res.json({
      error: 0,
      message: 'Success',
      data: {
        user_id: user.userId,
        user_id_by_app: zaloUserIdByApp(user.userId),
        user_external_id: '',
        display_name: user.displayName,
        user_alias: '',
        is_sensitive: false,
        user_last_interaction_date: `${pad(last.getDate())}/${pad(last.getMonth() + 1)}/${last.getFullYear()}`,
        user_is_follower: user.follower ?? false,
        avatar: '',
        avatars: {},
        tags_and_notes_info: { notes: [], tag_names: [] },
        ...(user.sharedInfo ? { shared_info: { name: user.sharedInfo.name, phone: user.sharedInfo.phone, address: '', city: '', district: '' } } : {}),
      },
    });
  });

  return router;
}

/**
 * Stands in for https://oauth.zaloapp.com: the token refresh. Failures carry no documented code
 * (zalo.md §3); they come back, like Zalo's, as a body without access_token.
 */
export function createZaloOAuthStandInRouter(deps: Pick<ZaloStandInDeps, 'tokens' | 'credentials' | 'logger'>): Router {
  const router = Router();
  router.post('/v4/oa/access_token', (req, res) => {
    const refused = (description: string) => res.status(200).json({ error: -14014, error_name: 'invalid_request', error_reason: description, error_description: description });
    if (!req.is('application/x-www-form-urlencoded')) return refused('expected an application/x-www-form-urlencoded body');
    if (req.get('secret_key') !== deps.credentials.appSecret) return refused('secret_key is invalid');
    const form = (req.body ?? {}) as Json;
    if (form.app_id !== deps.credentials.appId) return refused('app_id is invalid');
    if (form.grant_type !== 'refresh_token') return refused('grant_type is not supported by the simulator');
    const pair = nonEmpty(form.refresh_token) ? deps.tokens.refresh(form.refresh_token) : undefined;
    if (!pair) return refused('Invalid refresh token');
    deps.logger.info('simulator issued a new Zalo token pair');
    res.json(pair);
  });
  return router;
}

/** The seen receipt Zalo sends to the app that sent the messages (zalo.md §1.4; mobile only there). */
export function zaloSeenBody(credentials: SimulatedZaloCredentials, userId: string, msgIds: readonly string[], now: number): { event_name: string; timestamp: string } & Json {
  return {
    app_id: credentials.appId,
    sender: { id: userId },
    user_id_by_app: zaloUserIdByApp(userId),
    recipient: { id: credentials.oaId },
    event_name: 'user_seen_message',
    message: { msg_ids: [...msgIds] },
    timestamp: String(now),
  };
}
