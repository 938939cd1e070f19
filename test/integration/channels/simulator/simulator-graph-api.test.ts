import { createHmac } from 'node:crypto';
import { SIMULATED_MESSENGER } from '../../../../src/channels/simulator';
import { startSimulatorHarness, type ReceivedWebhook, type SimulatorHarness } from './simulator-harness';

const PSID = '6543210987654321';
const AUTH = { authorization: `Bearer ${SIMULATED_MESSENGER.pageAccessToken}` };
const sendApi = (h: SimulatorHarness, body: unknown, headers: Record<string, string> = AUTH) => h.post('/simulator/graph/v25.0/me/messages', body, headers);
const itemOf = (w: ReceivedWebhook) => (w.body.entry as { messaging: Record<string, unknown>[] }[])[0]!.messaging[0]!;
const GRAPH_ERROR = (code: number) => ({ error: { message: expect.any(String), type: 'OAuthException', code, fbtrace_id: expect.any(String) } });

describe('simulator: the Graph API stand-in', () => {
  let h: SimulatorHarness;
  beforeAll(async () => {
    h = await startSimulatorHarness();
    await h.post('/simulator/api/send', { channel: 'messenger', userId: PSID, displayName: 'Phạm Gia Huy', action: { type: 'text', text: 'chào' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.receiver.clear());

  it('When the bot sends text with quick replies, then {recipient_id, message_id} comes back, then a signed echo (is_echo, app_id, metadata) and a delivery (mids, watermark)', async () => {
    const message = { text: 'Bạn muốn làm gì?', quick_replies: [{ content_type: 'text', title: 'Tham gia', payload: 'JOIN' }, { content_type: 'user_phone_number' }], metadata: 'vx:turn-1' };
    const res = await sendApi(h, { recipient: { id: PSID }, messaging_type: 'RESPONSE', message });
    expect(res).toEqual({ status: 200, body: { recipient_id: PSID, message_id: expect.stringMatching(/^m_[A-Za-z0-9_-]+$/) } });
    const mid = res.body.message_id as string;
    const echo = await h.receiver.waitFor((w) => (itemOf(w).message as { is_echo?: boolean } | undefined)?.is_echo === true);
    const delivery = await h.receiver.waitFor((w) => 'delivery' in itemOf(w));
    for (const w of [echo, delivery]) expect(w.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', SIMULATED_MESSENGER.appSecret).update(w.raw).digest('hex')}`);
    expect(echo.raw.toString()).toContain('B\\u1ea1n mu\\u1ed1n');
    expect(itemOf(echo)).toMatchObject({
      sender: { id: SIMULATED_MESSENGER.pageId },
      recipient: { id: PSID },
      message: { is_echo: true, app_id: Number(SIMULATED_MESSENGER.appId), metadata: 'vx:turn-1', mid, text: 'Bạn muốn làm gì?' },
    });
    expect(itemOf(delivery)).toEqual({ sender: { id: PSID }, recipient: { id: SIMULATED_MESSENGER.pageId }, delivery: { mids: [mid], watermark: expect.any(Number) } });
    expect(h.receiver.received.indexOf(echo)).toBeLessThan(h.receiver.received.indexOf(delivery));
    expect(h.simulator.store.messages('messenger', PSID).at(-1)).toMatchObject({ id: mid, direction: 'bot', content: message });
  });

  it('When the token is wrong or missing, then Graph\'s OAuthException code 190 with HTTP 400', async () => {
    const body = { recipient: { id: PSID }, message: { text: 'x' } };
    expect(await sendApi(h, body, { authorization: 'Bearer wrong' })).toEqual({ status: 400, body: GRAPH_ERROR(190) });
    expect(await sendApi(h, body, {})).toEqual({ status: 400, body: GRAPH_ERROR(190) });
    const viaQuery = await h.post(`/simulator/graph/v25.0/me/messages?access_token=${SIMULATED_MESSENGER.pageAccessToken}`, body);
    expect(viaQuery.status).toBe(200);
  });

  it('When the body is wrong or the PSID unknown, then code 100 (with subcode 2018001 for the user)', async () => {
    const bad = [
      { message: { text: 'x' } },
      { recipient: { id: PSID }, message: { text: 'x' }, sender_action: 'typing_on' },
      { recipient: { id: PSID }, message: { text: 'x'.repeat(2001) } },
      { recipient: { id: PSID }, message: { text: 'x', quick_replies: Array.from({ length: 14 }, (_, i) => ({ content_type: 'text', title: `${i}`, payload: `${i}` })) } },
      { recipient: { id: PSID }, message: { attachment: { type: 'template', payload: { template_type: 'button', text: 'x', buttons: [] } } } },
      { recipient: { id: PSID }, messaging_type: 'MESSAGE_TAG', message: { text: 'x' } },
    ];
    for (const body of bad) expect(await sendApi(h, body)).toEqual({ status: 400, body: GRAPH_ERROR(100) });
    const unknown = await sendApi(h, { recipient: { id: '1111111111111111' }, message: { text: 'x' } });
    expect(unknown.body).toMatchObject({ error: { code: 100, error_subcode: 2018001, type: 'OAuthException' } });
  });

  it('When the bot sends an image and a button template, or a typing indicator, then they are accepted', async () => {
    const image = await sendApi(h, { recipient: { id: PSID }, message: { attachment: { type: 'image', payload: { url: 'https://example.org/a.png', is_reusable: true } } } });
    expect(image.status).toBe(200);
    const buttons = { type: 'template', payload: { template_type: 'button', text: 'Xem kế hoạch', buttons: [{ type: 'web_url', url: 'https://example.org/kh', title: 'Mở' }] } };
    expect((await sendApi(h, { recipient: { id: PSID }, message: { attachment: buttons } })).status).toBe(200);
    expect(await sendApi(h, { recipient: { id: PSID }, sender_action: 'typing_on' })).toEqual({ status: 200, body: { recipient_id: PSID } });
    const echo = await h.receiver.waitFor((w) => JSON.stringify(itemOf(w)).includes('template'));
    expect(itemOf(echo).message).toMatchObject({ is_echo: true, attachments: [buttons] });
  });

  it('When the profile is asked for, then first_name, last_name and name come from the name typed in the page', async () => {
    const res = await h.get(`/simulator/graph/v25.0/${PSID}?fields=first_name,last_name,name`, AUTH);
    expect(res).toEqual({ status: 200, body: { first_name: 'Huy', last_name: 'Phạm Gia', name: 'Phạm Gia Huy', id: PSID } });
    expect((await h.get(`/simulator/graph/v25.0/1111111111111111?fields=name`, AUTH)).body).toMatchObject({ error: { code: 100, error_subcode: 33 } });
    expect((await h.get(`/simulator/graph/v25.0/${PSID}`, { authorization: 'Bearer x' })).status).toBe(400);
  });

  it('When the messenger_profile is set, read and deleted, then it answers like Graph', async () => {
    const menu = [{ locale: 'default', composer_input_disabled: false, call_to_actions: [{ type: 'postback', title: 'Đợt đang mở', payload: 'WAVES' }] }];
    expect((await h.post('/simulator/graph/v25.0/me/messenger_profile', { get_started: { payload: 'START' }, persistent_menu: menu }, AUTH)).body).toEqual({ result: 'success' });
    expect((await h.get('/simulator/graph/v25.0/me/messenger_profile?fields=get_started', AUTH)).body).toEqual({ data: [{ get_started: { payload: 'START' } }] });
    expect((await h.post('/simulator/graph/v25.0/me/messenger_profile', { nonsense: 1 }, AUTH)).body).toEqual(GRAPH_ERROR(100));
    const thread = await h.get(`/simulator/api/thread?channel=messenger&userId=${PSID}`);
    expect(thread.body).toMatchObject({ messenger: { getStarted: { payload: 'START' }, persistentMenu: menu } });
    const res = await fetch(`${h.url}/simulator/graph/v25.0/me/messenger_profile`, { method: 'DELETE', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ fields: ['persistent_menu'] }) });
    expect(await res.json()).toEqual({ result: 'success' });
    expect((await h.get('/simulator/graph/v25.0/me/messenger_profile', AUTH)).body).toEqual({ data: [{ get_started: { payload: 'START' } }] });
  });

  it.each([
    ['more than 20 buttons', Array.from({ length: 21 }, (_, i) => ({ type: 'postback', title: `Mục ${i + 1}`, payload: `P${i}` }))],
    ['a title over 30 characters', [{ type: 'postback', title: 'Một tiêu đề dài hơn ba mươi ký tự', payload: 'P' }]],
    ['a nested menu', [{ type: 'nested', title: 'Thêm', call_to_actions: [] }]],
    ['a postback without payload', [{ type: 'postback', title: 'Trợ giúp' }]],
  ])('When a persistent menu has %s, then Graph refuses it with (#100) and keeps the menu it had', async (_, items) => {
    const before = (await h.get('/simulator/graph/v25.0/me/messenger_profile', AUTH)).body;
    const menu = [{ locale: 'default', composer_input_disabled: false, call_to_actions: items }];
    expect((await h.post('/simulator/graph/v25.0/me/messenger_profile', { persistent_menu: menu }, AUTH)).body).toEqual(GRAPH_ERROR(100));
    expect((await h.get('/simulator/graph/v25.0/me/messenger_profile', AUTH)).body).toEqual(before);
  });
});
