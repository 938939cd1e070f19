import { createHash, createHmac } from 'node:crypto';
import { checkMessengerSignature } from '../../../../src/channels/messenger/messenger.signature';
import { SIMULATED_MESSENGER, SIMULATED_ZALO } from '../../../../src/channels/simulator';
import { checkZaloSignature } from '../../../../src/channels/zalo/zalo.signature';
import { startSimulatorHarness, type ReceivedWebhook, type SimulatorHarness } from './simulator-harness';

// Recomputed here from the platforms' formulas, independently of the code under test.
const zaloMac = (raw: Buffer, timestamp: string) =>
  `mac=${createHash('sha256').update(Buffer.concat([Buffer.from(SIMULATED_ZALO.appId), raw, Buffer.from(timestamp), Buffer.from(SIMULATED_ZALO.oaSecretKey)])).digest('hex')}`;
const messengerHmac = (raw: Buffer) => `sha256=${createHmac('sha256', SIMULATED_MESSENGER.appSecret).update(raw).digest('hex')}`;

const ZALO_USER = '246845883529197922';
const PSID = '6543210987654321';
const send = (h: SimulatorHarness, channel: 'zalo' | 'messenger', userId: string, action: Record<string, unknown>) =>
  h.post('/simulator/api/send', { channel, userId, displayName: 'Nguyễn Minh Anh', action });
const messagingOf = (w: ReceivedWebhook) => ((w.body.entry as { messaging: Record<string, unknown>[] }[])[0]!.messaging[0]!);

