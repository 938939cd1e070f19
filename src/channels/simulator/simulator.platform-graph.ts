import { Router, type Request, type Response } from 'express';
import type { Logger } from '../../logging/logger';
import type { SimulatedMessengerCredentials } from './simulator.credentials';
import { isObject, sendBodyProblem } from './simulator.graph-validation';
import { fbtraceId, messengerMid } from './simulator.ids';
import type { SimMessage, SimUser, SimulatorStore } from './simulator.store';
import type { WebhookPoster } from './simulator.webhooks';

type Json = Record<string, unknown>;

const PROFILE_FIELDS = new Set(['get_started', 'greeting', 'persistent_menu', 'ice_breakers', 'whitelisted_domains', 'account_linking_url', 'commands']);

/** The Page's Messenger Profile as the bot last set it (Get Started payload, menu, greeting). */
export class MessengerPageSettings {
  private value: Json = {};

  get(): Json {
    return structuredClone(this.value);
  }

  set(patch: Json): void {
    this.value = { ...this.value, ...structuredClone(patch) };
  }

  delete(fields: readonly string[]): void {
    this.value = Object.fromEntries(Object.entries(this.value).filter(([key]) => !fields.includes(key)));
  }

  getStartedPayload(): string | undefined {
    const getStarted = this.value.get_started;
    return isObject(getStarted) && typeof getStarted.payload === 'string' ? getStarted.payload : undefined;
  }
}

export interface GraphStandInDeps {
  readonly store: SimulatorStore;
  readonly poster: WebhookPoster;
  readonly settings: MessengerPageSettings;
  readonly credentials: SimulatedMessengerCredentials;
  readonly logger: Logger;
}

/** Meta's persistent menu limits (messenger.md §5): flat buttons only (nested menus went in v8.0), at most 20, titles of 30 characters. */
const MENU_MAX_ITEMS = 20;
const MENU_TITLE_MAX = 30;
const MENU_PAYLOAD_MAX = 1000;

/** Why a persistent_menu would be refused, or undefined when Meta would take it. */
export function persistentMenuProblem(menu: unknown): string | undefined {
  if (!Array.isArray(menu) || menu.length === 0) return 'param persistent_menu must be a non-empty array';
  for (const localized of menu) {
    if (!isObject(localized) || typeof localized.locale !== 'string') return 'param persistent_menu[locale] is required';
    if (localized.composer_input_disabled !== undefined && typeof localized.composer_input_disabled !== 'boolean') return 'param persistent_menu[composer_input_disabled] must be a boolean';
    const items = localized.call_to_actions;
    if (!Array.isArray(items) || items.length === 0) return 'param persistent_menu[call_to_actions] must be a non-empty array';
    if (items.length > MENU_MAX_ITEMS) return `param persistent_menu[call_to_actions] must have at most ${MENU_MAX_ITEMS} items`;
    for (const item of items) {
      if (!isObject(item) || typeof item.title !== 'string' || item.title.trim() === '' || item.title.length > MENU_TITLE_MAX) return `param call_to_actions[title] must be 1 to ${MENU_TITLE_MAX} characters`;
      if (item.type === 'postback') {
        if (typeof item.payload !== 'string' || item.payload === '' || item.payload.length > MENU_PAYLOAD_MAX) return `param call_to_actions[payload] must be 1 to ${MENU_PAYLOAD_MAX} characters`;
      } else if (item.type === 'web_url') {
        if (typeof item.url !== 'string' || !/^https?:\/\//.test(item.url)) return 'param call_to_actions[url] must be an http(s) URL';
      } else if (item.type === 'nested') {
        return 'nested persistent menus are not supported since v8.0';
      } else return 'param call_to_actions[type] must be one of {postback, web_url}';
    }
  }
  return undefined;
}

/** Graph's error envelope (messenger.md §4.2); the HTTP status is 400 for these. */
function graphError(res: Response, code: number, message: string, subcode?: number): void {
  res.status(400).json({ error: { message, type: 'OAuthException', code, ...(subcode === undefined ? {} : { error_subcode: subcode }), fbtrace_id: fbtraceId() } });
}

function tokenOf(req: Request): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  if (bearer) return bearer;
  if (typeof req.query.access_token === 'string') return req.query.access_token;
  const body = req.body as unknown;
  return isObject(body) && typeof body.access_token === 'string' ? body.access_token : undefined;
}

/** Meta stores given and family names apart; for a Vietnamese name the given name comes last. */
function profileOf(user: SimUser): Json {
  const parts = user.displayName.trim().split(/\s+/);
  const first = parts.pop() ?? '';
  return { first_name: first, last_name: parts.join(' '), name: user.displayName, profile_pic: '' };
}

/** The message_echoes event Meta sends for every message the Page sends (messenger.md §1.3). */
export function messengerEchoBody(credentials: SimulatedMessengerCredentials, psid: string, stored: SimMessage): { object: 'page'; entry: unknown[] } {
  // The Send API's single `attachment` comes back as an `attachments` list, as on received messages.
  const { attachment, ...rest } = stored.content as Json;
  const message = { is_echo: true, app_id: Number(credentials.appId), ...rest, ...(attachment === undefined ? {} : { attachments: [attachment] }), mid: stored.id };
  const item = { sender: { id: credentials.pageId }, recipient: { id: psid }, timestamp: stored.at, message };
  return { object: 'page', entry: [{ id: credentials.pageId, time: stored.at, messaging: [item] }] };
}

