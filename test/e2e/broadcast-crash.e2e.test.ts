import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import pg from 'pg';
import { seedBroadcastAudience, seededRecipient } from '../../scripts/bench/broadcast-seed';
import { BENCH_CREDENTIALS as C } from '../../scripts/bench/webhooks';
import { createBroadcastsService } from '../../src/domain/broadcasts/broadcasts.service';
import { UNKNOWN_OUTCOME } from '../../src/domain/deliveries/deliveries.repository';
import { createBullMqBroadcastJobs } from '../../src/jobs/broadcasts.processor';
import { createBullMqOutbox } from '../../src/jobs/outbox.bullmq';
import { createBroadcastOutbox } from '../../src/jobs/broadcast-outbox';
import { createOutboxRelayProcessor } from '../../src/jobs/outbox-relay.processor';
import { OUTBOUND_BATCH_WORKER_OPTIONS } from '../../src/jobs/workers';
import { windowFor } from '../../src/jobs/send-budget';
import { allQueues, createQueues, type OutboxRelayJob, type OutboxRelayResult, type Queues } from '../../src/jobs/queues';
import { deliveryPolicySettingsOf } from '../../src/domain/deliveries/delivery-policy-settings';
import { loadConfig } from '../../src/config/config';
import { startApp, type AppProcess } from '../helpers/app-process';
import { until } from '../helpers/e2e';
import { captureLogs } from '../helpers/logs';
import { deleteQueuePrefix, TEST_REDIS_URL, uniqueQueuePrefix } from '../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

/**
 * A broadcast to 5,000 recipients (issue 5 tests), with the worker process SIGKILLed while it
 * sends and a new one started: every recipient gets the message exactly once at the stand-in
 * platform, except a send the kill interrupted, which the outbound design fails as
 * unknown_outcome rather than risk a duplicate (deliveries.repository.ts failStaleSending): such a
 * recipient got it once or not at all, never twice, and there are at most as many as sends were
 * in flight. The figures add up.
 */
const RECIPIENTS = 5_000;
const KILL_AFTER_SENT = 1_500;
const SENDS_PER_SECOND = '150';
const TSX = pathToFileURL(require.resolve('tsx')).href;
const STAND_IN = join(resolve(__dirname, '../..'), 'scripts/bench/platform-stand-in.ts');

