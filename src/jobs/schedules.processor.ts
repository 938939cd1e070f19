/**
 * schedules processor
 *
 * Inputs:       a `schedules` job named after its schedule (uncleHoTeaching, goodNews, legalInfo,
 *               waveLifecycle, cadreNudges, branchDigest, theoryClub, goodNewsReportReminder), fired
 *               by its job scheduler (schedules.ts) at the setting's time in APP_TIMEZONE.
 * Side effects: creates broadcasts (teaching, daily content, a wave's launch and reminders), each
 *               with its scheduleKey, and inserts direct deliveries (closing summaries, cadre nudges,
 *               digests, theory club, good-news report reminders) with their ledger row in one
 *               transaction; hands those deliveries to the outbox after the commit.
 * Retries:      5 attempts, backoff from 30 s (queues.ts). Every step is keyed (schedule_runs, the
 *               broadcast's scheduleKey, cadre_nudges counts), so a retry, a restart or a second
 *               worker firing the same instant never sends a step twice.
 * Outcome:      `{schedule, outcome, count}`. A firing that runs long after its time (the service was
 *               down) is skipped for the time-bound content and reminders (MAX_LATENESS_MS); the
 *               lifecycle and nudges decide from the state, so they simply run.
 */
import type { Job } from 'bullmq';
import type { ScheduleName } from '../config/config';
import { sendBranchDigests } from '../domain/reminders/branch-digest.service';
import { runCadreNudges } from '../domain/reminders/cadre-nudges.service';
import { sendGoodNewsReportReminders, sendTheoryClubReminder } from '../domain/reminders/periodic-reminders.service';
import { sendDailyContent, sendWeeklyTeaching } from '../domain/reminders/recurring-content.service';
import type { ScheduleContext } from '../domain/reminders/schedule-context';
import { runWaveLifecycle } from '../domain/reminders/wave-lifecycle.service';
import type { Logger } from '../logging/logger';
import { schedulerLateness } from '../metrics/metrics';
import type { ScheduleJob, ScheduleJobResult } from './queues';

const HOUR_MS = 3_600_000;

/** How late a firing may run and still send; null: no limit (the step decides from the state). */
export const MAX_LATENESS_MS: Readonly<Record<ScheduleName, number | null>> = {
  uncleHoTeaching: 24 * HOUR_MS,
  goodNews: 6 * HOUR_MS,
  legalInfo: 6 * HOUR_MS,
  waveLifecycle: null,
  cadreNudges: null,
  branchDigest: 12 * HOUR_MS,
  theoryClub: 7 * 24 * HOUR_MS,
  goodNewsReportReminder: 2 * HOUR_MS,
};

const SCHEDULE_NAMES: ReadonlySet<string> = new Set(Object.keys(MAX_LATENESS_MS));

