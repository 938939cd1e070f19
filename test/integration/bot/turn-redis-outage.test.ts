import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { InboundMessageEvent } from '../../../src/channels/channel';
import { ZaloAdapter } from '../../../src/bot/platform-bot.adapter';
import { runTurnBatch, type TurnPipelineDeps } from '../../../src/bot/turn-pipeline';
import { loadConfig } from '../../../src/config/config';
import { allQueues, createQueues, outboundJobId, QUEUE_NAMES, TURNS_JOB_NAME, type Queues, type TurnsJob } from '../../../src/jobs/queues';
import { createTurnsProcessor } from '../../../src/jobs/turns.processor';
import type { Channels } from '../../../src/main/channels';
import { buildConversations, type Conversations } from '../../../src/main/conversations';
import { closeRedis, createRedis, waitForRedis } from '../../../src/main/redis';
import { startCuttableProxy, type CuttableProxy } from '../../helpers/cuttable-proxy';
import { captureLogs } from '../../helpers/logs';
import { sleep, until } from '../../helpers/e2e';
import { deleteQueuePrefix, TEST_REDIS_URL, uniqueQueuePrefix } from '../../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';


/**
 * Redis away (stopped, restarting) as a batch of turns commits: the app's producer connection
 * reaches the shared Redis through a proxy the test cuts; the pipeline is the app's own wiring
 * (main/conversations.ts). The replies, committed as 'queued' deliveries, must get their jobs as
 * soon as Redis is back, not from the outbox relay 30-60 s later (RELIABILITY-faults.md finding 6).
 * No relay runs here. Before the fix the batch threw "Stream isn't writeable and enableOfflineQueue
 * options is false" at once and the first test timed out waiting for the jobs.
 */
const OUTAGE_MS = 2_500;

