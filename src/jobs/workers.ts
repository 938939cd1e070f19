import { Worker, type Job, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/database';
import { runWithLogContext } from '../logging/log-context';
import type { Logger } from '../logging/logger';
import { createHousekeepingProcessor } from './housekeeping.processor';
import { QUEUE_NAMES, isConnectionError, type HousekeepingJob, type HousekeepingResult } from './queues';

export interface WorkerDeps {
  readonly db: Db;
  readonly logger: Logger;
  /** A connection with `maxRetriesPerRequest: null`: workers wait out a Redis restart instead of failing jobs. */
  readonly connection: Redis;
  readonly prefix: string;
}

/**
 * Wraps a processor so that every line logged while it runs carries the job id and queue, and
 * so that failures are logged where the context still holds (Worker events fire outside it).
 * The wrapper declares `signal` so BullMQ hands processors an AbortSignal for cancellation.
 */
function inJobContext<D, R>(queue: string, logger: Logger, processor: Processor<D, R>): Processor<D, R> {
  return (job: Job<D, R>, token?: string, signal?: AbortSignal) =>
    runWithLogContext({ jobId: job.id, queue }, async () => {
      const started = Date.now();
      logger.debug({ jobName: job.name, attempt: job.attemptsMade + 1 }, 'job started');
      try {
        const result = await processor(job, token, signal);
        logger.info({ jobName: job.name, ms: Date.now() - started }, 'job completed');
        return result;
      } catch (err) {
        logger.error({ err, jobName: job.name, attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1, ms: Date.now() - started }, 'job failed');
        throw err;
      }
    });
}

function createWorker<D, R>(queue: string, processor: Processor<D, R>, deps: WorkerDeps, concurrency: number): Worker<D, R> {
  const worker = new Worker<D, R>(queue, inJobContext(queue, deps.logger, processor), {
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency,
  });
  worker.on('error', (err) => deps.logger[isConnectionError(err) ? 'debug' : 'error']({ err, queue }, 'worker error'));
  worker.on('stalled', (jobId) => deps.logger.warn({ jobId, queue }, 'job stalled: its worker died or blocked; it will run again'));
  return worker;
}

/** Starts a Worker for every queue this process consumes. */
export function startWorkers(deps: WorkerDeps): Worker[] {
  const housekeeping = createWorker<HousekeepingJob, HousekeepingResult>(
    QUEUE_NAMES.housekeeping,
    createHousekeepingProcessor({ db: deps.db, logger: deps.logger }),
    deps,
    1,
  );
  return [housekeeping as unknown as Worker];
}
