import type { Redis } from 'ioredis';
import { createQueues, type Queues } from '../../../src/jobs/queues';
import { ensureSchedulers, HOUSEKEEPING_SCHEDULER_ID } from '../../../src/jobs/schedules';
import { closeRedis, createRedis } from '../../../src/main/redis';
import { captureLogs } from '../../helpers/logs';
import { deleteQueuePrefix, TEST_REDIS_URL, uniqueQueuePrefix } from '../../helpers/redis';

const TZ = 'Asia/Ho_Chi_Minh';

function localTime(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(epochMs));
}

describe('job schedulers', () => {
  const logs = captureLogs();
  const prefix = uniqueQueuePrefix();
  let redis: Redis;
  let queues: Queues;

  beforeAll(() => {
    redis = createRedis(TEST_REDIS_URL, 'producer', logs.logger);
    queues = createQueues(redis, prefix, logs.logger);
  });

  afterAll(async () => {
    await queues.housekeeping.close();
    await closeRedis(redis);
    await deleteQueuePrefix(prefix);
  });

  it('When ensured twice, then there is one housekeeping scheduler and one pending job, next at 03:30 in Asia/Ho_Chi_Minh', async () => {
    await ensureSchedulers(queues, TZ);
    await ensureSchedulers(queues, TZ);

    const housekeeping = queues.housekeeping;
    expect(await housekeeping.getJobSchedulersCount()).toBe(1);
    expect(await housekeeping.getDelayedCount()).toBe(1);
    const scheduler = await housekeeping.getJobScheduler(HOUSEKEEPING_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ tz: TZ, pattern: '30 3 * * *' });
    const next = scheduler?.next ?? 0;
    expect(localTime(next, TZ)).toBe('03:30');
    expect(next).toBeGreaterThan(Date.now());
    expect(next - Date.now()).toBeLessThanOrEqual(86_400_000);
  });

  it('When ensured, then the template keeps its payload, attempts and retention (an upsert replaces it whole)', async () => {
    await ensureSchedulers(queues, TZ);
    const scheduler = await queues.housekeeping.getJobScheduler(HOUSEKEEPING_SCHEDULER_ID);
    expect(scheduler?.template?.data).toEqual({ inboundRetentionDays: 30 });
    expect(scheduler?.template?.opts).toMatchObject({ attempts: 3, removeOnComplete: { age: 30 * 86_400, count: 60 }, removeOnFail: { age: 30 * 86_400 } });
  });

  it('When a scheduler is no longer declared, then ensuring removes it', async () => {
    await queues.housekeeping.upsertJobScheduler('renamed-long-ago', { pattern: '0 4 * * *', tz: TZ }, { name: 'housekeeping', data: { inboundRetentionDays: 7 } });
    await ensureSchedulers(queues, TZ);
    const ids = (await queues.housekeeping.getJobSchedulers()).map((s) => s.id ?? s.key);
    expect(ids).toEqual([HOUSEKEEPING_SCHEDULER_ID]);
    expect(await queues.housekeeping.getDelayedCount()).toBe(1);
  });
});
