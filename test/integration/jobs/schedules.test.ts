import { defaultRepeatStrategy } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../../src/config/config';
import { createQueues, type Queues } from '../../../src/jobs/queues';
import { ensureSchedulers, HOUSEKEEPING_SCHEDULER_ID, SCHEDULE_SCHEDULER_IDS, TALLY_COMPACTION_SCHEDULER_ID } from '../../../src/jobs/schedules';
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
    await queues.schedules.close();
    await closeRedis(redis);
    await deleteQueuePrefix(prefix);
  });

  it('When ensured twice, then there is one daily housekeeping scheduler, next at 03:30 in Asia/Ho_Chi_Minh, and one tally compaction every minute, with one pending job each', async () => {
    await ensureSchedulers(queues, TZ);
    await ensureSchedulers(queues, TZ);

    const housekeeping = queues.housekeeping;
    expect(await housekeeping.getJobSchedulersCount()).toBe(2);
    expect(await housekeeping.getDelayedCount()).toBe(1);
    expect(await housekeeping.getJobCountByTypes('delayed', 'waiting')).toBe(2);
    const compaction = await housekeeping.getJobScheduler(TALLY_COMPACTION_SCHEDULER_ID);
    expect(compaction).toMatchObject({ every: 60_000, template: { data: { keysPerRound: 1_000 } } });
    expect(compaction?.template?.opts).toMatchObject({ attempts: 1 });
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
    expect(ids.sort()).toEqual([HOUSEKEEPING_SCHEDULER_ID, TALLY_COMPACTION_SCHEDULER_ID].sort());
    expect(await queues.housekeeping.getJobCountByTypes('delayed', 'waiting')).toBe(2);
  });

  it('When ensured with the settings, then every content and reminder schedule has one scheduler at its pattern in the zone, next where BullMQ’s repeat strategy puts it; "off" removes one', async () => {
    const settings = loadConfig({ THEORY_CLUB_SCHEDULE: 'off', UNCLE_HO_SCHEDULE: '0 8 * * 2' }).schedules;
    const before = Date.now();
    await ensureSchedulers(queues, TZ, loadConfig({}).schedules);
    await ensureSchedulers(queues, TZ, settings);
    const schedulers = await queues.schedules.getJobSchedulers();
    const expected = Object.entries(SCHEDULE_SCHEDULER_IDS).filter(([name]) => name !== 'theoryClub');
    expect(schedulers.map((s) => s.id ?? s.key).sort()).toEqual(expected.map(([, id]) => id).sort());
    expect(await queues.schedules.getDelayedCount()).toBe(expected.length);
    for (const [name, id] of expected) {
      const scheduler = await queues.schedules.getJobScheduler(id);
      const pattern = settings[name as keyof typeof settings]!;
      expect(scheduler).toMatchObject({ tz: TZ, pattern, template: { data: { schedule: name } } });
      expect(scheduler?.template?.opts).toMatchObject({ attempts: 5 });
      // The instant BullMQ computes from the moment of the upsert: the same as from `before` unless a firing fell in between.
      const next = scheduler?.next ?? 0;
      const fromBefore = defaultRepeatStrategy(before, { pattern, tz: TZ })!;
      expect([fromBefore, defaultRepeatStrategy(fromBefore, { pattern, tz: TZ })]).toContain(next);
    }
    expect(localTime((await queues.schedules.getJobScheduler(SCHEDULE_SCHEDULER_IDS.uncleHoTeaching))!.next!, TZ)).toBe('08:00');
  });
});
