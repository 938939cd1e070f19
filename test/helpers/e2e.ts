import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { SIMULATED_MESSENGER, SIMULATED_ZALO, type SimMessage } from '../../src/channels/simulator';
import { messengerJsonBytes, zaloJsonBytes } from '../../src/channels/simulator/simulator.webhooks';
import { signMessengerBody } from '../../src/channels/messenger/messenger.signature';
import { signZaloBody, ZALO_SIGNATURE_HEADER } from '../../src/channels/zalo/zalo.signature';
import { ZALO_CHOICE_HINT } from '../../src/channels/zalo/zalo.render';
import { helpMessage, MENU, ONBOARDING, TEXT, type MenuEntryKey } from '../../src/dialogs/messages.vi';
import { menuEntriesFor, menuKeywords } from '../../src/dialogs/menu';
import { cutTitle } from '../../src/channels/messenger/messenger.render';
import type { Db } from '../../src/db/database';

/**
 * What the end-to-end tests share: webhooks signed exactly as each platform signs them (with the
 * simulator's public credentials, which the app accepts while the simulator stands in for the
 * platform), the simulator's page API (a person's actions, the thread at the stand-in), the
 * bot's words as each platform shows them, and polling.
 */

export type Channel = 'messenger' | 'zalo';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Enough sockets for the load tests; keep-alive like a platform's delivery fleet.
const agent = new Agent({ connections: 128, pipelining: 1, keepAliveTimeout: 10_000 });

export async function closeHttp(): Promise<void> {
  await agent.close();
}

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

async function send(method: 'GET' | 'POST', url: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const res = await request(url, { method, body, headers, dispatcher: agent, headersTimeout: 30_000, bodyTimeout: 30_000 });
  return { status: res.statusCode, text: await res.body.text() };
}

/** One webhook delivery: the exact bytes and the headers the platform sends with them. */
export interface SignedWebhook {
  readonly channel: Channel;
  readonly raw: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  /** The platform's id of the event (Messenger mid, Zalo msg_id): the app's event key. */
  readonly eventKey: string;
}

export const newMid = (): string => `m_${randomBytes(24).toString('base64url')}`;
export const newZaloMsgId = (): string => randomBytes(10).toString('hex');

/** A Messenger text message (or a quick-reply tap, with its payload) from `psid`, stamped `ts`. */
export function messengerMessage(psid: string, text: string, ts: number, options: { mid?: string; quickReplyPayload?: string } = {}): SignedWebhook {
  const mid = options.mid ?? newMid();
  const message = { mid, text, ...(options.quickReplyPayload === undefined ? {} : { quick_reply: { payload: options.quickReplyPayload } }) };
  const body = { object: 'page', entry: [{ id: SIMULATED_MESSENGER.pageId, time: ts, messaging: [{ sender: { id: psid }, recipient: { id: SIMULATED_MESSENGER.pageId }, timestamp: ts, message }] }] };
  // Meta's bytes: unicode escaped with lowercase hex, '/' escaped; signed over exactly those.
  const raw = messengerJsonBytes(body);
  return {
    channel: 'messenger',
    raw,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMessengerBody(raw, SIMULATED_MESSENGER.appSecret), 'user-agent': 'facebookexternalua' },
    eventKey: mid,
  };
}

function signedZalo(body: Record<string, unknown> & { timestamp: string }, eventKey: string): SignedWebhook {
  const raw = zaloJsonBytes(body);
  return {
    channel: 'zalo',
    raw,
    headers: { 'content-type': 'application/json', [ZALO_SIGNATURE_HEADER]: signZaloBody(SIMULATED_ZALO.appId, raw, body.timestamp, SIMULATED_ZALO.oaSecretKey) },
    eventKey,
  };
}

/** A Zalo user_send_text from `userId` (ids stay strings: they exceed 2^53), stamped `ts`. */
export function zaloText(userId: string, text: string, ts: number, msgId = newZaloMsgId()): SignedWebhook {
  return signedZalo(
    {
      app_id: SIMULATED_ZALO.appId,
      sender: { id: userId },
      user_id_by_app: `5${userId.slice(-17).padStart(17, '0')}`,
      recipient: { id: SIMULATED_ZALO.oaId },
      event_name: 'user_send_text',
      message: { text, msg_id: msgId },
      timestamp: String(ts),
    },
    msgId,
  );
}

export function webhookUrl(baseUrl: string, channel: Channel): string {
  return `${baseUrl}/webhooks/${channel}`;
}