/** A delivery or read receipt from the person (sender) to the Page. */
export function messengerReceiptBody(credentials: SimulatedMessengerCredentials, psid: string, receipt: { delivery: Json } | { read: Json }, now: number): { object: 'page'; entry: unknown[] } {
  // Meta's documented delivery example has no timestamp; the read example has one.
  const item = { sender: { id: psid }, recipient: { id: credentials.pageId }, ...('read' in receipt ? { timestamp: now } : {}), ...receipt };
  return { object: 'page', entry: [{ id: credentials.pageId, time: now, messaging: [item] }] };
}

/** Stands in for https://graph.facebook.com: the Send API, the user profile and the Messenger Profile. */
export function createGraphStandInRouter(deps: GraphStandInDeps): Router {
  const router = Router();
  const { store, credentials, settings } = deps;

  const authorised = (req: Request, res: Response): boolean => {
    const token = tokenOf(req);
    if (token === credentials.pageAccessToken) return true;
    graphError(res, 190, token ? 'Invalid OAuth access token - Cannot parse access token' : 'An access token is required to request this resource.');
    return false;
  };

  const isPage = (node: string | undefined) => node === 'me' || node === credentials.pageId;

  const afterSend = async (psid: string, stored: SimMessage): Promise<void> => {
    await deps.poster.postMessenger(messengerEchoBody(credentials, psid, stored));
    await deps.poster.postMessenger(messengerReceiptBody(credentials, psid, { delivery: { mids: [stored.id], watermark: stored.at } }, stored.at));
  };

  router.post('/:version/:node/messages', (req, res) => {
    if (!authorised(req, res)) return;
    if (!isPage(req.params.node)) return graphError(res, 100, `(#100) Unsupported post request. Object with ID '${req.params.node}' does not exist`, 33);
    const problem = sendBodyProblem(req.body);
    if (problem) return graphError(res, 100, `(#100) ${problem}`);
    const body = req.body as { recipient: { id: string }; message?: Json; sender_action?: string };
    const psid = body.recipient.id;
    if (!store.user('messenger', psid)) return graphError(res, 100, '(#100) No matching user found', 2018001);
    if (body.sender_action !== undefined) {
      if (body.sender_action === 'typing_on' || body.sender_action === 'typing_off') store.notify('messenger', psid, { type: 'typing', on: body.sender_action === 'typing_on' });
      return void res.json({ recipient_id: psid });
    }
    const stored = store.append('messenger', psid, { id: messengerMid(), direction: 'bot', kind: 'send', content: body.message });
    if (!stored) return graphError(res, 100, '(#100) No matching user found', 2018001);
    store.notify('messenger', psid, { type: 'typing', on: false });
    // Meta posts the echo and the delivery on its own schedule; after the answer is the closest to that.
    res.on('close', () => void afterSend(psid, stored));
    res.json({ recipient_id: psid, message_id: stored.id });
  });

  router.post('/:version/:node/messenger_profile', (req, res) => {
    if (!authorised(req, res)) return;
    const body = req.body as unknown;
    if (!isObject(body)) return graphError(res, 100, '(#100) Requires one of the params: get_started, greeting, persistent_menu, ice_breakers');
    const fields = Object.keys(body).filter((key) => key !== 'access_token');
    const unknown = fields.find((key) => !PROFILE_FIELDS.has(key));
    if (fields.length === 0 || unknown) return graphError(res, 100, `(#100) Param ${unknown ?? 'fields'} is not a valid Messenger Profile field`);
    if (body.get_started !== undefined && !(isObject(body.get_started) && typeof body.get_started.payload === 'string' && body.get_started.payload !== '')) {
      return graphError(res, 100, '(#100) param get_started[payload] must be a non-empty string');
    }
    const menuProblem = body.persistent_menu === undefined ? undefined : persistentMenuProblem(body.persistent_menu);
    if (menuProblem) return graphError(res, 100, `(#100) ${menuProblem}`);
    settings.set(Object.fromEntries(fields.map((key) => [key, body[key]])));
    res.json({ result: 'success' });
  });

  router.get('/:version/:node/messenger_profile', (req, res) => {
    if (!authorised(req, res)) return;
    const wanted = String(req.query.fields ?? '').split(',').filter(Boolean);
    const current = settings.get();
    res.json({ data: [wanted.length === 0 ? current : Object.fromEntries(Object.entries(current).filter(([key]) => wanted.includes(key)))] });
  });

  router.delete('/:version/:node/messenger_profile', (req, res) => {
    if (!authorised(req, res)) return;
    const fields = isObject(req.body) && Array.isArray(req.body.fields) ? req.body.fields.map(String) : [];
    if (fields.length === 0) return graphError(res, 100, '(#100) param fields is required');
    settings.delete(fields);
    res.json({ result: 'success' });
  });

  router.get('/:version/:id', (req, res) => {
    if (!authorised(req, res)) return;
    if (req.params.id === 'me') return void res.json({ name: 'Vùng Xanh (mô phỏng)', id: credentials.pageId });
    const user = store.user('messenger', req.params.id);
    if (!user) {
      return graphError(res, 100, `Unsupported get request. Object with ID '${req.params.id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`, 33);
    }
    const all = profileOf(user);
    const wanted = String(req.query.fields ?? 'name,first_name,last_name,profile_pic').split(',').filter((f) => f in all);
    res.json({ ...Object.fromEntries(wanted.map((f) => [f, all[f]])), id: user.userId });
  });

  return router;
}
