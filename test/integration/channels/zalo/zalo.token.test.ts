import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { decryptSecret } from '../../../../src/channels/token-crypto';
import { ZaloTokenManager, type ZaloTokenManagerOptions } from '../../../../src/channels/zalo/zalo.token';
import { createDb, type Db } from '../../../../src/db/database';
import { captureLogs, type CapturedLogs } from '../../../helpers/logs';
import { deleteQueuePrefix, TEST_REDIS_URL, uniqueQueuePrefix } from '../../../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../../../helpers/test-database';
import { ZaloStandIn } from './zalo-standin';

const HOUR = 3_600_000;
const APP = { appId: '360846524940903967', appSecret: 'app-secret-thu-nghiem' };
const SEEDED = { accessToken: 'access-seed-0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', refreshToken: 'refresh-seed-0-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' };
const key = randomBytes(32);

describe('Zalo OA token manager', () => {
  let t: TestDatabase;
  let standIn: ZaloStandIn;
  let prefix: string;
  let logs: CapturedLogs;
  const opened: { redis: Redis[]; dbs: Db[]; managers: ZaloTokenManager[] } = { redis: [], dbs: [], managers: [] };

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  beforeEach(async () => {
    await t.db.deleteFrom('channel_tokens').execute();
    prefix = uniqueQueuePrefix();
    logs = captureLogs();
    standIn = await new ZaloStandIn({ ...APP, refreshTokens: [SEEDED.refreshToken], accessTokens: [SEEDED.accessToken], oauthDelayMs: 200 }).start();
  });
  afterEach(async () => {
    await Promise.all(opened.managers.splice(0).map((m) => m.close()));
    await Promise.all(opened.dbs.splice(0).map((db) => db.destroy()));
    opened.redis.splice(0).forEach((r) => r.disconnect());
    await standIn.stop();
    await deleteQueuePrefix(prefix);
  });

  /** A manager as one process would build it: its own PostgreSQL pool and Redis connection. */
  function processManager(overrides: Partial<ZaloTokenManagerOptions> = {}, settings: { accessToken?: string | undefined; refreshToken?: string | undefined } = SEEDED): ZaloTokenManager {
    const db = createDb(t.url, { maxConnections: 3 });
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    opened.dbs.push(db);
    opened.redis.push(redis);
    const manager = new ZaloTokenManager({
      db,
      redis,
      config: { ...APP, accessToken: settings.accessToken, refreshToken: settings.refreshToken, oauthBase: standIn.url },
      secretsKey: key,
      logger: logs.logger,
      keyPrefix: prefix,
      pollMs: 20,
      ...overrides,
    });
    opened.managers.push(manager);
    return manager;
  }

  const row = () => t.db.selectFrom('channel_tokens').selectAll().where('channel', '=', 'zalo').executeTakeFirstOrThrow();

  it('When there is no row, then the settings seed it sealed, expiring 25 h later', async () => {
    const now = Date.parse('2025-11-28T05:00:00Z');
    expect(await processManager({ now: () => now }).getAccessToken()).toEqual({ ok: true, token: SEEDED.accessToken });
    const stored = await row();
    expect(JSON.stringify(stored)).not.toContain(SEEDED.accessToken);
    expect(JSON.stringify(stored)).not.toContain(SEEDED.refreshToken);
    expect(decryptSecret(stored.access_token_enc, key)).toBe(SEEDED.accessToken);
    expect(decryptSecret(stored.refresh_token_enc!, key)).toBe(SEEDED.refreshToken);
    expect(stored.access_expires_at?.getTime()).toBe(now + 25 * HOUR);
    expect(stored.version).toBe(1);
    expect(standIn.oauthCalls).toBe(0);
  });

  it('When more than 5 h of the 25 h remain, then no refresh happens; when less, then it refreshes first', async () => {
    let now = Date.parse('2025-11-28T05:00:00Z');
    const manager = processManager({ now: () => now, cacheMs: 0 });
    await manager.getAccessToken();
    now += 19 * HOUR;
    expect(await manager.getAccessToken()).toEqual({ ok: true, token: SEEDED.accessToken });
    expect(standIn.oauthCalls).toBe(0);
    now += 2 * HOUR;
    const refreshed = await manager.getAccessToken();
    expect(refreshed).toEqual({ ok: true, token: expect.stringMatching(/^access-new-1-/) });
    expect(standIn.oauthCalls).toBe(1);
    const stored = await row();
    expect(stored.version).toBe(2);
    expect(stored.access_expires_at?.getTime()).toBe(now + 90_000_000);
    expect(stored.refreshed_at?.getTime()).toBe(now);
  });

  it('When two processes see -216 at once, then exactly one refresh happens and both use the same new token', async () => {
    const a = processManager();
    const b = processManager();
    await a.getAccessToken();
    await b.getAccessToken();
    const [fromA, fromB, againA] = await Promise.all([a.refreshAfterRejection(SEEDED.accessToken), b.refreshAfterRejection(SEEDED.accessToken), a.refreshAfterRejection(SEEDED.accessToken)]);
    expect(standIn.oauthCalls).toBe(1);
    expect(fromA).toEqual({ ok: true, token: expect.stringMatching(/^access-new-1-/) });
    expect(fromB).toEqual(fromA);
    expect(againA).toEqual(fromA);
    const stored = await row();
    expect(stored.version).toBe(2);
    const newAccess = (fromA as { token: string }).token;
    const newRefresh = [...standIn.validRefresh][0]!;
    expect(JSON.stringify(stored)).not.toContain(newAccess);
    expect(JSON.stringify(stored)).not.toContain(newRefresh);
    expect(decryptSecret(stored.access_token_enc, key)).toBe(newAccess);
    expect(decryptSecret(stored.refresh_token_enc!, key)).toBe(newRefresh);
    expect(await b.getAccessToken()).toEqual(fromA);
    expect(logs.lines().filter((l) => l.msg === 'Zalo OA token refreshed')).toHaveLength(1);
    expect(logs.text()).not.toContain(newAccess);
    expect(logs.text()).not.toContain(SEEDED.refreshToken);
  });

  it('When a rejected token was already rotated by another process, then Zalo is not called again', async () => {
    const a = processManager();
    const b = processManager();
    await b.getAccessToken();
    const rotated = await a.refreshAfterRejection(SEEDED.accessToken);
    expect(await b.refreshAfterRejection(SEEDED.accessToken)).toEqual(rotated);
    expect(standIn.oauthCalls).toBe(1);
  });

  it('When Zalo refuses the refresh token, then badToken comes back, an alert is logged and no process calls again', async () => {
    standIn.validRefresh.clear();
    const a = processManager();
    const b = processManager();
    await a.getAccessToken();
    const [fromA, fromB] = await Promise.all([a.refreshAfterRejection(SEEDED.accessToken), b.refreshAfterRejection(SEEDED.accessToken)]);
    expect(fromA).toEqual({ ok: false, failure: { kind: 'badToken', code: 'oauth -14014', message: 'Refresh token không hợp lệ hoặc đã được sử dụng' } });
    expect(fromB.ok).toBe(false);
    expect(!fromB.ok && fromB.failure.kind).toBe('badToken');
    expect(await a.refreshAfterRejection(SEEDED.accessToken)).toMatchObject({ ok: false, failure: { kind: 'badToken' } });
    expect(await a.getAccessToken()).toMatchObject({ ok: false, failure: { kind: 'badToken', code: 'expired' } });
    expect(standIn.oauthCalls).toBe(1);
    expect((await row()).refresh_token_enc).toBeNull();
    const alert = logs.lines().find((l) => l.alert === 'zaloTokenRefreshRefused');
    expect(alert).toMatchObject({ level: 'error', errorName: 'Invalid refresh token' });
    expect(logs.text()).not.toContain(SEEDED.refreshToken);
    expect(logs.text()).not.toContain(SEEDED.accessToken);
  });

  it('When the OAuth host fails (HTTP 503), then it is retryable and the refresh token is kept', async () => {
    standIn.oauthAnswer = { status: 503 };
    const manager = processManager();
    expect(await manager.refreshAfterRejection(SEEDED.accessToken)).toMatchObject({ ok: false, failure: { kind: 'retryable', code: 'http 503' } });
    expect(decryptSecret((await row()).refresh_token_enc!, key)).toBe(SEEDED.refreshToken);
    standIn.oauthAnswer = undefined;
    expect(await manager.refreshAfterRejection(SEEDED.accessToken)).toEqual({ ok: true, token: expect.stringMatching(/^access-new-2-/) });
  });

  it('When a proactive refresh gets no answer, then the still-valid token keeps working and Zalo is not hammered', async () => {
    let now = Date.parse('2025-11-28T05:00:00Z');
    const manager = processManager({ now: () => now, cacheMs: 0 });
    await manager.getAccessToken();
    standIn.oauthAnswer = { status: 502 };
    now += 22 * HOUR;
    expect(await manager.getAccessToken()).toEqual({ ok: true, token: SEEDED.accessToken });
    expect(await manager.getAccessToken()).toEqual({ ok: true, token: SEEDED.accessToken });
    expect(standIn.oauthCalls).toBe(1);
  });

  it('When the stored token was sealed under another SECRETS_KEY, then it is badToken with an alert, not a crash', async () => {
    await processManager().getAccessToken();
    const other = processManager({ secretsKey: randomBytes(32) });
    expect(await other.getAccessToken()).toMatchObject({ ok: false, failure: { kind: 'badToken', code: 'tokenUnreadable' } });
    expect(logs.lines().some((l) => l.alert === 'zaloTokenUnreadable' && l.level === 'error')).toBe(true);
  });

  it('When only a refresh token is configured, then the first use refreshes', async () => {
    const manager = processManager({}, { refreshToken: SEEDED.refreshToken });
    expect(await manager.getAccessToken()).toEqual({ ok: true, token: expect.stringMatching(/^access-new-1-/) });
    expect(standIn.oauthCalls).toBe(1);
  });

  it('When no token is configured, then the channel reports badToken without calling Zalo', async () => {
    expect(await processManager({}, {}).getAccessToken()).toMatchObject({ ok: false, failure: { kind: 'badToken', code: 'notConfigured' } });
    expect(standIn.oauthCalls).toBe(0);
  });

  it('When another process holds the lock too long, then the waiter gives up with a retryable failure', async () => {
    const holder = new Redis(TEST_REDIS_URL);
    opened.redis.push(holder);
    const manager = processManager({ waitForOtherMs: 300 });
    await manager.getAccessToken();
    await holder.set(`${prefix}:zalo:token-refresh-lock`, 'someone-else', 'PX', 30_000);
    expect(await manager.refreshAfterRejection(SEEDED.accessToken)).toMatchObject({ ok: false, failure: { kind: 'retryable', code: 'tokenRefreshBusy' } });
    expect(standIn.oauthCalls).toBe(0);
    expect(await holder.get(`${prefix}:zalo:token-refresh-lock`)).toBe('someone-else');
  });
});
