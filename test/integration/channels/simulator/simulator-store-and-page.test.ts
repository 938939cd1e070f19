import { Script } from 'node:vm';
import { SIMULATED_MESSENGER, SIMULATED_ZALO } from '../../../../src/channels/simulator';
import { SimulatorStore } from '../../../../src/channels/simulator/simulator.store';
import { startSimulatorHarness, type SimulatorHarness } from './simulator-harness';

const PSID = '6543210987654321';
const ZALO_USER = '246845883529197922';
const AUTH = { authorization: `Bearer ${SIMULATED_MESSENGER.pageAccessToken}` };
const userMessage = (id: string) => ({ id, direction: 'user' as const, kind: 'text', content: {} });

/** Reads Server-Sent Events from a streamed response until `count` named events have come. */
async function readEvents(res: Response, count: number): Promise<{ event: string; data: Record<string, unknown> }[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: Record<string, unknown> }[] = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
    }
  }
  return events;
}

describe('simulator store: bounded', () => {
  it('When a thread grows past its cap, then its oldest messages are dropped', () => {
    const store = new SimulatorStore(Date.now, { maxMessagesPerThread: 3 });
    store.touchUser('zalo', ZALO_USER, 'A');
    for (let i = 1; i <= 5; i += 1) store.append('zalo', ZALO_USER, userMessage(`m${i}`));
    expect(store.messages('zalo', ZALO_USER).map((m) => m.id)).toEqual(['m3', 'm4', 'm5']);
    expect(store.stats().messages).toBe(3);
  });

  it('When there are too many threads or messages in all, then the least recently active threads go', () => {
    const store = new SimulatorStore(Date.now, { maxThreads: 2, maxTotalMessages: 4 });
    store.touchUser('zalo', '1000000001', 'A');
    store.touchUser('zalo', '1000000002', 'B');
    store.append('zalo', '1000000001', userMessage('a1'));
    store.touchUser('zalo', '1000000003', 'C');
    expect(store.user('zalo', '1000000002')).toBeUndefined();
    expect(store.user('zalo', '1000000001')).toBeDefined();
    for (let i = 0; i < 4; i += 1) store.append('zalo', '1000000003', userMessage(`c${i}`));
    expect(store.user('zalo', '1000000001')).toBeUndefined();
    expect(store.stats()).toMatchObject({ threads: 1, messages: 4 });
    expect(store.append('zalo', '1000000009', userMessage('x'))).toBeUndefined();
  });

  it('When too many pages listen, then further subscriptions are refused until one leaves', () => {
    const store = new SimulatorStore(Date.now, { maxSubscribers: 1 });
    const leave = store.subscribe('zalo', ZALO_USER, () => undefined);
    expect(leave).toBeDefined();
    expect(store.subscribe('zalo', ZALO_USER, () => undefined)).toBeUndefined();
    leave!();
    leave!();
    expect(store.stats().subscribers).toBe(0);
  });
});

describe('simulator page, event stream and seen receipts', () => {
  let h: SimulatorHarness;
  beforeAll(async () => {
    h = await startSimulatorHarness({ limits: { maxMessagesPerThread: 50 } });
  });
  afterAll(() => h.close());

  it('When /simulator is opened, then a Vietnamese page with a strict CSP, its script (valid JavaScript) and its stylesheet are served', async () => {
    const page = await fetch(`${h.url}/simulator`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('lang="vi"');
    expect(html).toContain('src="/simulator/app.js"');
    expect(html).toContain('Người dùng mới');
    const script = await fetch(`${h.url}/simulator/app.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const source = await script.text();
    expect(() => new Script(source)).not.toThrow();
    expect(source).not.toMatch(/innerHTML/);
    expect((await fetch(`${h.url}/simulator/app.css`)).headers.get('content-type')).toMatch(/text\/css/);
  });

  it('When a page listens, then it gets a snapshot, each new message, typing, and the stream ends on close()', async () => {
    await h.post('/simulator/api/send', { channel: 'messenger', userId: PSID, displayName: 'Phạm Gia Huy', action: { type: 'text', text: 'chào' } });
    const res = await fetch(`${h.url}/simulator/api/events?channel=messenger&userId=${PSID}`);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reading = readEvents(res, 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await h.post('/simulator/graph/v25.0/me/messages', { recipient: { id: PSID }, sender_action: 'typing_on' }, AUTH);
    await h.post('/simulator/graph/v25.0/me/messages', { recipient: { id: PSID }, message: { text: 'Xin chào bạn' } }, AUTH);
    const events = await reading;
    expect(events[0]).toMatchObject({ event: 'snapshot', data: { channel: 'messenger', userId: PSID, messages: [{ direction: 'user', content: { message: { text: 'chào' } } }] } });
    expect(events[1]).toEqual({ event: 'typing', data: { type: 'typing', on: true } });
    expect(events[2]).toMatchObject({ event: 'message', data: { message: { direction: 'bot', content: { text: 'Xin chào bạn' } } } });
    expect(h.simulator.store.stats().subscribers).toBe(1);
    await h.simulator.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.simulator.store.stats().subscribers).toBe(0);
  });

  it('When the page shows bot messages, then a Messenger read (watermark) and a Zalo user_seen_message (msg_ids) are posted', async () => {
    h.receiver.clear();
    const seen = await h.post('/simulator/api/seen', { channel: 'messenger', userId: PSID });
    expect(seen.body).toMatchObject({ receipts: expect.any(Number), webhook: { status: 200 } });
    const read = await h.receiver.waitFor((w) => JSON.stringify(w.body).includes('"read"'));
    expect((read.body.entry as { messaging: unknown[] }[])[0]!.messaging[0]).toMatchObject({ sender: { id: PSID }, recipient: { id: SIMULATED_MESSENGER.pageId }, read: { watermark: expect.any(Number) } });
    expect((await h.post('/simulator/api/seen', { channel: 'messenger', userId: PSID })).body).toEqual({ receipts: 0 });

    await h.post('/simulator/api/send', { channel: 'zalo', userId: ZALO_USER, displayName: 'Trần Thu Hà', action: { type: 'text', text: 'hi' } });
    const sent = await h.post('/simulator/zalo/v3.0/oa/message/cs', { recipient: { user_id: ZALO_USER }, message: { text: 'Chào bạn' } }, { access_token: SIMULATED_ZALO.accessToken });
    await h.post('/simulator/api/seen', { channel: 'zalo', userId: ZALO_USER });
    const zaloSeen = await h.receiver.waitFor((w) => w.body.event_name === 'user_seen_message');
    expect(zaloSeen.body).toMatchObject({ sender: { id: ZALO_USER }, recipient: { id: SIMULATED_ZALO.oaId }, message: { msg_ids: [(sent.body.data as { message_id: string }).message_id] } });
  });

  it('When many messages are sent, then the thread keeps only its cap', async () => {
    const user = '7000000000000001';
    for (let i = 0; i < 55; i += 1) await h.post('/simulator/api/send', { channel: 'messenger', userId: user, displayName: 'A B', action: { type: 'text', text: `tin ${i}` } });
    const thread = await h.get(`/simulator/api/thread?channel=messenger&userId=${user}`);
    const messages = thread.body.messages as { content: { message: { text: string } } }[];
    expect(messages).toHaveLength(50);
    expect(messages[0]!.content.message.text).toBe('tin 5');
  });
});
