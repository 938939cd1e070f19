import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { request } from 'undici';
import { createInboundIntake } from '../../../src/bot/inbound-intake';
import { MessengerWebhook, verifyMessengerSubscription } from '../../../src/channels/messenger/messenger.webhook';
import { signMessengerBody } from '../../../src/channels/messenger/messenger.signature';
import { createHttpApp } from '../../../src/http/app';
import { createWebhookRouter } from '../../../src/http/webhooks.routes';
import { captureLogs } from '../../helpers/logs';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const APP_SECRET = 'test-app-secret';
const VERIFY_TOKEN = 'test-verify-token';
const FIXTURES_STAMPED_AT = 1_718_000_600_000;
const fixture = (name: string) => readFileSync(path.join(__dirname, '../../fixtures/messenger', name));

describe('webhook routes (Messenger through the real route, intake and PostgreSQL)', () => {
  let t: TestDatabase;
  let server: Server;
  let base: string;
  const triggered: string[][] = [];
  let failIntake = false;
  const logs = captureLogs();

  beforeAll(async () => {
    t = await createTestDatabase();
    const intake = createInboundIntake(t.db, async (keys) => {
      if (failIntake) throw new Error('redis is down');
      triggered.push([...keys]);
    });
    const router = createWebhookRouter({
      // The fixtures were stamped in June 2024; older events are refused as replays.
      webhooks: { messenger: new MessengerWebhook({ appSecret: APP_SECRET, now: () => FIXTURES_STAMPED_AT }) },
      intake,
      logger: logs.logger,
      verifyMessengerSubscription: (query) => verifyMessengerSubscription(query as Record<string, unknown>, VERIFY_TOKEN),
    });
    server = createServer(createHttpApp({ logger: logs.logger, routers: [{ path: '/webhooks', router, ownsBody: true }] }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.drop();
  });
  beforeEach(async () => {
    await t.db.deleteFrom('inbound_events').execute();
    triggered.length = 0;
    failIntake = false;
  });

  const post = (body: Buffer, headers: Record<string, string> = {}) =>
    request(`${base}/webhooks/messenger`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const signed = (body: Buffer) => ({ 'x-hub-signature-256': signMessengerBody(body, APP_SECRET) });
  const recorded = () => t.db.selectFrom('inbound_events').select(['event_key', 'kind', 'conversation_key']).orderBy('id').execute();

  it('When a batched body is signed right, then every item of every entry is recorded and its conversation queued', async () => {
    const body = fixture('batched.json');
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('EVENT_RECEIVED');
    const rows = await recorded();
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(new Set(triggered.flat())).toEqual(new Set(rows.map((r) => r.conversation_key)));
  });

  it('When the raw bytes carry escaped Vietnamese, then the signature over those exact bytes is accepted', async () => {
    const body = fixture('text-escaped.json');
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });

  it.each([
    ['missing', {}],
    ['forged', { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }],
    ['malformed', { 'x-hub-signature-256': 'sha256=xyz' }],
    ['SHA-1 only', { 'x-hub-signature': 'sha1=0123456789abcdef0123456789abcdef01234567' }],
  ])('When the signature is %s, then 401, nothing is recorded and a warning says why', async (_label, headers) => {
    const body = fixture('batched.json');
    const res = await post(body, headers as Record<string, string>);
    expect(res.statusCode).toBe(401);
    await res.body.dump();
    expect(await recorded()).toEqual([]);
    expect(logs.lines().some((l) => l.msg === 'webhook refused: bad signature' && typeof l.reason === 'string')).toBe(true);
  });

  it('When a signed body is not JSON or not the platform shape, then 400 and nothing is recorded', async () => {
    for (const text of ['{"object":"page","entry":', '{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":5,"message":{"text":"no mid"}}]}]}']) {
      const body = Buffer.from(text);
      const res = await post(body, signed(body));
      expect(res.statusCode).toBe(400);
      await res.body.dump();
    }
    expect(await recorded()).toEqual([]);
  });

  it('When a signed batch holds a good message and a malformed one, then 200, the good one is recorded and the bad one logged by its path', async () => {
    const item = (mid: string | undefined) => ({ sender: { id: '7001' }, recipient: { id: '2' }, timestamp: FIXTURES_STAMPED_AT, message: { ...(mid ? { mid } : {}), text: 'Cho mình hỏi lịch sinh hoạt' } });
    const body = Buffer.from(JSON.stringify({ object: 'page', entry: [{ id: '2', time: 1, messaging: [item('m_good_in_batch'), item(undefined)] }] }));
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect((await recorded()).map((r) => r.event_key)).toEqual(['m_good_in_batch']);
    const warned = logs.lines().find((l) => l.msg === 'webhook items refused: signed but malformed; the good items of the batch are taken');
    expect(warned).toMatchObject({ events: 1, malformed: [expect.stringMatching(/^entry\[0\]\.messaging\[1\]\.message\.mid/)] });
    expect(JSON.stringify(warned)).not.toContain('lịch sinh hoạt');
  });

  it('When a signed message carries NUL and lone surrogates (text and ids), then 200, recorded with them made storable, and its stored conversation is the one queued', async () => {
    const raw = {
      object: 'page',
      entry: [{ id: '1', time: 1, messaging: [{ sender: { id: '75\u00001' }, recipient: { id: '2' }, timestamp: FIXTURES_STAMPED_AT, message: { mid: 'm_nul\u0000\ud800', text: 'a\u0000b \udfff c 😀' } }] }],
    };
    const body = Buffer.from(JSON.stringify(raw));
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    const rows = await t.db.selectFrom('inbound_events').select(['event_key', 'conversation_key', 'payload']).execute();
    expect(rows.map((r) => [r.event_key, r.conversation_key])).toEqual([['m_nul\ufffd', 'messenger:751']]);
    expect(JSON.stringify(rows[0]!.payload)).toContain('ab \ufffd c 😀');
    expect(triggered.flat()).toEqual(['messenger:751']);
  });

  it('When a body is over 1 MB, then 413', async () => {
    const body = Buffer.alloc(1024 * 1024 + 10, 0x20);
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(413);
    await res.body.dump();
  });

  it('When the same event is delivered three times at once, then it is recorded once and every delivery gets 200', async () => {
    const body = fixture('text-escaped.json');
    const answers = await Promise.all([1, 2, 3].map(() => post(body, signed(body))));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    await Promise.all(answers.map((a) => a.body.dump()));
    expect(await recorded()).toHaveLength(1);
  });

  it('When the queue cannot be reached, then 503 so the platform delivers again, and the redelivery is queued', async () => {
    const body = fixture('text-escaped.json');
    failIntake = true;
    const first = await post(body, signed(body));
    expect(first.statusCode).toBe(503);
    await first.body.dump();
    failIntake = false;
    const again = await post(body, signed(body));
    expect(again.statusCode).toBe(200);
    await again.body.dump();
    expect(await recorded()).toHaveLength(1);
    expect(triggered.flat()).toHaveLength(1);
  });

  it('When a signed body is replayed after the replay window (8 days later), then 200 and nothing is recorded or queued', async () => {
    const body = fixture('text-escaped.json');
    const late = createWebhookRouter({
      webhooks: { messenger: new MessengerWebhook({ appSecret: APP_SECRET, now: () => FIXTURES_STAMPED_AT + 8 * 24 * 3_600_000 }) },
      intake: createInboundIntake(t.db, async (keys) => void triggered.push([...keys])),
      logger: logs.logger,
    });
    const lateServer = createServer(createHttpApp({ logger: logs.logger, routers: [{ path: '/webhooks', router: late, ownsBody: true }] }));
    await new Promise<void>((resolve) => lateServer.listen(0, '127.0.0.1', resolve));
    try {
      const res = await request(`http://127.0.0.1:${(lateServer.address() as AddressInfo).port}/webhooks/messenger`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signed(body) } });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    } finally {
      await new Promise((resolve) => lateServer.close(resolve));
    }
    expect(await recorded()).toEqual([]);
    expect(triggered).toEqual([]);
  });

  it('When only ignored kinds arrive (optin, referral), then 200 and nothing is recorded', async () => {
    const body = fixture('ignored-kinds.json');
    const res = await post(body, signed(body));
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(await recorded()).toEqual([]);
  });

  it('When Meta verifies the subscription, then the challenge comes back only with the right token', async () => {
    const ok = await request(`${base}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.text()).toBe('1158201444');
    const wrong = await request(`${base}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(wrong.statusCode).toBe(403);
    await wrong.body.dump();
  });

  it('When a channel is not configured, then its webhook answers 404', async () => {
    const res = await request(`${base}/webhooks/zalo`, { method: 'POST', body: '{}' });
    expect(res.statusCode).toBe(404);
    await res.body.dump();
  });
});