export interface SchedulesProcessorDeps {
  readonly context: ScheduleContext;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * The instant the firing was scheduled for. A scheduler's job id is `repeat:<id>:<millis>`
 * (BullMQ's getSchedulerNextJobId), exactly the cron instant; a job added by hand has none, and
 * counts from when it was added.
 */
export function scheduledInstant(job: Pick<Job, 'id' | 'timestamp' | 'delay'>): Date {
  const match = /^repeat:.+:(\d+)$/.exec(job.id ?? '');
  if (match) return new Date(Number(match[1]));
  return new Date(job.timestamp + (job.delay ?? 0));
}

export type SchedulesProcessor = (job: Job<ScheduleJob, ScheduleJobResult>) => Promise<ScheduleJobResult>;

export function createSchedulesProcessor(deps: SchedulesProcessorDeps): SchedulesProcessor {
  const now = deps.now ?? (() => new Date());
  const { context: ctx, logger } = deps;

  return async (job) => {
    const schedule = job.data.schedule;
    if (!SCHEDULE_NAMES.has(schedule)) throw new Error(`unknown schedule: ${String(schedule)}`);
    const at = now();
    const scheduledFor = scheduledInstant(job);
    const lateMs = at.getTime() - scheduledFor.getTime();
    schedulerLateness.observe({ schedule }, Math.max(0, lateMs) / 1000);
    const maxLateness = MAX_LATENESS_MS[schedule];
    if (maxLateness !== null && lateMs > maxLateness) {
      logger.warn({ schedule, scheduledFor: scheduledFor.toISOString(), lateMs }, 'schedule: firing skipped, it ran too long after its time');
      return { schedule, outcome: 'skippedLate' };
    }
    const result = await run(schedule, scheduledFor, at);
    logger.info({ schedule, scheduledFor: scheduledFor.toISOString(), lateMs, outcome: result.outcome, count: result.count }, 'schedule: fired');
    return result;
  };

  async function run(schedule: ScheduleName, scheduledFor: Date, at: Date): Promise<ScheduleJobResult> {
    switch (schedule) {
      case 'uncleHoTeaching': {
        const outcome = await sendWeeklyTeaching(ctx, scheduledFor);
        if (outcome.kind === 'noneApproved') {
          logger.warn({ schedule, key: outcome.key }, 'schedule: no approved "Lời Bác dạy" teaching with a source; nothing sent this week (staff approve one in the content library)');
        }
        return { schedule, outcome: outcome.kind, count: outcome.kind === 'sent' ? 1 : 0 };
      }
      case 'goodNews':
      case 'legalInfo': {
        const outcome = await sendDailyContent(ctx, schedule, scheduledFor);
        if (outcome.sent.length === 0 && outcome.alreadySent === 0) logger.info({ schedule, day: outcome.day }, 'schedule: no approved item scheduled for the day');
        return { schedule, outcome: outcome.sent.length > 0 ? 'sent' : outcome.alreadySent > 0 ? 'alreadySent' : 'nothingDue', count: outcome.sent.length };
      }
      case 'waveLifecycle': {
        // The lifecycle compares wave dates with the time of the run, not of the firing.
        const { fired, failed } = await runWaveLifecycle(ctx, at);
        for (const step of fired) logger.info({ waveId: step.waveId, step: step.step, key: step.key, broadcastId: step.broadcastId, messages: step.messages }, 'wave step fired');
        // The next tick tries a failed step again; the job itself completes so other waves keep their pace.
        for (const f of failed) logger.error({ err: f.error, waveId: f.waveId, step: f.step }, 'wave step failed; the next tick tries it again');
        return { schedule, outcome: fired.length > 0 ? 'sent' : failed.length > 0 ? 'failed' : 'nothingDue', count: fired.length };
      }
      case 'cadreNudges': {
        const outcome = await runCadreNudges(ctx, at);
        for (const branchId of outcome.branchesWithoutSecretary) {
          logger.warn({ branchId }, 'cadre nudges: a branch has cadres to report but no member flagged as its secretary (members.is_branch_secretary)');
        }
        return { schedule, outcome: outcome.nudged + outcome.reportedToSecretary > 0 ? 'sent' : 'nothingDue', count: outcome.nudged + outcome.reportedToSecretary };
      }
      case 'branchDigest': {
        const outcome = await sendBranchDigests(ctx, scheduledFor);
        return { schedule, outcome: outcome.branches > 0 ? 'sent' : 'nothingDue', count: outcome.messages };
      }
      case 'theoryClub': {
        const outcome = await sendTheoryClubReminder(ctx, scheduledFor);
        return { schedule, outcome: outcome.ran ? 'sent' : 'alreadySent', count: outcome.messages };
      }
      case 'goodNewsReportReminder': {
        const outcome = await sendGoodNewsReportReminders(ctx, scheduledFor);
        return { schedule, outcome: outcome.ran ? 'sent' : 'alreadySent', count: outcome.messages };
      }
    }
  }
}
