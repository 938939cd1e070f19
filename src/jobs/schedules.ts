import type { Queue } from 'bullmq';
import type { ScheduleName, ScheduleSettings } from '../config/config';
import {
  HOUSEKEEPING_JOB_NAME,
  INBOUND_RETENTION_DAYS,
  JOB_OPTIONS,
  OUTBOX_RELAY_DEFAULTS,
  OUTBOX_RELAY_EVERY_MS,
  OUTBOX_RELAY_JOB_NAME,
  PROOF_IMAGE_SWEEP_EVERY_MS,
  PROOF_IMAGE_SWEEP_JOB_NAME,
  BROADCAST_JOB_NAMES,
  BROADCAST_SWEEP_EVERY_MS,
  TALLY_COMPACTION_DEFAULTS,
  TALLY_COMPACTION_EVERY_MS,
  TALLY_COMPACTION_JOB_NAME,
  type Queues,
  type ScheduleJob,
  type ScheduleJobResult,
} from './queues';

export const HOUSEKEEPING_SCHEDULER_ID = 'housekeeping-daily';
/** 03:30 local time: the quietest hour for a district's members and staff. */
export const HOUSEKEEPING_PATTERN = '30 3 * * *';
/** Every minute, on the housekeeping queue: the report tallies' delta rows are folded (migration 1100). */
export const TALLY_COMPACTION_SCHEDULER_ID = 'tally-compaction';
/** Every 30 s: deliveries left without a job get one back; sends cut off mid-flight are closed. */
export const OUTBOX_RELAY_SCHEDULER_ID = 'outbox-relay';
/** Every minute: proof images whose download job was lost get it back. */
export const PROOF_IMAGE_SWEEP_SCHEDULER_ID = 'proof-images-sweep';
/** Every minute: an unfinished broadcast without its job (fan-out or completion check) gets it back. */
export const BROADCAST_SWEEP_SCHEDULER_ID = 'broadcasts-sweep';

/** The scheduler id of each content and reminder schedule (stable: renaming one would leave the old running until removed). */
export const SCHEDULE_SCHEDULER_IDS: Readonly<Record<ScheduleName, string>> = {
  uncleHoTeaching: 'uncle-ho-teaching',
  goodNews: 'good-news',
  legalInfo: 'legal-info',
  waveLifecycle: 'wave-lifecycle',
  cadreNudges: 'cadre-nudges',
  branchDigest: 'branch-digest',
  theoryClub: 'theory-club',
  goodNewsReportReminder: 'good-news-report-reminder',
};

/**
 * Declares every recurring job. Run once at worker start: upserting is idempotent, and it always
 * passes the whole template, because an upsert replaces the template (options included) rather
 * than merging it (LIBRARIES.md B2). Schedulers no longer declared here are removed, so renaming
 * one does not leave the old one running. `timezone` is the deployment's (APP_TIMEZONE); without
 * it the cron would follow the server's zone.
 */
export async function ensureSchedulers(queues: Queues, timezone: string, schedules?: ScheduleSettings): Promise<void> {
  await queues.housekeeping.upsertJobScheduler(
    HOUSEKEEPING_SCHEDULER_ID,
    { pattern: HOUSEKEEPING_PATTERN, tz: timezone },
    { name: HOUSEKEEPING_JOB_NAME, data: { inboundRetentionDays: INBOUND_RETENTION_DAYS }, opts: { ...JOB_OPTIONS.housekeeping } },
  );
  // No retries: the next minute's run is one.
  await queues.housekeeping.upsertJobScheduler(
    TALLY_COMPACTION_SCHEDULER_ID,
    { every: TALLY_COMPACTION_EVERY_MS },
    { name: TALLY_COMPACTION_JOB_NAME, data: { ...TALLY_COMPACTION_DEFAULTS }, opts: { ...JOB_OPTIONS.housekeeping, attempts: 1 } },
  );
  await removeUndeclared(queues.housekeeping, [HOUSEKEEPING_SCHEDULER_ID, TALLY_COMPACTION_SCHEDULER_ID]);
  if (schedules) await ensureContentSchedulers(queues.schedules, timezone, schedules);
  await queues.outboxRelay.upsertJobScheduler(
    OUTBOX_RELAY_SCHEDULER_ID,
    { every: OUTBOX_RELAY_EVERY_MS },
    { name: OUTBOX_RELAY_JOB_NAME, data: { ...OUTBOX_RELAY_DEFAULTS }, opts: { ...JOB_OPTIONS['outbox-relay'] } },
  );
  await removeUndeclared(queues.outboxRelay, [OUTBOX_RELAY_SCHEDULER_ID]);
  await queues.proofImages.upsertJobScheduler(
    PROOF_IMAGE_SWEEP_SCHEDULER_ID,
    { every: PROOF_IMAGE_SWEEP_EVERY_MS },
    { name: PROOF_IMAGE_SWEEP_JOB_NAME, data: {}, opts: { ...JOB_OPTIONS['proof-images'], attempts: 1 } },
  );
  await removeUndeclared(queues.proofImages, [PROOF_IMAGE_SWEEP_SCHEDULER_ID]);
  await queues.broadcasts.upsertJobScheduler(
    BROADCAST_SWEEP_SCHEDULER_ID,
    { every: BROADCAST_SWEEP_EVERY_MS },
    { name: BROADCAST_JOB_NAMES.sweep, data: {}, opts: { ...JOB_OPTIONS.broadcasts, attempts: 1 } },
  );
  await removeUndeclared(queues.broadcasts, [BROADCAST_SWEEP_SCHEDULER_ID]);
}

/**
 * The content and reminder schedules (issue 5 §3), each at its setting's cron pattern in
 * `timezone`; a schedule set to `off` is removed. The job carries only the schedule's name.
 */
async function ensureContentSchedulers(queue: Queue<ScheduleJob, ScheduleJobResult>, timezone: string, schedules: ScheduleSettings): Promise<void> {
  const declared: string[] = [];
  for (const [schedule, pattern] of Object.entries(schedules) as [ScheduleName, string | null][]) {
    if (pattern === null) continue;
    const id = SCHEDULE_SCHEDULER_IDS[schedule];
    await queue.upsertJobScheduler(id, { pattern, tz: timezone }, { name: schedule, data: { schedule }, opts: { ...JOB_OPTIONS.schedules } });
    declared.push(id);
  }
  await removeUndeclared(queue, declared);
}

async function removeUndeclared(queue: Queue, declared: readonly string[]): Promise<void> {
  for (const scheduler of await queue.getJobSchedulers()) {
    const id = scheduler.id ?? scheduler.key;
    if (!declared.includes(id)) await queue.removeJobScheduler(id);
  }
}