describe('simulator: user actions become signed platform webhooks', () => {
  let h: SimulatorHarness;
  beforeAll(async () => {
    h = await startSimulatorHarness({ webhookTimeoutMs: 2_000 });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.receiver.clear();
    h.receiver.status.zalo = 200;
    h.receiver.status.messenger = 200;
  });

  it('When a Zalo user types Vietnamese text, then user_send_text arrives with X-ZEvent-Signature = sha256(appId + exact bytes + timestamp + OA secret key)', async () => {
    const res = await send(h, 'zalo', ZALO_USER, { type: 'text', text: 'Đăng ký tham gia đợt Tháng Thanh niên' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ delivered: true, webhook: { status: 200 } });
    const w = await h.receiver.waitFor((x) => x.channel === 'zalo');
    const body = w.body as { timestamp: string; message: { msg_id: string; text: string } };
    expect(w.headers['x-zevent-signature']).toBe(zaloMac(w.raw, body.timestamp));
    expect(w.raw.toString('utf8')).toContain('Đăng ký'); // raw UTF-8, not escaped
    expect(checkZaloSignature(w.raw, w.headers['x-zevent-signature'], { appId: SIMULATED_ZALO.appId, oaSecretKey: SIMULATED_ZALO.oaSecretKey })).toEqual({ ok: true, matched: 'oaSecretKey+appId' });
    expect(body).toMatchObject({ app_id: SIMULATED_ZALO.appId, event_name: 'user_send_text', sender: { id: ZALO_USER }, recipient: { id: SIMULATED_ZALO.oaId } });
    expect(body.timestamp).toMatch(/^\d{13}$/);
    expect(body.message.msg_id).toMatch(/^[0-9a-f]{20}$/);
    expect((res.body.message as { id: string }).id).toBe(body.message.msg_id);
  });

  it('When a Messenger user types Vietnamese text, then the body escapes non-ASCII as lowercase \\u and / as \\/, and X-Hub-Signature-256 is the HMAC of those bytes', async () => {
    const res = await send(h, 'messenger', PSID, { type: 'text', text: 'Chào Đoàn https://fb.com/x' });
    expect(res.status).toBe(200);
    const w = await h.receiver.waitFor((x) => x.channel === 'messenger');
    const raw = w.raw.toString('utf8');
    expect(w.headers['x-hub-signature-256']).toBe(messengerHmac(w.raw));
    expect(checkMessengerSignature(w.raw, w.headers['x-hub-signature-256'] as string, SIMULATED_MESSENGER.appSecret)).toEqual({ ok: true });
    expect(/^[\x20-\x7e]*$/.test(raw)).toBe(true);
    expect(raw).toContain('Ch\\u00e0o \\u0110o\\u00e0n https:\\/\\/fb.com\\/x');
    expect(w.body).toMatchObject({ object: 'page', entry: [{ id: SIMULATED_MESSENGER.pageId, messaging: [{ sender: { id: PSID }, recipient: { id: SIMULATED_MESSENGER.pageId }, message: { text: 'Chào Đoàn https://fb.com/x' } }] }] });
    expect(messagingOf(w).timestamp).toEqual(expect.any(Number));
    expect((messagingOf(w).message as { mid: string }).mid).toMatch(/^m_/);
  });

  it('When a quick reply, a postback, an image or a link is sent on Messenger, then each has the documented shape', async () => {
    await send(h, 'messenger', PSID, { type: 'quickReply', title: 'Tham gia', payload: 'WAVE_JOIN' });
    await send(h, 'messenger', PSID, { type: 'postback', title: 'Menu', payload: 'MENU' });
    await send(h, 'messenger', PSID, { type: 'image', url: 'https://example.org/a.png' });
    await send(h, 'messenger', PSID, { type: 'link', url: 'https://example.org/post' });
    const items = h.receiver.received.map(messagingOf);
    expect(items[0]!.message).toMatchObject({ text: 'Tham gia', quick_reply: { payload: 'WAVE_JOIN' } });
    expect(items[1]!.postback).toMatchObject({ mid: expect.stringMatching(/^m_/), title: 'Menu', payload: 'MENU' });
    expect(items[2]!.message).toMatchObject({ attachments: [{ type: 'image', payload: { url: 'https://example.org/a.png' } }] });
    expect(items[3]!.message).toMatchObject({ text: 'https://example.org/post', attachments: [{ type: 'fallback' }] });
  });

  it('When Get Started is tapped, then the postback carries the payload the bot set in messenger_profile', async () => {
    const set = await h.post(`/simulator/graph/v25.0/me/messenger_profile`, { get_started: { payload: 'GET_STARTED_VX' } }, { authorization: `Bearer ${SIMULATED_MESSENGER.pageAccessToken}` });
    expect(set.body).toEqual({ result: 'success' });
    await send(h, 'messenger', PSID, { type: 'getStarted' });
    expect(messagingOf(h.receiver.received[0]!).postback).toMatchObject({ title: 'Get Started', payload: 'GET_STARTED_VX' });
  });

  it('When a Zalo user follows, sends an image, a link, unfollows and shares info, then each event has Zalo\'s shape and a valid signature', async () => {
    for (const action of [{ type: 'follow' }, { type: 'image', url: 'https://example.org/p.jpg' }, { type: 'link', url: 'https://example.org/bai' }, { type: 'unfollow' }, { type: 'shareInfo', name: 'Trần Thu Hà', phone: '0912 345 678' }]) {
      expect((await send(h, 'zalo', ZALO_USER, action)).status).toBe(200);
    }
    const bodies = h.receiver.received.map((w) => {
      expect(w.headers['x-zevent-signature']).toBe(zaloMac(w.raw, (w.body as { timestamp: string }).timestamp));
      return w.body;
    });
    expect(bodies[0]).toEqual({ oa_id: SIMULATED_ZALO.oaId, follower: { id: ZALO_USER }, user_id_by_app: expect.stringMatching(/^\d{18}$/), event_name: 'follow', source: 'oa_profile', app_id: SIMULATED_ZALO.appId, timestamp: expect.any(String) });
    expect(bodies[1]).toMatchObject({ event_name: 'user_send_image', message: { attachments: [{ type: 'image', payload: { url: 'https://example.org/p.jpg' } }] } });
    expect(bodies[2]).toMatchObject({ event_name: 'user_send_link', message: { attachments: [{ type: 'link', payload: { url: 'https://example.org/bai' } }] } });
    expect(bodies[3]).toMatchObject({ event_name: 'unfollow', follower: { id: ZALO_USER } });
    expect(bodies[4]).toMatchObject({ event_name: 'user_submit_info', sender: { id: ZALO_USER }, recipient: { id: SIMULATED_ZALO.oaId }, info: { name: 'Trần Thu Hà', phone: '84912345678' } });
  });

  it('When the app answers 503, then the page gets 502 with the webhook status, and the stored message shows it', async () => {
    h.receiver.status.messenger = 503;
    const res = await send(h, 'messenger', PSID, { type: 'text', text: 'alo' });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ delivered: false, webhook: { status: 503, body: 'Service Unavailable' }, message: { direction: 'user', webhook: { status: 503 } } });
  });

  it('When the app cannot be reached, then the page is told so (no status)', async () => {
    const saved = h.selfBaseUrl;
    h.selfBaseUrl = 'http://127.0.0.1:9';
    try {
      const res = await send(h, 'zalo', ZALO_USER, { type: 'text', text: 'alo' });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ delivered: false, webhook: { status: null, error: expect.any(String) } });
    } finally {
      h.selfBaseUrl = saved;
    }
  });

  it('When the request is malformed or the action does not exist on the platform, then 400 and no webhook', async () => {
    expect((await send(h, 'messenger', PSID, { type: 'shareInfo', name: 'A', phone: '0912345678' })).status).toBe(400);
    expect((await send(h, 'messenger', PSID, { type: 'text', text: '' })).status).toBe(400);
    expect((await send(h, 'zalo', 'abc', { type: 'text', text: 'x' })).status).toBe(400);
    expect((await send(h, 'zalo', ZALO_USER, { type: 'image', url: 'javascript:alert(1)' })).status).toBe(400);
    const bad = await h.post('/simulator/api/send', { channel: 'viber', userId: ZALO_USER, displayName: 'A', action: { type: 'text', text: 'x' } });
    expect(bad.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(h.receiver.received).toHaveLength(0);
  });
});
