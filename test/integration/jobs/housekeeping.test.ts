import { QueueEvents, type Job, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { InboundStatus } from '../../../src/db/types';
import { createHousekeepingProcessor } from '../../../src/jobs/housekeeping.processor';
import { createQueues, HOUSEKEEPING_JOB_NAME, QUEUE_NAMES, type HousekeepingJob, type HousekeepingResult, type Queues } from '../../../src/jobs/queues';
import { startWorkers } from '../../../src/jobs/workers';
import { closeRedis, createRedis } from '../../../src/main/redis';
import { captureLogs } from '../../helpers/logs';
import { deleteQueuePrefix, TEST_REDIS_URL, uniqueQueuePrefix } from '../../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const DAY_MS = 86_400_000;
let seq = 0;

async function insertEvent(t: TestDatabase, status: InboundStatus, ageDays: number): Promise<number> {
  seq += 1;
  const row = await t.db
    .insertInto('inbound_events')
    .values({
      channel: 'simulator',
      event_key: `evt-${seq}`,
      conversation_key: 'simulator:u1',
      kind: 'message',
      platform_ts: Date.now(),
      payload: JSON.stringify({ text: 'xin chào' }),
      status,
      received_at: new Date(Date.now() - ageDays * DAY_MS),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function remainingIds(t: TestDatabase): Promise<number[]> {
  const rows = await t.db.selectFrom('inbound_events').select('id').orderBy('id').execute();
  return rows.map((r) => r.id);
}

function fakeJob(data: HousekeepingJob): Job<HousekeepingJob, HousekeepingResult> {
  return { name: 'housekeeping', data } as Job<HousekeepingJob, HousekeepingResult>;
}

describe('housekeeping', () => {
  const logs = captureLogs();
  const prefix = uniqueQueuePrefix();
  let t: TestDatabase;
  let producer: Redis;
  let workerRedis: Redis;
  let queues: Queues;

  beforeAll(async () => {
    t = await createTestDatabase();
    producer = createRedis(TEST_REDIS_URL, 'producer', logs.logger);
    workerRedis = createRedis(TEST_REDIS_URL, 'worker', logs.logger);
    queues = createQueues(producer, prefix, logs.logger);
  });

  afterAll(async () => {
    await queues.housekeeping.close();
    await Promise.all([closeRedis(producer), closeRedis(workerRedis)]);
    await deleteQueuePrefix(prefix);
    await t.drop();
  });

  beforeEach(async () => {
    await t.db.deleteFrom('inbound_events').execute();
  });

  it('When the daily job runs on a worker, then only processed and ignored events older than 30 days go, and its log lines carry the job id', async () => {
    const keep = [
      await insertEvent(t, 'processed', 29),
      await insertEvent(t, 'ignored', 1),
      await insertEvent(t, 'received', 40),
      await insertEvent(t, 'processing', 40),
      await insertEvent(t, 'failed', 40),
      await insertEvent(t, 'dead', 400),
    ];
    for (const status of ['processed', 'processed', 'ignored'] as const) await insertEvent(t, status, 31);
    await insertEvent(t, 'processed', 365);

    const events = new QueueEvents(QUEUE_NAMES.housekeeping, { connection: { url: TEST_REDIS_URL }, prefix });
    let workers: Worker[] = [];
    try {
      await events.waitUntilReady();
      workers = startWorkers({ db: t.db, logger: logs.logger, connection: workerRedis, prefix });
      const job = await queues.housekeeping.add(HOUSEKEEPING_JOB_NAME, { inboundRetentionDays: 30 });
      const result = (await job.waitUntilFinished(events, 20_000)) as HousekeepingResult;

      expect(result).toMatchObject({ deletedInboundEvents: 4, batches: 1, stoppedEarly: false });
      expect(await remainingIds(t)).toEqual(keep);
      const jobLines = logs.lines().filter((l) => l.jobId === job.id);
      expect(jobLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['housekeeping: old inbound events deleted', 'job completed']));
      expect(jobLines.every((l) => l.queue === QUEUE_NAMES.housekeeping)).toBe(true);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await events.close();
    }
  });

  it('When there are more old events than a batch, then they go in batches until none is left', async () => {
    for (let i = 0; i < 5; i += 1) await insertEvent(t, 'processed', 45);
    const young = await insertEvent(t, 'processed', 2);
    const processor = createHousekeepingProcessor({ db: t.db, logger: logs.logger, batchSize: 2 });

    const result = await processor(fakeJob({ inboundRetentionDays: 30 }));

    expect(result).toMatchObject({ deletedInboundEvents: 5, batches: 3, stoppedEarly: false });
    expect(await remainingIds(t)).toEqual([young]);
  });

  it('When the job is cancelled (shutdown out of time), then it stops between batches and reports it', async () => {
    for (let i = 0; i < 3; i += 1) await insertEvent(t, 'ignored', 60);
    const processor = createHousekeepingProcessor({ db: t.db, logger: logs.logger, batchSize: 2 });
    const controller = new AbortController();
    controller.abort('shutting down');

    const result = await processor(fakeJob({ inboundRetentionDays: 30 }), undefined, controller.signal);

    expect(result).toMatchObject({ deletedInboundEvents: 0, batches: 0, stoppedEarly: true });
    expect(await remainingIds(t)).toHaveLength(3);
  });

  it('When the retention is not a positive whole number of days, then the job fails rather than deleting', async () => {
    await insertEvent(t, 'processed', 45);
    const processor = createHousekeepingProcessor({ db: t.db, logger: logs.logger });
    await expect(processor(fakeJob({ inboundRetentionDays: 0 }))).rejects.toThrow(/positive integer/);
    expect(await remainingIds(t)).toHaveLength(1);
  });
});
