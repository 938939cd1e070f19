import { createHash } from 'node:crypto';
import { SIMULATED_ZALO } from '../../../../src/channels/simulator';
import { startSimulatorHarness, type SimulatorHarness } from './simulator-harness';

const USER = '246845883529197922';
const TOKEN = { access_token: SIMULATED_ZALO.accessToken };
const cs = (h: SimulatorHarness, body: unknown, headers: Record<string, string> = TOKEN) => h.post('/simulator/zalo/v3.0/oa/message/cs', body, headers);

async function refresh(h: SimulatorHarness, refreshToken: string, secret: string = SIMULATED_ZALO.appSecret) {
  const res = await fetch(`${h.url}/simulator/zalo-oauth/v4/oa/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: secret },
    body: new URLSearchParams({ refresh_token: refreshToken, app_id: SIMULATED_ZALO.appId, grant_type: 'refresh_token' }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('simulator: the Zalo OA API stand-in', () => {
  let h: SimulatorHarness;
  beforeAll(async () => {
    h = await startSimulatorHarness();
    await h.post('/simulator/api/send', { channel: 'zalo', userId: USER, displayName: 'Lê Quốc Bảo', action: { type: 'text', text: 'xin chào' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.receiver.clear());

  it('When the bot sends a text with the right token, then Zalo\'s success envelope comes back and an oa_send_text echo is posted, signed', async () => {
    const res = await cs(h, { recipient: { user_id: USER }, message: { text: 'Chọn một mục:\n1. Tham gia đợt\n2. Gửi minh chứng' } });
    expect(res).toEqual({
      status: 200,
      body: {
        error: 0,
        message: 'Success',
        data: { message_id: expect.stringMatching(/^[0-9a-f]{20}$/), user_id: USER, sent_time: expect.stringMatching(/^\d{13}$/), quota: { quota_type: 'reply', remain: expect.any(String), total: expect.any(String) } },
      },
    });
    const messageId = (res.body.data as { message_id: string }).message_id;
    const echo = await h.receiver.waitFor((w) => w.body.event_name === 'oa_send_text');
    const body = echo.body as { timestamp: string };
    const expected = createHash('sha256').update(Buffer.concat([Buffer.from(SIMULATED_ZALO.appId), echo.raw, Buffer.from(body.timestamp), Buffer.from(SIMULATED_ZALO.oaSecretKey)])).digest('hex');
    expect(echo.headers['x-zevent-signature']).toBe(`mac=${expected}`);
    expect(echo.body).toMatchObject({ app_id: SIMULATED_ZALO.appId, sender: { id: SIMULATED_ZALO.oaId }, recipient: { id: USER }, message: { msg_id: messageId, text: expect.stringContaining('1. Tham gia') } });
    const stored = h.simulator.store.messages('zalo', USER).at(-1);
    expect(stored).toMatchObject({ id: messageId, direction: 'bot', kind: 'cs', content: { text: expect.any(String) } });
  });

  it('When the token is wrong or missing, then -216 with HTTP 200, as Zalo answers', async () => {
    for (const headers of [{ access_token: 'nope' }, {} as Record<string, string>]) {
      expect(await cs(h, { recipient: { user_id: USER }, message: { text: 'x' } }, headers)).toEqual({ status: 200, body: { error: -216, message: 'Access token is invalid' } });
    }
    expect((await h.get(`/simulator/zalo/v3.0/oa/user/detail?data=${encodeURIComponent(JSON.stringify({ user_id: USER }))}`)).body.error).toBe(-216);
  });

  it('When the body is wrong, the user unknown or unfollowed, then the matching Zalo error', async () => {
    expect((await cs(h, { message: { text: 'x' } })).body).toMatchObject({ error: -201 });
    expect((await cs(h, { recipient: { user_id: USER }, message: {} })).body).toMatchObject({ error: -201 });
    expect((await cs(h, { recipient: { user_id: USER }, message: { text: 'x'.repeat(2001) } })).body).toMatchObject({ error: -210 });
    expect((await cs(h, { recipient: { user_id: '111111111111111111' }, message: { text: 'x' } })).body).toMatchObject({ error: -230 });
    const other = '322222222222222222';
    await h.post('/simulator/api/send', { channel: 'zalo', userId: other, displayName: 'Võ Ngọc Trâm', action: { type: 'unfollow' } });
    expect((await cs(h, { recipient: { user_id: other }, message: { text: 'x' } })).body).toEqual({ error: -213, message: 'User has not followed OA' });
    expect(h.receiver.received.filter((w) => String(w.body.event_name).startsWith('oa_send_'))).toHaveLength(0);
  });

  it('When the bot sends a request_user_info card, a media image or a template message, then each is accepted, stored and echoed', async () => {
    const card = { recipient: { user_id: USER }, message: { attachment: { type: 'template', payload: { template_type: 'request_user_info', elements: [{ title: 'Chia sẻ số điện thoại', subtitle: 'Để Đoàn xác nhận', image_url: 'https://example.org/c.png' }] } } } };
    expect((await cs(h, card)).body).toMatchObject({ error: 0 });
    const media = { recipient: { user_id: USER }, message: { attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://example.org/nen.png' }] } } } };
    expect((await cs(h, media)).body).toMatchObject({ error: 0 });
    await h.receiver.waitFor((w) => w.body.event_name === 'oa_send_image');
    await h.receiver.waitFor((w) => w.body.event_name === 'oa_send_list');
    const template = await h.post('/simulator/zalo/v3.0/oa/message/template', { user_id: USER, template_id: '301234', template_data: { wave: 'Tháng Thanh niên' } }, TOKEN);
    expect(template.body).toMatchObject({ error: 0, message: 'Success', data: { message_id: expect.any(String), user_id: USER } });
    expect(h.simulator.store.messages('zalo', USER).slice(-3).map((m) => m.kind)).toEqual(['cs', 'cs', 'template']);
    const twoElements = { recipient: { user_id: USER }, message: { attachment: { type: 'template', payload: { template_type: 'request_user_info', elements: [{ title: 'a' }, { title: 'b' }] } } } };
    expect((await cs(h, twoElements)).body).toMatchObject({ error: -201 });
  });

  it('When the profile is asked for, then display_name is the name typed in the page and shared_info appears once shared', async () => {
    const path = `/simulator/zalo/v3.0/oa/user/detail?data=${encodeURIComponent(JSON.stringify({ user_id: USER }))}`;
    const before = await h.get(path, TOKEN);
    expect(before.body).toMatchObject({ error: 0, message: 'Success', data: { user_id: USER, display_name: 'Lê Quốc Bảo', user_last_interaction_date: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/) } });
    expect((before.body.data as Record<string, unknown>).shared_info).toBeUndefined();
    await h.post('/simulator/api/send', { channel: 'zalo', userId: USER, displayName: 'Lê Quốc Bảo', action: { type: 'shareInfo', name: 'Lê Quốc Bảo', phone: '0987654321' } });
    expect((await h.get(path, TOKEN)).body).toMatchObject({ data: { shared_info: { name: 'Lê Quốc Bảo', phone: '84987654321' } } });
    expect((await h.get(`/simulator/zalo/v3.0/oa/user/detail?data=${encodeURIComponent('{"user_id":"999"}')}`, TOKEN)).body).toMatchObject({ error: -201 });
  });

  it('When the refresh token is used, then a new pair (expires_in "90000") replaces the old one, which cannot be used again', async () => {
    expect((await refresh(h, SIMULATED_ZALO.refreshToken, 'wrong-secret')).body.access_token).toBeUndefined();
    const first = await refresh(h, SIMULATED_ZALO.refreshToken);
    expect(first).toEqual({ status: 200, body: { access_token: expect.any(String), refresh_token: expect.any(String), expires_in: '90000' } });
    expect((await refresh(h, SIMULATED_ZALO.refreshToken)).body).toMatchObject({ error: expect.any(Number), error_description: expect.any(String) });
    expect((await cs(h, { recipient: { user_id: USER }, message: { text: 'cũ' } })).body).toMatchObject({ error: -216 });
    expect((await cs(h, { recipient: { user_id: USER }, message: { text: 'mới' } }, { access_token: first.body.access_token! })).body).toMatchObject({ error: 0 });
    const second = await refresh(h, first.body.refresh_token!);
    expect(second.body.access_token).toBeDefined();
    expect((await cs(h, { recipient: { user_id: USER }, message: { text: 'x' } }, { access_token: first.body.access_token! })).body).toMatchObject({ error: -216 });
    const asJson = await h.post('/simulator/zalo-oauth/v4/oa/access_token', { refresh_token: second.body.refresh_token, app_id: SIMULATED_ZALO.appId, grant_type: 'refresh_token' }, { secret_key: SIMULATED_ZALO.appSecret });
    expect(asJson.body.access_token).toBeUndefined();
  });

  it('When an issued access token is older than 25 hours, then -220 (expired), and a refresh brings a working one', async () => {
    let clock = Date.now();
    const timed = await startSimulatorHarness({ now: () => clock });
    try {
      await timed.post('/simulator/api/send', { channel: 'zalo', userId: USER, displayName: 'A B', action: { type: 'text', text: 'x' } });
      const pair = (await refresh(timed, SIMULATED_ZALO.refreshToken)).body;
      clock += 90_001_000;
      expect((await cs(timed, { recipient: { user_id: USER }, message: { text: 'x' } }, { access_token: pair.access_token! })).body).toEqual({ error: -220, message: 'access_token is expired or removed' });
      const next = (await refresh(timed, pair.refresh_token!)).body;
      expect((await cs(timed, { recipient: { user_id: USER }, message: { text: 'x' } }, { access_token: next.access_token! })).body).toMatchObject({ error: 0 });
    } finally {
      await timed.close();
    }
  });
});