async function startStandIn(): Promise<{ child: ChildProcess; base: string }> {
  const child = fork(STAND_IN, [], { execArgv: ['--import', TSX], env: { ...process.env, BENCH_PLATFORM_LATENCY_MS: '20', BENCH_PLATFORM_PORT: '0' }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((done, fail) => {
    child.on('message', (m: { ready?: boolean; port?: number }) => m.ready && m.port && done(m.port));
    child.once('exit', (code) => fail(new Error(`the stand-in platform exited (${code})`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

describe('a broadcast to 5,000 recipients with the worker killed mid-way', () => {
  let t: TestDatabase;
  let standIn: { child: ChildProcess; base: string };
  let redis: Redis;
  let queues: Queues;
  const workers: AppProcess[] = [];
  const prefix = uniqueQueuePrefix();
  const logs = captureLogs('warn');

  const workerEnv = () => ({
    SIMULATOR: 'off',
    MESSENGER_APP_SECRET: C.messengerAppSecret,
    MESSENGER_VERIFY_TOKEN: C.messengerVerifyToken,
    MESSENGER_PAGE_ACCESS_TOKEN: C.messengerPageToken,
    GRAPH_API_BASE: standIn.base,
    ZALO_APP_ID: C.zaloAppId,
    ZALO_OA_SECRET_KEY: C.zaloOaSecretKey,
    ZALO_ACCESS_TOKEN: C.zaloAccessToken,
    ZALO_API_BASE: standIn.base,
    ZALO_OAUTH_BASE: standIn.base,
    ZALO_SENDS_PER_SECOND: SENDS_PER_SECOND,
    MESSENGER_SENDS_PER_SECOND: SENDS_PER_SECOND,
  });
  const startWorker = async () => workers.push(await startApp({ databaseUrl: t.url, queuePrefix: prefix, role: 'worker', env: workerEnv() }));

  beforeAll(async () => {
    t = await createTestDatabase();
    standIn = await startStandIn();
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, prefix, logs.logger);
    await startWorker();
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    standIn?.child.kill();
    await Promise.all(allQueues(queues).map((q) => q.close()));
    redis?.disconnect();
    await t?.drop();
    await deleteQueuePrefix(prefix);
  });

  const countByStatus = async () =>
    Object.fromEntries((await sql<{ status: string; n: number }>`select status, count(*)::int as n from deliveries group by status`.execute(t.db)).rows.map((r) => [r.status, r.n]));

  /** The relay's own logic, once, while no worker lives: every row still 'sending' was the killed worker's. */
  async function runRelayNow(): Promise<OutboxRelayResult> {
    const relay = createOutboxRelayProcessor({ db: t.db, logger: logs.logger, queues, outbox: createBullMqOutbox({ db: t.db, queues, logger: logs.logger }) });
    return relay({ data: { queuedStaleAfterMs: 0, sendingStaleAfterMs: 0 } } as Job<OutboxRelayJob, OutboxRelayResult>);
  }

  it('When the worker is SIGKILLed while sending and a new one starts, then no recipient gets the message twice, all but the interrupted sends arrive once, and the figures add up', async () => {
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    const seeded = await seedBroadcastAudience(client, RECIPIENTS).finally(() => client.end());

    // Created here as the API would; the worker process fans it out and sends.
    const config = loadConfig({ QUIET_HOURS: 'off' });
    const service = createBroadcastsService({
      db: t.db,
      outbox: createBroadcastOutbox({ db: t.db, queues, logger: logs.logger }),
      jobs: createBullMqBroadcastJobs(queues),
      policy: deliveryPolicySettingsOf(config),
    });
    const forecast = await service.forecast({ clusters: [seeded.clusterId] }, 'waveLaunch', null);
    expect(forecast).toEqual({ total: RECIPIENTS, byChannel: { zalo: { now: RECIPIENTS / 2, later: 0, paid: 0, never: 0 }, messenger: { now: RECIPIENTS / 2, later: 0, paid: 0, never: 0 } } });
    const { id } = await service.create({ purpose: 'waveLaunch', text: 'Đợt “Tháng Thanh niên” bắt đầu hôm nay: cùng thay khung ảnh đại diện nhé!', audience: { clusters: [seeded.clusterId] }, createdByStaffId: null }, null);

    await until(`${KILL_AFTER_SENT} messages sent`, async () => ((await countByStatus()).sent ?? 0) >= KILL_AFTER_SENT, 120_000, 20);
    expect(await workers[0]!.kill()).toMatchObject({ signal: 'SIGKILL' });
    const atKill = await countByStatus();
    const relay = await runRelayNow();
    await startWorker();

    await until('the broadcast completed', async () => (await service.figures(id, null))?.status === 'completed', 180_000, 200);
    const figures = (await service.figures(id, null))!;
    const final = await countByStatus();
    const stats = (await (await fetch(`${standIn.base}/stats?recipients=1`)).json()) as { sends: number; recipients: Record<string, number> };
    const unknown = await t.db
      .selectFrom('deliveries as d')
      .innerJoin('channel_identities as i', 'i.id', 'd.identity_id')
      .select(['i.channel', 'i.platform_user_id'])
      .where('d.status', '=', 'failed')
      .where('d.error_code', '=', UNKNOWN_OUTCOME)
      .execute();
    const interrupted = new Set(unknown.map((u) => `${u.channel}:${u.platform_user_id}`));
    const unknownArrived = [...interrupted].filter((k) => stats.recipients[k] === 1).length;
    console.log(
      `broadcast to ${RECIPIENTS}: worker SIGKILLed with ${JSON.stringify(atKill)}; the relay failed ${relay.unknownOutcome} interrupted send(s) as unknown_outcome ` +
        `(${unknownArrived} of them had reached the platform) and gave ${relay.requeued} row(s) their job back; final ${JSON.stringify(final)}; platform got ${stats.sends} messages`,
    );

    const problems: string[] = [];
    for (let n = 1; n <= RECIPIENTS; n += 1) {
      const r = seededRecipient(n);
      const key = `${r.channel}:${r.userId}`;
      const got = stats.recipients[key] ?? 0;
      if (got > 1) problems.push(`${key} got ${got}`);
      if (got === 0 && !interrupted.has(key)) problems.push(`${key} got nothing`);
    }
    expect(problems).toEqual([]);
    expect(Object.keys(stats.recipients).every((k) => /^(zalo:bcz|messenger:bc-)\d+$/.test(k))).toBe(true);
    expect(stats.sends).toBe(figures.sent + unknownArrived);
    // The sends go in batches: a batch job holds one chunk claimed at a time, and a chunk is at
    // most one budget window's tokens; so the kill can interrupt at most that many per batch slot.
    expect(relay.unknownOutcome).toBeLessThanOrEqual(2 * OUTBOUND_BATCH_WORKER_OPTIONS.concurrency * windowFor(Number(SENDS_PER_SECOND)).max);
    expect(unknown).toHaveLength(relay.unknownOutcome);
    expect(final).toEqual({ sent: RECIPIENTS - relay.unknownOutcome, ...(relay.unknownOutcome > 0 ? { failed: relay.unknownOutcome } : {}) });
    expect(figures).toMatchObject({ status: 'completed', recipients: RECIPIENTS, queued: 0, deferred: 0, cancelled: 0, skipped: {}, sent: RECIPIENTS - relay.unknownOutcome });
    expect(figures.failed).toEqual(relay.unknownOutcome > 0 ? { [UNKNOWN_OUTCOME]: relay.unknownOutcome } : {});
  }, 300_000);
});
