import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ZaloClient } from '../../../src/channels/zalo/zalo.client';
import { ZaloSender } from '../../../src/channels/zalo/zalo.sender';
import { ZaloTokenManager } from '../../../src/channels/zalo/zalo.token';
import { captureLogs } from '../../helpers/logs';
import { deleteQueuePrefix, TEST_REDIS_URL, uniqueQueuePrefix } from '../../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { ZaloStandIn, type ScriptedAnswer } from '../channels/zalo/zalo-standin';
import { OutboundHarness, countByStatus, createDeliveries, createIdentity, until } from './harness';

const APP = { appId: '360846524940903967', appSecret: 'app-secret-thu-nghiem' };
const TOKENS = { accessToken: 'access-seed-0-cccccccccccccccccccccccccccccccccccc', refreshToken: 'refresh-seed-0-dddddddddddddddddddddddddddddddddd' };

/**
 * The outbound path against a stand-in Zalo over HTTP (its wire format, its token endpoint), with
 * the real client, token manager, sender and workers: what members get is counted at the stand-in.
 */
describe('sends against a platform that fails in bursts', () => {
  const logs = captureLogs('info');
  let t: TestDatabase;
  let redis: Redis;
  let standIn: ZaloStandIn;
  let tokens: ZaloTokenManager;
  let client: ZaloClient;
  let h: OutboundHarness;
  let tokenPrefix: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    redis.disconnect();
    await t.drop();
  });

  async function start(options: { expireAccessAfter?: number } = {}): Promise<void> {
    tokenPrefix = uniqueQueuePrefix();
    standIn = await new ZaloStandIn({ ...APP, refreshTokens: [TOKENS.refreshToken], accessTokens: [TOKENS.accessToken], ...options }).start();
    tokens = new ZaloTokenManager({ db: t.db, redis, config: { ...APP, ...TOKENS, oauthBase: standIn.url }, secretsKey: randomBytes(32), logger: logs.logger, keyPrefix: tokenPrefix });
    // Short rate-limit waits, so that a burst passes in a test's time. The timeout stays well above
    // what a loaded machine takes to answer: a slow answer taken for a timeout would be sent again
    // (a timeout is retried; the platform has no idempotency key), which is not what this tests.
    client = new ZaloClient({ apiBase: standIn.url, tokens, logger: logs.logger, timeoutMs: 2_000, classify: { random: () => 0.5, rateLimitWaitMs: 200 } });
    h = new OutboundHarness(t.db, logs.logger, { jobOptions: { backoff: { type: 'fixed', delay: 50 } } });
    h.start({ zalo: new ZaloSender(client) });
  }

  afterEach(async () => {
    await h.close();
    await client.close();
    await tokens.close();
    await standIn.stop();
    await deleteQueuePrefix(tokenPrefix);
    await t.db.deleteFrom('deliveries').execute();
    await t.db.deleteFrom('channel_identities').execute();
    await t.db.deleteFrom('channel_tokens').execute();
  });

  /** One message to each of `count` new members (as a broadcast sends); returns their Zalo ids and the delivery ids. */
  async function toMembers(count: number, tag: string): Promise<{ users: string[]; ids: number[] }> {
    const users = Array.from({ length: count }, (_, i) => `${tag}${String(i).padStart(6, '0')}`);
    const ids: number[] = [];
    for (const user of users) ids.push(...(await createDeliveries(t.db, await createIdentity(t.db, 'zalo', user), 1, { purpose: 'waveLaunch', message: { text: `Chào ${user}` } })));
    return { users, ids };
  }

  it('When Zalo answers 503s, 429s, -32, -200 and silence (timeouts) in two bursts, then every member gets exactly one message and every row ends sent', async () => {
    await start();
    const burst: ScriptedAnswer[] = [{ status: 503 }, { status: 502 }, { hang: true }, { status: 429 }, { error: -200 }, { hang: true }, { status: 503 }, { error: -32 }];
    standIn.answerNext(...burst, ...Array<ScriptedAnswer>(25).fill({ pass: true }), ...burst);
    const { users, ids } = await toMembers(60, '8800');

    await h.outbox.enqueue(ids);
    await until('every delivery to be sent', async () => (await countByStatus(t.db)).sent === ids.length, 60_000, 100);
    await h.idle('zalo');

    expect(await countByStatus(t.db)).toEqual({ sent: 60 });
    expect(users.map((u) => standIn.accepted.get(u) ?? 0)).toEqual(users.map(() => 1));
    // The bursts were met: more calls than messages.
    expect(standIn.apiRequests().length).toBeGreaterThanOrEqual(60 + 2 * burst.length);
  });

  it('When the OA token expires mid-run (-216), then it is refreshed once and the sends go on: every member gets exactly one message', async () => {
    await start({ expireAccessAfter: 15 });
    const { users, ids } = await toMembers(50, '7700');

    await h.outbox.enqueue(ids);
    await until('every delivery to be sent', async () => (await countByStatus(t.db)).sent === ids.length, 60_000, 100);
    await h.idle('zalo');

    expect(standIn.oauthCalls).toBe(1);
    expect(users.map((u) => standIn.accepted.get(u) ?? 0)).toEqual(users.map(() => 1));
    const rejected = standIn.apiRequests().filter((r) => r.headers.access_token === TOKENS.accessToken).length;
    expect(rejected).toBeGreaterThan(15);
    expect(await countByStatus(t.db)).toEqual({ sent: 50 });
  });
});
