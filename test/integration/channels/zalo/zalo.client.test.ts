import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ZaloClient } from '../../../../src/channels/zalo/zalo.client';
import { renderZaloMessages } from '../../../../src/channels/zalo/zalo.render';
import { ZaloSender } from '../../../../src/channels/zalo/zalo.sender';
import { ZaloTokenManager } from '../../../../src/channels/zalo/zalo.token';
import { captureLogs, type CapturedLogs } from '../../../helpers/logs';
import { closedPort, deleteQueuePrefix, TEST_REDIS_URL, uniqueQueuePrefix } from '../../../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../../../helpers/test-database';
import { ZaloStandIn, type ScriptedAnswer } from './zalo-standin';

const APP = { appId: '360846524940903967', appSecret: 'app-secret-thu-nghiem' };
const TOKENS = { accessToken: 'access-seed-0-cccccccccccccccccccccccccccccccccccc', refreshToken: 'refresh-seed-0-dddddddddddddddddddddddddddddddddd' };
const USER = '246845883529197922';
const text = (t: string) => renderZaloMessages(USER, { text: t })[0]!;

describe('Zalo OA client against a stand-in Zalo', () => {
  let t: TestDatabase;
  let redis: Redis;
  let standIn: ZaloStandIn;
  let prefix: string;
  let logs: CapturedLogs;
  let tokens: ZaloTokenManager;
  let client: ZaloClient;

  beforeAll(async () => {
    t = await createTestDatabase();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    redis.disconnect();
    await t.drop();
  });

  async function start(options: { apiBase?: string; timeoutMs?: number; accessTokens?: string[] } = {}) {
    await t.db.deleteFrom('channel_tokens').execute();
    prefix = uniqueQueuePrefix();
    logs = captureLogs();
    standIn = await new ZaloStandIn({ ...APP, refreshTokens: [TOKENS.refreshToken], accessTokens: options.accessTokens ?? [TOKENS.accessToken] }).start();
    tokens = new ZaloTokenManager({ db: t.db, redis, config: { ...APP, ...TOKENS, oauthBase: standIn.url }, secretsKey: randomBytes(32), logger: logs.logger, keyPrefix: prefix });
    client = new ZaloClient({ apiBase: options.apiBase ?? standIn.url, tokens, logger: logs.logger, timeoutMs: options.timeoutMs ?? 2_000, classify: { random: () => 0 } });
  }
  afterEach(async () => {
    await client.close();
    await tokens.close();
    await standIn.stop();
    await deleteQueuePrefix(prefix);
  });

  it('When Zalo accepts, then the message id comes back and the token travels only in the access_token header', async () => {
    await start();
    expect(await client.sendCs(text('Chào bạn, chúc mừng bạn đã tham gia!'))).toEqual({ ok: true, messageId: 'mid0001' });
    const [request] = standIn.apiRequests();
    expect(request).toMatchObject({ method: 'POST', url: '/v3.0/oa/message/cs' });
    expect(request!.headers.access_token).toBe(TOKENS.accessToken);
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toEqual({ recipient: { user_id: USER }, message: { text: 'Chào bạn, chúc mừng bạn đã tham gia!' } });
    expect(request!.url).not.toContain(TOKENS.accessToken);
    expect(logs.text()).not.toContain(TOKENS.accessToken);
  });

  it.each<[string, string, string, ScriptedAnswer]>([
    ['-32 (rate limit)', 'retryable', '-32', { error: -32 }],
    ['-201 (bad parameter)', 'badRequest', '-201', { error: -201 }],
    ['-213 (not a follower)', 'unreachable', '-213', { error: -213 }],
    ['-230 (no interaction in 7 days)', 'windowClosed', '-230', { error: -230 }],
    ['-232 (interaction expired)', 'windowClosed', '-232', { error: -232 }],
    ['-234 (night)', 'windowClosed', '-234', { error: -234 }],
    ['HTTP 500', 'retryable', 'http 500', { status: 500 }],
  ])('When Zalo answers %s, then the failure is %s', async (_label, kind, code, answer) => {
    await start();
    standIn.answerNext(answer);
    const outcome = await client.sendCs(text('Nhắc lịch'));
    expect(outcome).toMatchObject({ ok: false, failure: { kind, code } });
    expect(standIn.apiRequests()).toHaveLength(1);
    expect(standIn.oauthCalls).toBe(0);
    if (code === '-32') expect(!outcome.ok && outcome.failure.retryAfterMs).toBe(60_000);
    if (code !== 'http 500') expect(!outcome.ok && outcome.failure.message).toBe(`lỗi ${code}`);
  });

  it('When the token is rejected (-216), then it refreshes once and the retry succeeds with the new token', async () => {
    await start({ accessTokens: [] });
    expect(await client.sendCs(text('Xin chào'))).toEqual({ ok: true, messageId: 'mid0001' });
    expect(standIn.oauthCalls).toBe(1);
    const [first, second] = standIn.apiRequests();
    expect(first!.headers.access_token).toBe(TOKENS.accessToken);
    expect(second!.headers.access_token).toMatch(/^access-new-1-/);
    expect(logs.text()).not.toContain(second!.headers.access_token as string);
  });

  it('When the token is rejected twice, then it refreshed once and the send is badToken, with no loop', async () => {
    await start();
    standIn.answerNext({ error: -216 }, { error: -220 });
    expect(await client.sendCs(text('Xin chào'))).toMatchObject({ ok: false, failure: { kind: 'badToken', code: '-220' } });
    expect(standIn.oauthCalls).toBe(1);
    expect(standIn.apiRequests()).toHaveLength(2);
  });

  it('When Zalo does not answer in time, then it is a retryable timeout', async () => {
    await start({ timeoutMs: 300 });
    standIn.answerNext({ hang: true });
    expect(await client.sendCs(text('Xin chào'))).toMatchObject({ ok: false, failure: { kind: 'retryable', code: 'timeout' } });
  });

  it('When the connection is refused, then it is a retryable network failure', async () => {
    await start({ apiBase: `http://127.0.0.1:${await closedPort()}` });
    expect(await client.sendCs(text('Xin chào'))).toMatchObject({ ok: false, failure: { kind: 'retryable', code: 'network ECONNREFUSED' } });
  });

  it('When the API base has a path (the simulator), then requests go under it', async () => {
    await start();
    await client.close();
    client = new ZaloClient({ apiBase: `${standIn.url}/simulator/zalo/`, tokens, logger: logs.logger });
    await client.sendTemplate({ user_id: USER, template_id: '355330', template_data: { wave: 'Tháng Thanh niên' } });
    expect(standIn.apiRequests()[0]!.url).toBe('/simulator/zalo/v3.0/oa/message/template');
  });

  it('When a profile is asked for, then the display name comes back; on failure, null', async () => {
    await start();
    expect(await client.getUserProfile(USER)).toEqual({ displayName: 'Nguyễn Thị Thanh Xuân', isFollower: true });
    const url = new URL(standIn.apiRequests()[0]!.url, 'http://x');
    expect(url.pathname).toBe('/v3.0/oa/user/detail');
    expect(JSON.parse(url.searchParams.get('data')!)).toEqual({ user_id: USER });
    expect(standIn.apiRequests()[0]!.headers.access_token).toBe(TOKENS.accessToken);
    standIn.answerNext({ error: -213 });
    expect(await client.getUserProfile(USER)).toBeNull();
  });

  it('When the sender sends a message rendered into several parts, then they go in order and stop at the first failure', async () => {
    await start();
    const sender = new ZaloSender(client);
    const message = { imageUrl: 'https://example.org/khung.png', text: 'Khung ảnh đợt 1', requestPhone: { title: 'Số điện thoại', subtitle: 'Chia sẻ để xác nhận đoàn viên' } };
    expect(await sender.send(USER, message, { channel: 'zalo', kind: 'cs' })).toEqual({ ok: true, messageIds: ['mid0001', 'mid0002', 'mid0003'] });
    standIn.answerNext({ pass: true }, { error: -230 });
    const partial = await sender.send(USER, message, { channel: 'zalo', kind: 'cs' });
    expect(partial).toMatchObject({ ok: false, failure: { kind: 'windowClosed' }, sentMessageIds: ['mid0004'] });
    expect(standIn.apiRequests()).toHaveLength(5);
    expect(await sender.send(USER, message, { channel: 'zalo', kind: 'template', templateId: '355330', templateData: { ten: 'Xuân' } })).toEqual({ ok: true, messageIds: ['mid0005'] });
    expect(standIn.apiRequests()[5]!.url).toBe('/v3.0/oa/message/template');
    expect(await sender.fetchProfile(USER)).toEqual({ displayName: 'Nguyễn Thị Thanh Xuân' });
  });
});