export async function postWebhook(baseUrl: string, hook: SignedWebhook): Promise<HttpAnswer> {
  return send('POST', webhookUrl(baseUrl, hook.channel), hook.raw, { ...hook.headers });
}

/** What a person does on the simulator page (the simulator signs and posts the real webhook). */
export type SimAction =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'quickReply'; readonly title: string; readonly payload: string }
  | { readonly type: 'postback'; readonly title: string; readonly payload: string }
  | { readonly type: 'image'; readonly url: string }
  | { readonly type: 'link'; readonly url: string }
  | { readonly type: 'follow' }
  | { readonly type: 'unfollow' }
  | { readonly type: 'getStarted' }
  | { readonly type: 'shareInfo'; readonly name: string; readonly phone: string };

export interface SimSendAnswer {
  readonly delivered: boolean;
  readonly message: SimMessage;
}

export async function simSend(baseUrl: string, channel: Channel, userId: string, displayName: string, action: SimAction): Promise<SimSendAnswer> {
  const res = await send('POST', `${baseUrl}/simulator/api/send`, JSON.stringify({ channel, userId, displayName, action }), { 'content-type': 'application/json' });
  if (res.status !== 200) throw new Error(`simulator send answered ${res.status}: ${res.text}`);
  return JSON.parse(res.text) as SimSendAnswer;
}

/** Asks the simulator to report the bot's unseen messages as seen (Messenger read / Zalo user_seen_message). */
export async function simSeen(baseUrl: string, channel: Channel, userId: string): Promise<void> {
  const res = await send('POST', `${baseUrl}/simulator/api/seen`, JSON.stringify({ channel, userId }), { 'content-type': 'application/json' });
  if (res.status !== 200) throw new Error(`simulator seen answered ${res.status}: ${res.text}`);
}

/** The thread as the stand-in platform has it: both directions, in order. */
export async function threadOf(baseUrl: string, channel: Channel, userId: string): Promise<SimMessage[]> {
  const res = await send('GET', `${baseUrl}/simulator/api/thread?channel=${channel}&userId=${userId}`);
  if (res.status !== 200) throw new Error(`simulator thread answered ${res.status}: ${res.text}`);
  return (JSON.parse(res.text) as { messages: SimMessage[] }).messages;
}

export interface BotMessageContent {
  readonly text?: string;
  readonly quick_replies?: readonly { readonly title?: string; readonly payload?: string }[];
  readonly metadata?: string;
}

export function botMessages(thread: readonly SimMessage[]): SimMessage[] {
  return thread.filter((m) => m.direction === 'bot');
}

export const contentOf = (m: SimMessage): BotMessageContent => m.content as BotMessageContent;

const NEWCOMER_MENU = menuEntriesFor(null);
const zaloChoices = (prompt: string, titles: readonly string[]) => `${prompt}\n\n${titles.map((t, i) => `${i + 1}. ${t}`).join('\n')}\n${ZALO_CHOICE_HINT}`;
const messengerChips = (choices: readonly { title: string; value: string }[]) => choices.map((c) => ({ content_type: 'text', title: cutTitle(c.title), payload: c.value }));

/** The menu on Zalo: no buttons in consultation messages, so numbered lines and a hint. */
export const ZALO_MENU_TEXT = zaloChoices(TEXT.menuPrompt, NEWCOMER_MENU.map((e) => MENU[e.key].title));
/** The menu on Messenger: the prompt with one quick reply per choice. */
export const MESSENGER_MENU_CHIPS = messengerChips(NEWCOMER_MENU.map((e) => MENU[e.key]));
const CONSENT_CHOICES = [ONBOARDING.consentYes, ONBOARDING.consentNo];

/** The help as a newcomer reads it on `channel`: what works everywhere, with the menu under it. */
export const helpText = (channel: Channel) => helpMessage(channel, menuKeywords(NEWCOMER_MENU));

export type ReplyLabel = 'greeting' | 'consent' | 'menu' | 'help' | 'notUnderstood' | 'waves' | 'retry' | 'apology';

