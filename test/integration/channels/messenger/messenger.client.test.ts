import { MessengerClient } from '../../../../src/channels/messenger/messenger.client';
import type { SendApiRequest } from '../../../../src/channels/messenger/messenger.types';
import { captureLogs } from '../../../helpers/logs';
import { graphError, GraphStandIn, refusedBaseUrl } from './graph-stand-in';

const TOKEN = 'EAAGm0PX4ZCpsBAPageTokenForTests';
const PSID = '7512345678901234';
const TEXT = 'Cảm ơn bạn đã tham gia đợt Tháng Thanh niên!';
const body: SendApiRequest = { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: TEXT, metadata: 'vx:1/1' } };

describe('MessengerClient against a local Graph stand-in', () => {
  let graph: GraphStandIn;
  let client: MessengerClient;
  const clients: MessengerClient[] = [];
  const clientFor = (baseUrl: string, extra: { timeoutMs?: number; token?: string | undefined } = {}) => {
    const created = new MessengerClient({
      graphApiBase: baseUrl,
      graphApiVersion: 'v25.0',
      pageAccessToken: 'token' in extra ? extra.token : TOKEN,
      timeoutMs: extra.timeoutMs ?? 2_000,
    });
    clients.push(created);
    return created;
  };

  beforeEach(async () => {
    graph = await GraphStandIn.start();
    client = clientFor(graph.baseUrl);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await graph.close();
  });

  it('When Graph accepts the message, then its message_id comes back; the token travels as a Bearer header, never in the URL', async () => {
    await expect(client.sendMessage(body)).resolves.toEqual({ ok: true, messageId: 'm_out_1', recipientId: PSID });
    const [request] = graph.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v25.0/me/messages' });
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.url).not.toContain(TOKEN);
    expect(request!.url).not.toContain('access_token');
    expect(JSON.parse(request!.body)).toEqual(body);
  });

  it.each([
    ['400 code 100', 'badRequest', '100', graphError(400, 100, '(#100) Param message[text] must be non-empty.')],
    ['100/2018001', 'unreachable', '100/2018001', graphError(400, 100, '(#100) No matching user found', 2018001)],
    ['10/2018278', 'windowClosed', '10/2018278', graphError(400, 10, '(#10) This message is sent outside of allowed window.', 2018278)],
    ['190', 'badToken', '190/460', graphError(400, 190, 'Error validating access token: The session has been invalidated', 460)],
    ['4', 'retryable', '4', graphError(400, 4, '(#4) Application request limit reached')],
    ['613', 'retryable', '613', graphError(400, 613, '(#613) Calls to this API have exceeded the rate limit.')],
    ['1200', 'retryable', '1200', graphError(500, 1200, 'Temporary send message failure. Please try again later')],
    ['a bare 500', 'retryable', 'http 500', { status: 500, body: 'Internal Server Error' }],
  ] as const)('When Graph answers %s, then the failure is %s (%s)', async (_what, kind, code, reply) => {
    graph.reply(reply);
    const outcome = await client.sendMessage(body);
    expect(outcome).toMatchObject({ ok: false, failure: { kind, code } });
  });

  it('When Graph rate-limits with a usage header, then the failure says how long to wait', async () => {
    const usage = JSON.stringify({ '104857600123456': [{ type: 'messenger', call_count: 100, estimated_time_to_regain_access: 2 }] });
    graph.reply({ ...graphError(400, 613, '(#613) Calls to this API have exceeded the rate limit.'), headers: { 'x-business-use-case-usage': usage } });
    await expect(client.sendMessage(body)).resolves.toMatchObject({ ok: false, failure: { kind: 'retryable', code: '613', retryAfterMs: 120_000 } });
  });

  it('When Graph never answers, then the send fails as a retryable timeout', async () => {
    const impatient = clientFor(graph.baseUrl, { timeoutMs: 200 });
    graph.reply('hang');
    await expect(impatient.sendMessage(body)).resolves.toMatchObject({ ok: false, failure: { kind: 'retryable', code: 'timeout' } });
  });

  it('When nothing listens, then the send fails as a retryable network error', async () => {
    const nowhere = clientFor(await refusedBaseUrl());
    await expect(nowhere.sendMessage(body)).resolves.toMatchObject({ ok: false, failure: { kind: 'retryable', code: 'network ECONNREFUSED' } });
  });

  it('When Graph answers 200 without a message_id, then it is not taken as sent', async () => {
    graph.reply({ status: 200, body: { recipient_id: PSID } });
    await expect(client.sendMessage(body)).resolves.toMatchObject({ ok: false, failure: { kind: 'badRequest', code: 'noMessageId' } });
  });

  it('When no Page token is configured, then nothing is sent and the failure is badToken', async () => {
    const tokenless = clientFor(graph.baseUrl, { token: undefined });
    await expect(tokenless.sendMessage(body)).resolves.toEqual({ ok: false, failure: { kind: 'badToken', code: 'notConfigured', message: expect.any(String) } });
    expect(graph.requests).toEqual([]);
  });

  it('When the base URL carries a path (the simulator), then calls go under it', async () => {
    const prefixed = clientFor(`${graph.baseUrl}/simulator/graph/`);
    await prefixed.sendMessage(body);
    expect(graph.requests[0]!.url).toBe('/simulator/graph/v25.0/me/messages');
  });

  it('When a profile is asked for, then names come back; on any failure, null', async () => {
    graph.reply({ status: 200, body: { first_name: 'An', last_name: 'Nguyễn', name: 'Nguyễn Văn An', id: PSID } });
    await expect(client.getProfile(PSID)).resolves.toEqual({ first_name: 'An', last_name: 'Nguyễn', name: 'Nguyễn Văn An' });
    expect(graph.requests[0]).toMatchObject({ method: 'GET', url: `/v25.0/${PSID}?fields=first_name,last_name,name` });
    expect(graph.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    graph.reply(graphError(400, 100, 'Unsupported get request.', 33));
    await expect(client.getProfile(PSID)).resolves.toBeNull();
  });

  it('When the Messenger profile is set, then it is POSTed to me/messenger_profile and failures are classified', async () => {
    graph.reply({ status: 200, body: { result: 'success' } }, graphError(400, 190, 'Invalid OAuth access token.'));
    const profile = { get_started: { payload: 'GET_STARTED' }, greeting: [{ locale: 'default', text: 'Chào {{user_first_name}}! Vùng Xanh đây.' }] };
    await expect(client.setMessengerProfile(profile)).resolves.toEqual({ ok: true });
    expect(graph.requests[0]).toMatchObject({ method: 'POST', url: '/v25.0/me/messenger_profile' });
    expect(JSON.parse(graph.requests[0]!.body)).toEqual(profile);
    await expect(client.setMessengerProfile(profile)).resolves.toMatchObject({ ok: false, failure: { kind: 'badToken', code: '190' } });
  });

  it('When calls succeed and fail, then the logs carry neither the token nor the message text', async () => {
    const logs = captureLogs('debug');
    const logged = new MessengerClient({ graphApiBase: graph.baseUrl, graphApiVersion: 'v25.0', pageAccessToken: TOKEN, logger: logs.logger });
    clients.push(logged);
    graph.reply(graphError(400, 100, '(#100) No matching user found', 2018001));
    await logged.sendMessage(body);
    await logged.sendMessage(body);
    expect(logs.lines().map((l) => [l.level, l.operation, l.code])).toEqual([
      ['warn', 'sendMessage', '100/2018001'],
      ['debug', 'sendMessage', undefined],
    ]);
    expect(logs.text()).not.toContain(TOKEN);
    expect(logs.text()).not.toContain(TEXT);
  });

  it('When several sends run at once, then they share the keep-alive pool and all succeed', async () => {
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => client.sendMessage(body)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(new Set(outcomes.map((o) => (o.ok ? o.messageId : ''))).size).toBe(20);
  });
});
