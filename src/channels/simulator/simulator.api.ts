import { SAMPLE_IMAGE_COUNT, sampleImagePng } from './simulator.samples';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import type { Logger } from '../../logging/logger';
import type { SimulatedMessengerCredentials, SimulatedZaloCredentials } from './simulator.credentials';
import { PAGE_SCRIPT } from './simulator.page-script';
import { PAGE_STYLE, renderPage } from './simulator.page';
import { messengerReceiptBody, type MessengerPageSettings } from './simulator.platform-graph';
import { zaloSeenBody } from './simulator.platform-zalo';
import type { SimChannel, SimEvent, SimulatorStore, WebhookOutcome } from './simulator.store';
import { buildUserEvent, sendRequestSchema, toZaloPhone } from './simulator.user-actions';
import type { WebhookPoster } from './simulator.webhooks';

export interface SimulatorApiDeps {
  readonly store: SimulatorStore;
  readonly poster: WebhookPoster;
  readonly settings: MessengerPageSettings;
  readonly zalo: SimulatedZaloCredentials;
  readonly messenger: SimulatedMessengerCredentials;
  readonly now: () => number;
  readonly logger: Logger;
  /** Every open event stream; ended by the simulator's close(). */
  readonly streams: Set<Response>;
}

const HEARTBEAT_MS = 15_000;

const threadQuery = z.object({ channel: z.enum(['zalo', 'messenger']), userId: z.string().regex(/^[1-9][0-9]{9,24}$/) });

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new AppError('VALIDATION_FAILED', 'the simulated action is not valid', { details });
}

// The page loads nothing from elsewhere; images the bot sends may live on any http(s) host.
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src http: https: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const delivered = (outcome: WebhookOutcome): boolean => outcome.status !== null && outcome.status >= 200 && outcome.status < 300;

/** The page and the API it calls, mounted at /simulator. */
export function createSimulatorApiRouter(deps: SimulatorApiDeps): Router {
  const router = Router();
  const { store } = deps;

  const snapshot = (channel: SimChannel, userId: string) => {
    const user = store.user(channel, userId);
    const profile = deps.settings.get();
    return {
      channel,
      userId,
      user: user ? { displayName: user.displayName, follower: user.follower ?? null } : null,
      messages: store.messages(channel, userId),
      messenger: { getStarted: profile.get_started ?? null, persistentMenu: profile.persistent_menu ?? null, greeting: profile.greeting ?? null },
    };
  };

  router.get('/', (req, res) => void res.set(PAGE_HEADERS).type('html').send(renderPage(req.baseUrl)));
  router.get('/app.js', (_req, res) => void res.set(PAGE_HEADERS).type('text/javascript').send(PAGE_SCRIPT));
  router.get('/app.css', (_req, res) => void res.set(PAGE_HEADERS).type('text/css').send(PAGE_STYLE));
  router.get('/samples/anh-minh-chung-:n.png', (req, res) => {
    const n = Number(req.params.n);
    if (!Number.isInteger(n) || n < 1 || n > SAMPLE_IMAGE_COUNT) return void res.status(404).end();
    res.type('image/png').set('cache-control', 'public, max-age=86400').send(sampleImagePng(n));
  });

  router.post('/api/send', async (req, res) => {
    const { channel, userId, displayName, action } = parseOrThrow(sendRequestSchema, req.body);
    const built = buildUserEvent(channel, action, { userId, now: deps.now(), zalo: deps.zalo, messenger: deps.messenger, getStartedPayload: deps.settings.getStartedPayload() });
    if (!built.ok) throw new AppError('VALIDATION_FAILED', built.reason);
    store.touchUser(channel, userId, displayName);
    // The platform records these whatever the app's webhook then answers.
    if (channel === 'zalo' && (action.type === 'follow' || action.type === 'getStarted')) store.updateUser(channel, userId, { follower: true });
    if (channel === 'zalo' && action.type === 'unfollow') store.updateUser(channel, userId, { follower: false });
    if (channel === 'zalo' && action.type === 'shareInfo') store.updateUser(channel, userId, { sharedInfo: { name: action.name, phone: toZaloPhone(action.phone) } });
    store.append(channel, userId, { id: built.id, direction: 'user', kind: action.type, content: built.content, webhook: 'pending' });
    const outcome = built.channel === 'zalo' ? await deps.poster.postZalo(built.body) : await deps.poster.postMessenger(built.body);
    const message = store.update(channel, userId, built.id, { webhook: outcome });
    // 502: the simulator worked, the app behind it did not accept the event.
    res.status(delivered(outcome) ? 200 : 502).json({ delivered: delivered(outcome), webhook: outcome, message: message ?? null });
  });

  router.post('/api/seen', async (req, res) => {
    const { channel, userId } = parseOrThrow(threadQuery, req.body);
    const unseen = store.messages(channel, userId).filter((m) => m.direction === 'bot' && !m.seen);
    const last = unseen.at(-1);
    if (!last) return void res.json({ receipts: 0 });
    for (const m of unseen) store.update(channel, userId, m.id, { seen: true });
    // Zalo reports seen messages by msg_id to the app that sent them; how it reports template messages is not documented.
    const zaloIds = unseen.filter((m) => m.kind === 'cs').map((m) => m.id);
    if (channel === 'zalo' && zaloIds.length === 0) return void res.json({ receipts: 0 });
    const outcome =
      channel === 'messenger'
        ? await deps.poster.postMessenger(messengerReceiptBody(deps.messenger, userId, { read: { watermark: last.at } }, deps.now()))
        : await deps.poster.postZalo(zaloSeenBody(deps.zalo, userId, zaloIds, deps.now()));
    res.json({ receipts: unseen.length, webhook: outcome });
  });

  router.get('/api/thread', (req, res) => {
    const { channel, userId } = parseOrThrow(threadQuery, req.query);
    res.set('cache-control', 'no-store').json(snapshot(channel, userId));
  });

  // Server-Sent Events: a snapshot first (so nothing falls between a load and the stream), then each change.
  router.get('/api/events', (req: Request, res: Response) => {
    const { channel, userId } = parseOrThrow(threadQuery, req.query);
    const write = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const unsubscribe = store.subscribe(channel, userId, (event: SimEvent) => write(event.type, event));
    if (!unsubscribe) throw new AppError('RATE_LIMITED', 'too many simulator pages are open');
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store, no-transform', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    write('snapshot', snapshot(channel, userId));
    deps.streams.add(res);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      deps.streams.delete(res);
    });
  });

  return router;
}