/** Names a bot message by what it says (exactly as each platform shows it); anything else is returned verbatim. */
export function labelOf(channel: Channel, m: SimMessage): ReplyLabel | string {
  const { text, quick_replies: chips } = contentOf(m);
  const withChoices = (prompt: string, choices: readonly { title: string; value: string }[]) =>
    channel === 'zalo' ? text === zaloChoices(prompt, choices.map((c) => c.title)) : text === prompt && JSON.stringify(chips) === JSON.stringify(messengerChips(choices));
  const withMenu = (prompt: string) => withChoices(prompt, NEWCOMER_MENU.map((e) => MENU[e.key]));
  if (text === TEXT.greeting) return 'greeting';
  if (text === TEXT.apology) return 'apology';
  if (text === TEXT.noCurrentWaves || text?.startsWith(`${TEXT.currentWavesIntro}\n`)) return 'waves';
  if (withMenu(TEXT.menuPrompt)) return 'menu';
  if (withMenu(helpText(channel))) return 'help';
  if (withMenu(TEXT.notUnderstood)) return 'notUnderstood';
  if (withChoices(ONBOARDING.consentNotice, CONSENT_CHOICES)) return 'consent';
  if (channel === 'zalo' && text?.startsWith(TEXT.menuRetry)) return 'retry';
  if (channel === 'messenger' && text === TEXT.menuRetry) return 'retry';
  return `unexpected: ${JSON.stringify(m.content)}`;
}

export async function botLabels(baseUrl: string, channel: Channel, userId: string): Promise<string[]> {
  return botMessages(await threadOf(baseUrl, channel, userId)).map((m) => labelOf(channel, m));
}

/** Polls `check` until it returns something other than undefined/false; throws with `what` on timeout. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Waits until the thread holds exactly `count` bot messages (more would fail at once: a doubled reply). */
export async function waitForBotMessages(baseUrl: string, channel: Channel, userId: string, count: number, timeoutMs = 20_000): Promise<SimMessage[]> {
  return until(
    `${count} bot messages to ${channel}:${userId}`,
    async () => {
      const bot = botMessages(await threadOf(baseUrl, channel, userId));
      if (bot.length > count) throw new Error(`${channel}:${userId} got ${bot.length} bot messages, expected ${count}: ${JSON.stringify(bot.map((m) => labelOf(channel, m)))}`);
      return bot.length === count ? bot : undefined;
    },
    timeoutMs,
  );
}

/** A counting semaphore: at most `limit` holders at once. */
export function semaphore(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async (work) => {
    if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    active += 1;
    try {
      return await work();
    } finally {
      active -= 1;
      queue.shift()?.();
    }
  };
}

let idBatch = Math.floor(Math.random() * 900) + 100;

/** Platform-style numeric user ids (Messenger PSIDs: 16 digits; Zalo: 19), never the same twice in a test process. */
export function userIds(channel: Channel, count: number): string[] {
  idBatch += 1;
  const width = channel === 'zalo' ? 14 : 11;
  const head = channel === 'zalo' ? '8' : '7';
  return Array.from({ length: count }, (_, i) => `${head}${String(idBatch).padStart(4, '0')}${String(i + 1).padStart(width, '0')}`);
}

/** The deliveries to one member, oldest first (replies carry their event in `reply:<eventId>:<n>`). */
export async function deliveriesOf(db: Db, channel: Channel, platformUserId: string) {
  return db
    .selectFrom('deliveries')
    .innerJoin('channel_identities', 'channel_identities.id', 'deliveries.identity_id')
    .select(['deliveries.id', 'deliveries.idempotency_key', 'deliveries.status', 'deliveries.platform_message_id', 'deliveries.payload', 'deliveries.error_code', 'deliveries.delivered_at', 'deliveries.read_at'])
    .where('channel_identities.channel', '=', channel)
    .where('channel_identities.platform_user_id', '=', platformUserId)
    .orderBy('deliveries.id')
    .execute();
}

/** Simulator page requests in flight at once (each makes the app post a webhook to itself). */
const SIMULATOR_IN_FLIGHT = 8;

/** A scripted member: who, and (once sent) the platform's stamps and event keys in order. */
export interface ScriptedConversation {
  readonly channel: Channel;
  readonly userId: string;
  readonly stamps: number[];
  readonly eventKeys: string[];
}

export function scriptedConversations(perChannel: number): ScriptedConversation[] {
  return (['messenger', 'zalo'] as const).flatMap((channel) => userIds(channel, perChannel).map((userId) => ({ channel, userId, stamps: [], eventKeys: [] })));
}

/**
 * Each conversation sends its script one message after another, as a platform delivers one
 * thread (each webhook answered before the next, stamps strictly increasing); all conversations
 * at once, at most `inFlight` webhooks in flight. Every first message goes through the simulator's
 * page API, so that the stand-in knows the person (and can be asked their name): those go first,
 * a few at a time, because each is a request to the app that makes another one with a 10 s
 * timeout. The rest are signed here and posted straight to the webhook. Returns the webhooks
 * that were not answered 200.
 */
