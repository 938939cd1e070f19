import type { Job } from 'bullmq';
import type { ScheduleContext } from '../../../src/domain/reminders/schedule-context';
import type { ScheduleJob, ScheduleJobResult } from '../../../src/jobs/queues';
import { createSchedulesProcessor, scheduledInstant } from '../../../src/jobs/schedules.processor';
import { captureLogs } from '../../helpers/logs';

describe('schedules processor', () => {
  it('When a scheduler’s job runs, then its scheduled instant is read from its id (repeat:<id>:<millis>); a job added by hand counts from when it was added', () => {
    expect(scheduledInstant({ id: 'repeat:uncle-ho-teaching:1795998600000', timestamp: 1, delay: 0 }).toISOString()).toBe('2026-11-30T00:30:00.000Z');
    expect(scheduledInstant({ id: 'manual-1', timestamp: 1_000, delay: 500 }).getTime()).toBe(1_500);
  });

  it('When the weekly teaching fires more than a day late, then it is skipped with a warning and nothing is asked of the database', async () => {
    const logs = captureLogs();
    const untouchable = new Proxy({}, { get: () => { throw new Error('the database was used'); } }) as ScheduleContext['db'];
    const ctx: ScheduleContext = { db: untouchable, outbox: { enqueue: async () => undefined }, broadcasts: untouchable as never, timeZone: 'Asia/Ho_Chi_Minh' };
    const processor = createSchedulesProcessor({ context: ctx, logger: logs.logger, now: () => new Date('2026-12-01T01:00:00.000Z') });
    const job = { id: 'repeat:uncle-ho-teaching:1795998600000', timestamp: 0, delay: 0, data: { schedule: 'uncleHoTeaching' } } as unknown as Job<ScheduleJob, ScheduleJobResult>;
    await expect(processor(job)).resolves.toEqual({ schedule: 'uncleHoTeaching', outcome: 'skippedLate' });
    expect(logs.lines().some((l) => l.msg?.includes('ran too long after its time'))).toBe(true);
  });
});