describe('a batch of turns committing while Redis is away', () => {
  const logs = captureLogs('info');
  let t: TestDatabase;
  let proxy: CuttableProxy;
  let producer: Redis;
  let direct: Redis;
  let queues: Queues;
  /** The same queues on a connection the test never cuts, to look at the jobs. */
  let seen: Queues;
  let conversations: Conversations;
  let pipeline: TurnPipelineDeps;
  const prefix = uniqueQueuePrefix();
  let seq = 0;

  beforeAll(async () => {
    t = await createTestDatabase();
    const redis = new URL(TEST_REDIS_URL);
    proxy = await startCuttableProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    producer = createRedis(`redis://127.0.0.1:${proxy.port}`, 'producer', logs.logger);
    direct = createRedis(TEST_REDIS_URL, 'producer', logs.logger);
    queues = createQueues(producer, prefix, logs.logger);
    seen = createQueues(direct, prefix, logs.logger);
    const channels = { webhooks: {}, senders: {}, adapters: { zalo: new ZaloAdapter() }, simulated: [], simulator: undefined } as unknown as Channels;
    await Promise.all([waitForRedis(producer, 5_000), waitForRedis(direct, 5_000)]);
    conversations = buildConversations({ config: loadConfig({}), db: t.db, logger: logs.logger, queues, channels });
    pipeline = conversations.pipeline;
  });

  afterAll(async () => {
    await proxy.restore();
    await conversations.imageDownloader.close();
    await Promise.all([...allQueues(queues), ...allQueues(seen)].map((q) => q.close()));
    await Promise.all([closeRedis(producer), closeRedis(direct)]);
    await proxy.close();
    await deleteQueuePrefix(prefix);
    await t.drop();
  });

  async function writes(userId: string, text: string): Promise<number> {
    seq += 1;
    const event: InboundMessageEvent = { channel: 'zalo', eventKey: `redis-outage-${seq}`, userId, accountId: 'oa-1', platformTs: Date.now(), kind: 'message', text, attachments: [] };
    const row = await t.db
      .insertInto('inbound_events')
      .values({ channel: 'zalo', event_key: event.eventKey, conversation_key: `zalo:${userId}`, kind: 'message', platform_ts: event.platformTs, payload: JSON.stringify(event) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  const processed = async (ids: readonly number[]) =>
    (await t.db.selectFrom('inbound_events').select('status').where('id', 'in', [...ids]).execute()).every((r) => r.status === 'processed');
  /** The first reply of each event: a turn's replies are one unit, one job `d<first id>`. */
  const firstReplies = (ids: readonly number[]) =>
    t.db.selectFrom('deliveries').select(['id', 'status']).where('idempotency_key', 'in', ids.map((id) => `reply:${id}:0`)).execute();
  const jobless = async (deliveryIds: readonly number[]) => {
    const states = await Promise.all(deliveryIds.map((id) => seen.outboundZalo.getJobState(outboundJobId(id))));
    return deliveryIds.filter((_, i) => states[i] === 'unknown');
  };

  it('When the batch commits while Redis is away, then its replies get their jobs within about a second of Redis coming back, without the relay', async () => {
    const events = [await writes('outage-1', 'xin chào'), await writes('outage-2', 'xin chào'), await writes('outage-3', 'menu')];
    let readyAt = 0;
    producer.on('ready', () => void (readyAt ||= Date.now()));

    await proxy.cut();
    const cutAt = Date.now();
    const settled = runTurnBatch(pipeline).then(
      (outcome) => ({ outcome, settledAt: Date.now() }),
      (error: unknown) => ({ error, settledAt: Date.now() }),
    );
    await until('the batch to commit', () => processed(events), 10_000, 20);
    const replies = await firstReplies(events);
    expect(replies).toHaveLength(3);
    expect(replies.every((r) => r.status === 'queued')).toBe(true);
    await sleep(Math.max(0, cutAt + OUTAGE_MS - Date.now()));
    expect(await jobless(replies.map((r) => r.id))).toHaveLength(3);

    await proxy.restore();
    const backAt = Date.now();
    await until('every reply to have its job', async () => (await jobless(replies.map((r) => r.id))).length === 0, 10_000, 20);
    const jobsAt = Date.now();
    const result = await settled;

    console.log(`redis back → producer ready ${readyAt - backAt} ms → jobs added ${jobsAt - backAt} ms after Redis was back; batch settled ${result.settledAt - backAt} ms after`);
    expect(result).toMatchObject({ outcome: { processed: 3, dead: 0 } });
    // ioredis reconnects on its own backoff (up to 2 s between attempts, main/redis.ts); the jobs follow within one wait.
    expect(jobsAt - backAt).toBeLessThan(2_500);
    expect(jobsAt - readyAt).toBeLessThan(1_000);
    // One warning as the wait starts, saying what waits.
    const waits = logs.lines().filter((l) => /Redis is away/.test(String(l.msg)));
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ level: 'warn', what: 'replies' });
  });

  it("When the turns job's lock runs out while its batch waits for Redis, then the job runs again and finds the batch's events processed: each turn once, each reply once with one job", async () => {
    const events = [await writes('lock-1', 'xin chào'), await writes('lock-2', 'xin chào')];
    // The worker's connection goes through the proxy too (a Redis that stops cuts both); its lock
    // lasts 1 s here (30 s in the app), so a 3 s outage outlives it.
    const workerRedis = createRedis(`redis://127.0.0.1:${proxy.port}`, 'worker', logs.logger);
    let cut: Promise<void> | undefined;
    // The drain's first batch starts as Redis goes away: it commits, then waits to add its jobs.
    const processor = createTurnsProcessor({ ...pipeline, beforeBatch: () => (cut ??= proxy.cut()) }, async () => undefined);
    const runs: number[] = [];
    const stalled: string[] = [];
    const worker = new Worker<TurnsJob>(
      QUEUE_NAMES.turns,
      async (job: Job<TurnsJob>) => {
        runs.push(Date.now());
        return processor(job);
      },
      { connection: workerRedis, prefix, concurrency: 2, lockDuration: 1_000, stalledInterval: 500 },
    );
    worker.on('error', () => undefined);
    worker.on('stalled', (jobId) => void stalled.push(jobId));
    try {
      await seen.turns.add(TURNS_JOB_NAME, {}, { jobId: 'lock-test' });
      await until('the batch to commit', () => processed(events), 10_000, 20);
      const replies = await firstReplies(events);
      await sleep(3_000);
      expect(await seen.turns.getJobState('lock-test')).toBe('active');
      await proxy.restore();
      await until('every reply to have its job', async () => (await jobless(replies.map((r) => r.id))).length === 0, 10_000, 20);
      await until('the job to run again and complete', async () => runs.length >= 2 && (await seen.turns.getJobState('lock-test')) === 'completed', 15_000, 20);

      expect(stalled).toEqual(['lock-test']);
      // Each turn ran once: the second run found the events processed and nothing to do.
      const rows = await t.db.selectFrom('deliveries').select(['id', 'idempotency_key', 'status']).where('idempotency_key', 'like', 'reply:%').orderBy('id').execute();
      const mine = rows.filter((r) => events.some((id) => r.idempotency_key.startsWith(`reply:${id}:`)));
      expect(mine.map((r) => r.idempotency_key).sort()).toEqual(events.flatMap((id) => [`reply:${id}:0`, `reply:${id}:1`]).sort());
      expect(mine.every((r) => r.status === 'queued')).toBe(true);
      // One job per turn's replies (a unit), added once.
      const jobs = (await seen.outboundZalo.getJobs(['waiting', 'delayed', 'active'])).filter((j) => mine.some((r) => r.id === j.data.deliveryId));
      expect(jobs.map((j) => j.data.unit).sort()).toEqual(events.map((id) => mine.filter((r) => r.idempotency_key.startsWith(`reply:${id}:`)).map((r) => r.id)).sort());
    } finally {
      await worker.close();
      await closeRedis(workerRedis);
    }
  });
});
