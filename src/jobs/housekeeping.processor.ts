/**
 * housekeeping processor
 *
 * Inputs:       a `housekeeping` job, `{inboundRetentionDays}` (the daily scheduler sends 30), or a
 *               `tally-compaction` job, `{keysPerRound}` (every minute, 1,000).
 * Side effects: housekeeping: deletes inbound_events whose status is processed or ignored and that
 *               were received more than `inboundRetentionDays` days ago, in batches of `batchSize`
 *               rows, oldest first; logs each batch at debug and the total at info.
 *               tally-compaction: folds the report tallies' delta rows, one row per key (migration
 *               1100's tally_compact), `keysPerRound` keys per tally and transaction, in rounds
 *               until a round folds nothing or after `maxCompactionRounds`; logs the total at
 *               debug, or at info when it folded something. Nothing else is touched.
 * Retries:      housekeeping: 3 attempts with exponential backoff from 1 minute (queues.ts);
 *               tally-compaction: none, the next minute's run is the retry. Re-running either is
 *               harmless: rows already deleted are not found again; folded figures are unchanged.
 * Outcome:      `{deletedInboundEvents, batches, cutoff, stoppedEarly}` or `{foldedRows, rounds,
 *               stoppedEarly}`. When the job is cancelled (the worker is shutting down and out of
 *               time) it stops between batches or rounds and completes with `stoppedEarly: true`;
 *               the next run does the rest.
 */
import type { Job } from 'bullmq';
import type { Db } from '../db/database';
import type { Logger } from '../logging/logger';
import { compactTallies, deleteFinishedInboundEvents } from './housekeeping.repository';
import { HOUSEKEEPING_JOB_NAME, TALLY_COMPACTION_JOB_NAME, type HousekeepingJob, type HousekeepingResult, type InboundPurgeJob, type InboundPurgeResult, type TallyCompactionJob, type TallyCompactionResult } from './queues';

export interface HousekeepingDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly batchSize?: number;
  readonly maxCompactionRounds?: number;
  readonly now?: () => Date;
}

export const DEFAULT_HOUSEKEEPING_BATCH_SIZE = 1_000;
/** With 1,000 keys per round, 20 rounds fold 20,000 keys a minute: more than a city's day of writes touches. */
export const DEFAULT_MAX_COMPACTION_ROUNDS = 20;
const DAY_MS = 86_400_000;

export type HousekeepingProcessor = (job: Job<HousekeepingJob, HousekeepingResult>, token?: string, signal?: AbortSignal) => Promise<HousekeepingResult>;

export function createHousekeepingProcessor(deps: HousekeepingDeps): HousekeepingProcessor {
  const batchSize = deps.batchSize ?? DEFAULT_HOUSEKEEPING_BATCH_SIZE;
  const now = deps.now ?? (() => new Date());

  const maxRounds = deps.maxCompactionRounds ?? DEFAULT_MAX_COMPACTION_ROUNDS;

  async function purgeInbound(data: InboundPurgeJob, signal?: AbortSignal): Promise<InboundPurgeResult> {
    const days = data.inboundRetentionDays;
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
  }

  async function compact(data: TallyCompactionJob, signal?: AbortSignal): Promise<TallyCompactionResult> {
    const keys = data.keysPerRound;
    if (!Number.isInteger(keys) || keys < 1) throw new Error(`keysPerRound must be a positive integer, got ${String(keys)}`);
    let folded = 0;
    let rounds = 0;
    let stoppedEarly = false;
    for (;;) {
      if (signal?.aborted || rounds === maxRounds) {
        stoppedEarly = true;
        break;
      }
      const count = await compactTallies(deps.db, keys);
      rounds += 1;
      folded += count;
      // A tally that reached the round's cap folded at least two rows per key: under that, none did,
      // and another round would only group the tables again to find nothing.
      if (count < 2 * keys) break;
    }
    const log = folded > 0 || stoppedEarly ? deps.logger.info.bind(deps.logger) : deps.logger.debug.bind(deps.logger);
    log({ foldedRows: folded, rounds, stoppedEarly }, 'housekeeping: tallies compacted');
    return { foldedRows: folded, rounds, stoppedEarly };
  }

  return async (job, _token, signal) => {
    if (job.name === TALLY_COMPACTION_JOB_NAME) return compact(job.data as TallyCompactionJob, signal);
    if (job.name === HOUSEKEEPING_JOB_NAME) return purgeInbound(job.data as InboundPurgeJob, signal);
    throw new Error(`housekeeping: unknown job name ${job.name}`);
  };
}