export async function sendScripts(baseUrl: string, conversations: readonly ScriptedConversation[], script: readonly string[], inFlight: number): Promise<string[]> {
  const refused: string[] = [];
  const introductions = semaphore(SIMULATOR_IN_FLIGHT);
  await Promise.all(
    conversations.map(async (c) => {
      const first = await introductions(() => simSend(baseUrl, c.channel, c.userId, `Đoàn viên ${c.userId.slice(-3)}`, { type: 'text', text: script[0]! }));
      if (!first.delivered) refused.push(`${c.channel}:${c.userId}#0`);
      c.stamps.push(Number((first.message.content as { timestamp: number | string }).timestamp));
      c.eventKeys.push(first.message.id);
    }),
  );
  const limit = semaphore(inFlight);
  await Promise.all(
    conversations.map(async (c) => {
      for (let i = 1; i < script.length; i += 1) {
        const ts = Math.max(Date.now(), c.stamps.at(-1)! + 1);
        const hook = c.channel === 'messenger' ? messengerMessage(c.userId, script[i]!, ts) : zaloText(c.userId, script[i]!, ts);
        const answer = await limit(() => postWebhook(baseUrl, hook));
        if (answer.status !== 200) refused.push(`${c.channel}:${c.userId}#${i}: ${answer.status} ${answer.text}`);
        c.stamps.push(ts);
        c.eventKeys.push(hook.eventKey);
      }
    }),
  );
  return refused;
}

/** The number a newcomer answers to pick `key` from the menu on Zalo (the same for Messenger typed). */
export function menuNumber(key: MenuEntryKey): string {
  return String(NEWCOMER_MENU.findIndex((e) => e.key === key) + 1);
}

/**
 * The menu script: "menu", the help's number, "menu", the waves' number, … Its replies can only
 * come in this order if every message is answered in order: a number answered before its "menu"
 * finds no menu waiting and gets "mình chưa hiểu" instead of the help or the waves.
 */
export function menuScript(messages: number): { script: string[]; expected: ReplyLabel[] } {
  const help = menuNumber('help');
  const waves = menuNumber('currentWaves');
  const script = Array.from({ length: messages }, (_, i) => ['menu', help, 'menu', waves][i % 4]!);
  const replyTo: Readonly<Record<string, ReplyLabel>> = { menu: 'menu', [help]: 'help', [waves]: 'waves' };
  // First contact greets before the menu; then one reply per message.
  return { script, expected: ['greeting', ...script.map((said) => replyTo[said]!)] };
}

/** Names a stored delivery by its text, as labelOf names a message at the stand-in. */
export function labelOfPayload(payload: unknown): ReplyLabel | string {
  const { text, choices } = payload as { text?: string; choices?: readonly { title: string; value: string }[] };
  const menu = JSON.stringify(choices?.map((c) => c.value)) === JSON.stringify(NEWCOMER_MENU.map((e) => MENU[e.key].value));
  if (text === TEXT.greeting) return 'greeting';
  if (text === TEXT.apology) return 'apology';
  if (text === TEXT.noCurrentWaves || text?.startsWith(`${TEXT.currentWavesIntro}\n`)) return 'waves';
  if (menu && text === TEXT.menuPrompt) return 'menu';
  if (menu && (text === helpText('zalo') || text === helpText('messenger'))) return 'help';
  if (menu && text === TEXT.notUnderstood) return 'notUnderstood';
  if (text === ONBOARDING.consentNotice) return 'consent';
  if (text === TEXT.menuRetry) return 'retry';
  return `unexpected: ${JSON.stringify(payload)}`;
}

/**
 * The order in which a conversation's events were processed: each turn writes its replies
 * (`reply:<eventId>:<n>`) in its own transaction, after the previous turn of the conversation
 * committed, so the first delivery id of each event follows the processing order.
 */
export function eventsInProcessingOrder(rows: readonly { id: number; idempotency_key: string }[]): number[] {
  const first = new Map<number, number>();
  for (const d of rows) {
    const match = /^reply:(\d+):/.exec(d.idempotency_key);
    if (match && !first.has(Number(match[1]))) first.set(Number(match[1]), d.id);
  }
  return [...first.entries()].sort((a, b) => a[1] - b[1]).map(([eventId]) => eventId);
}
