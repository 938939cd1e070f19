/**
 * broadcasts processor (queue `broadcasts`)
 *
 * Inputs:       `{broadcastId}` for `fanout`, `completion` and `discard`; `{}` for `sweep` (every minute).
 * Side effects: fanout     - the broadcast's fan-out (broadcasts.service.ts): deliveries recorded page by
 *                            page, the first sends enqueued; then its progress job;
 *               progress   - every second while it is sending: its sends fed to the outbound queues a
 *                            few thousand ahead; once all are fed and none is queued or being sent,
 *                            'sending' -> 'completed';
 *               discard    - after a cancel, removes its waiting batches and the waiting send jobs of
 *                            its cancelled deliveries (a job that runs anyway finds its rows
 *                            cancelled and does nothing);
 *               sweep      - adds the job an unfinished broadcast should have (a crash between
 *                            recording a broadcast and adding its job, Redis restarted empty).
 * Retries:      a failed fan-out retries with backoff (queues.ts) and resumes from its saved cursor;
 *               nothing is recorded twice (idempotency keys) and enqueueing is idempotent (job ids).
 * Waiting:      a fan-out before its time, and a progress job with sends still pending, move
 *               themselves to the delayed set (no attempt used).
 * Outcome:      `{outcome, count?}`.
 */
import { DelayedError, type Job } from 'bullmq';
import type { Db } from '../db/database';
import { fedDeliveries, unfinishedBroadcasts } from '../domain/broadcasts/broadcasts.repository';
import type { BroadcastJobs, BroadcastsService } from '../domain/broadcasts/broadcasts.service';
import type { Logger } from '../logging/logger';
import {
  BROADCAST_JOB_NAMES,
  PLATFORM_CHANNELS,
  broadcastJobId,
  outboundBatchQueueOf,
  outboundJobId,
  outboundQueueOf,
  type BroadcastJob,
  type BroadcastJobResult,
  type BroadcastSweepJob,
  type Queues,
} from './queues';

/** How often a sending broadcast feeds its sends and looks whether it is done. */
export const PROGRESS_EVERY_MS = 1_000;
const DISCARD_PAGE = 1_000;
const SWEEP_LIMIT = 200;

export interface BroadcastsProcessorDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly queues: Queues;
  readonly service: BroadcastsService;
}

export type BroadcastsProcessor = (job: Job<BroadcastJob | BroadcastSweepJob, BroadcastJobResult>, token?: string) => Promise<BroadcastJobResult>;

/** `BroadcastJobs` on the broadcasts queue. */
export function createBullMqBroadcastJobs(queues: Pick<Queues, 'broadcasts'>): BroadcastJobs & { watchProgress(broadcastId: string, delayMs: number): Promise<void> } {
  const queue = queues.broadcasts;
  return {
    async scheduleFanOut(broadcastId, at) {
      const delay = at ? Math.max(0, at.getTime() - Date.now()) : 0;
      await queue.add(BROADCAST_JOB_NAMES.fanOut, { broadcastId }, { jobId: broadcastJobId('fanout', broadcastId), ...(delay > 0 ? { delay } : {}) });
    },
    async watchProgress(broadcastId, delayMs) {
      await queue.add(BROADCAST_JOB_NAMES.progress, { broadcastId }, { jobId: broadcastJobId('progress', broadcastId), delay: delayMs });
    },
    async afterCancel(broadcastId) {
      const fanOut = await queue.getJob(broadcastJobId('fanout', broadcastId));
      // A running fan-out stops by itself at its next page; a waiting or delayed one is dropped.
      if (fanOut && ((await fanOut.isDelayed()) || (await fanOut.isWaiting()))) await fanOut.remove().catch(() => undefined);
      await queue.add(BROADCAST_JOB_NAMES.discard, { broadcastId }, { jobId: broadcastJobId('discard', broadcastId) });
    },
  };
}

