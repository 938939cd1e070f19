/**
 * housekeeping processor
 *
 * Inputs:       a `housekeeping` job, `{inboundRetentionDays}` (the daily scheduler sends 30).
 * Side effects: deletes inbound_events whose status is processed or ignored and that were received
 *               more than `inboundRetentionDays` days ago, in batches of `batchSize` rows, oldest
 *               first; logs each batch at debug and the total at info. Nothing else is touched.
 * Retries:      3 attempts with exponential backoff from 1 minute (queues.ts). Re-running is
 *               harmless: rows already deleted are simply not found again.
 * Outcome:      `{deletedInboundEvents, batches, cutoff, stoppedEarly}`. When the job is cancelled
 *               (the worker is shutting down and out of time) it stops between batches and
 *               completes with `stoppedEarly: true`; the next day's run deletes the rest.
 */
import type { Job } from 'bullmq';
import type { Db } from '../db/database';
import type { Logger } from '../logging/logger';
import { deleteFinishedInboundEvents } from './housekeeping.repository';
import type { HousekeepingJob, HousekeepingResult } from './queues';

export interface HousekeepingDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly batchSize?: number;
  readonly now?: () => Date;
}

export const DEFAULT_HOUSEKEEPING_BATCH_SIZE = 1_000;
const DAY_MS = 86_400_000;

export type HousekeepingProcessor = (job: Job<HousekeepingJob, HousekeepingResult>, token?: string, signal?: AbortSignal) => Promise<HousekeepingResult>;

export function createHousekeepingProcessor(deps: HousekeepingDeps): HousekeepingProcessor {
  const batchSize = deps.batchSize ?? DEFAULT_HOUSEKEEPING_BATCH_SIZE;
  const now = deps.now ?? (() => new Date());

  return async (job, _token, signal) => {
    const days = job.data.inboundRetentionDays;
    if (!Number.isInteger(days) || days < 1) throw new Error(`inboundRetentionDays must be a positive integer, got ${String(days)}`);
    const cutoff = new Date(now().getTime() - days * DAY_MS);
    let deleted = 0;
    let batches = 0;
    let stoppedEarly = false;
    for (;;) {
      if (signal?.aborted) {
        stoppedEarly = true;
        break;
      }
      const count = await deleteFinishedInboundEvents(deps.db, cutoff, batchSize);
      batches += 1;
      deleted += count;
      deps.logger.debug({ batch: batches, deleted: count }, 'housekeeping: inbound events batch deleted');
      if (count < batchSize) break;
    }
    deps.logger.info({ deletedInboundEvents: deleted, batches, cutoff: cutoff.toISOString(), stoppedEarly }, 'housekeeping: old inbound events deleted');
    return { deletedInboundEvents: deleted, batches, cutoff: cutoff.toISOString(), stoppedEarly };
  };
}