export function createBroadcastsProcessor(deps: BroadcastsProcessorDeps): BroadcastsProcessor {
  const { db, logger, queues, service } = deps;
  const jobs = createBullMqBroadcastJobs(queues);

  async function discard(broadcastId: string): Promise<number> {
    let removed = 0;
    // Its batches not yet running (a running one finds its rows cancelled and passes them by).
    for (const channel of PLATFORM_CHANNELS) {
      const batches = await outboundBatchQueueOf(queues, channel).getJobs(['waiting', 'prioritized', 'delayed'], 0, -1);
      for (const batch of batches) {
        if (batch?.data.broadcastId === broadcastId && batch.id) removed += await outboundBatchQueueOf(queues, channel).remove(batch.id).catch(() => 0);
      }
    }
    let after = 0;
    for (;;) {
      const fed = await fedDeliveries(db, broadcastId, after, DISCARD_PAGE);
      if (fed.length === 0) return removed;
      after = fed[fed.length - 1]!.id;
      const page = fed.filter((d) => d.cancelled);
      for (const channel of PLATFORM_CHANNELS) {
        const queue = outboundQueueOf(queues, channel);
        // remove() leaves an active (locked) job alone: it finds its row cancelled. It answers 1 for
        // a job that does not exist too: only those found are counted.
        const results = await Promise.all(
          page
            .filter((d) => d.channel === channel)
            .map(async (d) => ((await queue.getJob(outboundJobId(d.id))) ? queue.remove(outboundJobId(d.id)) : 0))
            .map((removing) => removing.catch(() => 0)),
        );
        removed += results.reduce<number>((n, r) => n + r, 0);
      }
    }
  }

  async function sweep(): Promise<number> {
    let added = 0;
    for (const b of await unfinishedBroadcasts(db, SWEEP_LIMIT)) {
      if (b.status === 'sending') await jobs.watchProgress(b.id, 0);
      else await jobs.scheduleFanOut(b.id, b.send_at);
      added += 1;
    }
    return added;
  }

  return async (job, token) => {
    if (job.name === BROADCAST_JOB_NAMES.sweep) return { outcome: 'swept', count: await sweep() };
    const { broadcastId } = job.data as BroadcastJob;
    switch (job.name) {
      case BROADCAST_JOB_NAMES.fanOut: {
        const started = Date.now();
        const outcome = await service.fanOut(broadcastId);
        if (outcome.kind === 'notDue') {
          await job.moveToDelayed(outcome.at.getTime(), token);
          throw new DelayedError();
        }
        if (outcome.kind === 'skipped') {
          logger.info({ broadcastId, status: outcome.status }, 'broadcast: fan-out not run (cancelled, done or unknown)');
          return { outcome: 'skipped' };
        }
        logger.info({ broadcastId, recipients: outcome.recipients, pages: outcome.pages, statistics: outcome.statistics, ms: Date.now() - started }, 'broadcast: fanned out');
        if (outcome.statistics === 'notAllowed') {
          logger.warn({ broadcastId }, "broadcast: could not refresh the planner's statistics of deliveries (the app's database user does not own the table): the first minutes of sending may run below the limit until autovacuum analyzes it");
        }
        await jobs.watchProgress(broadcastId, PROGRESS_EVERY_MS);
        return { outcome: 'fannedOut', count: outcome.recipients };
      }
      case BROADCAST_JOB_NAMES.progress: {
        const step = await service.progress(broadcastId);
        if (step.kind === 'feeding' || step.kind === 'pending') {
          // Only held deliveries left (quiet hours): nothing to feed or check before they are due.
          const at = Math.max(Date.now() + PROGRESS_EVERY_MS, step.kind === 'pending' ? (step.nextDueAt?.getTime() ?? 0) : 0);
          await job.moveToDelayed(at, token);
          throw new DelayedError();
        }
        if (step.kind === 'completed') logger.info({ broadcastId }, 'broadcast: completed');
        return { outcome: step.kind };
      }
      case BROADCAST_JOB_NAMES.discard: {
        const started = Date.now();
        const removed = await discard(broadcastId);
        logger.info({ broadcastId, removed, ms: Date.now() - started }, 'broadcast: send jobs of cancelled deliveries removed');
        return { outcome: 'discarded', count: removed };
      }
      default:
        throw new Error(`broadcasts: unknown job name ${job.name}`);
    }
  };
}
