import { DelayedError, RateLimitError, UnrecoverableError, Worker, type Job, type Processor, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PlatformChannel } from '../channels/channel';
import type { Db } from '../db/database';
import { runWithLogContext } from '../logging/log-context';
import type { DeliveryPolicySettings } from '../domain/deliveries/delivery-policy';
import type { Logger } from '../logging/logger';
import { jobsTotal } from '../metrics/metrics';
import type { TurnPipelineDeps } from '../bot/turn-pipeline';
import { createHousekeepingProcessor } from './housekeeping.processor';
import { createSchedulesProcessor } from './schedules.processor';
import type { ScheduleContext } from '../domain/reminders/schedule-context';
import { createProofImagesProcessor, type ProofImagesDeps } from './proof-images.processor';
import { createTurnsProcessor } from './turns.processor';
import { createBullMqOutbox } from './outbox.bullmq';
import { createOutboxRelayProcessor } from './outbox-relay.processor';
import { createChannelPauser, createOutboundProcessor, type ChannelSenders } from './outbound.processor';
import { createOutboundBatchProcessor } from './outbound-batch.processor';
import { createSendBudget, windowFor } from './send-budget';
import { createBroadcastsProcessor } from './broadcasts.processor';
import type { BroadcastsService } from '../domain/broadcasts/broadcasts.service';
import {
  OUTBOUND_BATCH_QUEUE_NAMES,
  OUTBOUND_QUEUE_NAMES,
  PLATFORM_CHANNELS,
  type OutboundBatchJob,
  type OutboundBatchResult,
  QUEUE_NAMES,
  isConnectionError,
  type HousekeepingJob,
  type HousekeepingResult,
  type OutboundJob,
  type OutboundResult,
  type OutboxRelayJob,
  type OutboxRelayResult,
  type ProofImageJob,
  type ProofImageResult,
  type ProofImageSweepJob,
  type Queues,
  type ScheduleJob,
  type ScheduleJobResult,
  type TurnsJob,
  type TurnsResult,
  type BroadcastJob,
  type BroadcastJobResult,
  type BroadcastSweepJob,
  TURN_RUNNERS,
  triggerTurns,
} from './queues';

/** What the outbound workers and the outbox relay need. */
export interface OutboundWorkerDeps {
  /** The producers' side: the relay enqueues; a send pauses or rate-limits its channel's queue. */
  readonly queues: Queues;
  /** A channel without a sender gets no worker: its deliveries stay queued (a warning at start). */
  readonly senders: ChannelSenders;
  /** Each channel's limit (ZALO_SENDS_PER_SECOND, MESSENGER_SENDS_PER_SECOND), shared by all its workers. */
  readonly sendsPerSecond: Readonly<Record<PlatformChannel, number>>;
  /** Awaited before each send job (ROLE=all: webhooks first). */
  readonly beforeJob?: () => Promise<void>;
  /** The delivery policy's settings (deliveryPolicySettingsOf): every send but a reply passes it. */
  readonly policy: DeliveryPolicySettings;
  /** The policy's clock (tests set it); the system clock by default. */
  readonly now?: () => Date;
}

export interface WorkerDeps {
  readonly db: Db;
  readonly logger: Logger;
  /** A connection with `maxRetriesPerRequest: null`: workers wait out a Redis restart instead of failing jobs. */
  readonly connection: Redis;
  readonly prefix: string;
  /** Outbound deliveries and their relay; without it this process runs housekeeping only. */
  readonly outbound?: OutboundWorkerDeps;
  /** The content and reminder schedules (issue 5 §3); without it their firings wait for a process that has it. */
  readonly schedules?: { readonly context: ScheduleContext };
  /** Inbound turns; without it this process runs no conversations. */
  readonly turns?: TurnsWorkerDeps;
  /** Proof image downloads (and their sweeper); without it images wait for a process that has it. */
  readonly proofImages?: Omit<ProofImagesDeps, 'db' | 'logger'>;
  /** Broadcasts' fan-outs and completion checks; without it broadcasts wait for a process that has it. */
  readonly broadcasts?: BroadcastsWorkerDeps;
}

/** A firing is a few queries and inserts; two at once lets a long digest not hold the lifecycle back. */
export const SCHEDULES_WORKER_OPTIONS = { concurrency: 2, lockDuration: 60_000 } as const;

export interface BroadcastsWorkerDeps {
  readonly service: BroadcastsService;
  readonly queues: Queues;
}

/**
 * A fan-out is a loop of database pages (a few seconds for 100,000 recipients), so two at most run
 * at once; the others (completion checks, discards) are short.
 */
export const BROADCASTS_WORKER_OPTIONS = { concurrency: 2, lockDuration: 30_000, stalledInterval: 10_000 } as const;

/** Downloads wait on a CDN, not the CPU: a few at once; the lock covers the download's deadline. */
export const PROOF_IMAGES_WORKER_OPTIONS = { concurrency: 4, lockDuration: 60_000 } as const;

export interface TurnsWorkerDeps {
  readonly pipeline: TurnPipelineDeps;
  readonly queues: Pick<Queues, 'turns'>;
}

/**
 * A turns job drains batches of turns across conversations (turn-pipeline.ts), one transaction
 * (one database connection) per batch; TURN_RUNNERS slots bound how many run at once, so more
 * concurrency here would only wait. A job that stalls (its worker died) runs again from a
 * rolled-back transaction.
 */
export const TURNS_WORKER_OPTIONS = { concurrency: TURN_RUNNERS + 1, lockDuration: 30_000, stalledInterval: 5_000 } as const;

/**
 * Outbound sends are I/O bound (one HTTP call per message; a unit of a turn's replies is one job
 * of a few calls in a row), so many run at once; the lock is short so
 * that a job whose worker died is noticed within about 20 s (LIBRARIES.md B8). A send never holds
 * the event loop, so a false stall is not a risk; and a stalled send that had claimed its row is
 * not sent again (the row is no longer 'queued').
 */
export const OUTBOUND_WORKER_OPTIONS = { concurrency: 32, lockDuration: 15_000, stalledInterval: 5_000 } as const;

/**
 * A broadcast batch sends a chunk at a time, as fast as the channel's budget grants, with every
 * send of a chunk in flight at once. A busy machine stretches a chunk's claim, send and record
 * past a budget window, and more batches overlap them; more batches also hold more in flight,
 * and so more garbage between V8's collections. Measured on 100,000 recipients at 500/s per
 * channel (2026-11-29, load 3.5): 4 batches 100% of the limit, peak RSS 241 MB; 5 batches 100%,
 * 233-293 MB (the 293 at load 5). Their own queue, so that replies never wait for a worker slot
 * behind them.
 */
export const OUTBOUND_BATCH_WORKER_OPTIONS = { concurrency: 4, lockDuration: 15_000, stalledInterval: 5_000 } as const;

/** True when BullMQ will not run the job again after this error. */
function isFinalFailure(job: Job, err: unknown): boolean {
  return err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * Wraps a processor so that every line logged while it runs carries the job id and queue, and
 * so that failures are logged where the context still holds (Worker events fire outside it).
 * The wrapper declares `signal` so BullMQ hands processors an AbortSignal for cancellation.
 * A job put back by a rate limit or delayed until its turn is not a failure (debug); one that
 * will be retried is a warning; only the last failure is an error. A completed job is logged at
 * `completedLevel`: info for the rare maintenance jobs, debug for turns and sends, which run
 * once or twice per member message (a thousand lines a second under load would cost the process
 * more CPU than some of the jobs themselves; their failures still log at warn and error).
 */
function inJobContext<D, R>(queue: string, logger: Logger, processor: Processor<D, R>, completedLevel: 'info' | 'debug' = 'info'): Processor<D, R> {
  return (job: Job<D, R>, token?: string, signal?: AbortSignal) =>
    runWithLogContext({ jobId: job.id, queue }, async () => {
      const started = Date.now();
      logger.debug({ jobName: job.name, attempt: job.attemptsMade + 1 }, 'job started');
      try {
        const result = await processor(job, token, signal);
        logger[completedLevel]({ jobName: job.name, ms: Date.now() - started }, 'job completed');
        jobsTotal.inc({ queue, outcome: 'completed' });
        return result;
      } catch (err) {
        const fields = { jobName: job.name, attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1, ms: Date.now() - started };
        if (err instanceof RateLimitError) logger.debug(fields, 'job put back: queue rate-limited or paused');
        else if (err instanceof DelayedError) logger.debug(fields, 'job delayed: not its turn yet');
        else if (isFinalFailure(job, err)) logger.error({ err, ...fields }, 'job failed');
        else logger.warn({ err, ...fields }, 'job failed; will retry');
        const outcome = err instanceof RateLimitError ? 'rate_limited' : err instanceof DelayedError ? 'delayed' : isFinalFailure(job, err) ? 'failed' : 'retried';
        jobsTotal.inc({ queue, outcome });
        throw err;
      }
    });
}

/** Queues whose jobs run per member message: their completions are logged at debug. */
const HIGH_VOLUME_QUEUES: ReadonlySet<string> = new Set([QUEUE_NAMES.turns, ...Object.values(OUTBOUND_QUEUE_NAMES), ...Object.values(OUTBOUND_BATCH_QUEUE_NAMES)]);

function createWorker<D, R>(queue: string, processor: Processor<D, R>, deps: WorkerDeps, concurrency: number, options: Partial<WorkerOptions> = {}): Worker<D, R> {
  const worker = new Worker<D, R>(queue, inJobContext(queue, deps.logger, processor, HIGH_VOLUME_QUEUES.has(queue) ? 'debug' : 'info'), {
    ...options,
    connection: deps.connection,
    prefix: deps.prefix,
    concurrency,
  });
  worker.on('error', (err) => deps.logger[isConnectionError(err) ? 'debug' : 'error']({ err, queue }, 'worker error'));
  worker.on('stalled', (jobId) => deps.logger.warn({ jobId, queue }, 'job stalled: its worker died or blocked; it will run again'));
  return worker;
}

/** The relay, and one outbound worker per channel that has a sender. */
function startOutboundWorkers(deps: WorkerDeps, outbound: OutboundWorkerDeps): Worker[] {
  const { db, logger } = deps;
  const outbox = createBullMqOutbox({ db, queues: outbound.queues, logger });
  const relay = createWorker<OutboxRelayJob, OutboxRelayResult>(QUEUE_NAMES.outboxRelay, createOutboxRelayProcessor({ db, logger, queues: outbound.queues, outbox }), deps, 1);
  const workers: Worker[] = [relay as unknown as Worker];
  const pauser = createChannelPauser(outbound.queues, logger);
  const budget = createSendBudget(deps.connection, deps.prefix, outbound.sendsPerSecond);
  for (const channel of PLATFORM_CHANNELS) {
    const sender = outbound.senders[channel];
    if (!sender) {
      logger.warn({ channel }, `outbound: no ${channel} sender configured; ${channel} deliveries stay queued until one is`);
      continue;
    }
    const { concurrency, ...options } = OUTBOUND_WORKER_OPTIONS;
    const sendDeps = {
      db,
      logger,
      queues: outbound.queues,
      pauser,
      budget,
      policy: outbound.policy,
      ...(outbound.now ? { now: outbound.now } : {}),
      ...(outbound.beforeJob ? { beforeJob: outbound.beforeJob } : {}),
    };
    const worker = createWorker<OutboundJob, OutboundResult>(OUTBOUND_QUEUE_NAMES[channel], createOutboundProcessor(sender, sendDeps), deps, concurrency, {
      ...options,
      limiter: limiterFor(outbound.sendsPerSecond[channel]),
    });
    workers.push(worker as unknown as Worker);
    const { concurrency: batchConcurrency, ...batchOptions } = OUTBOUND_BATCH_WORKER_OPTIONS;
    const batchProcessor = createOutboundBatchProcessor(sender, sendDeps);
    workers.push(createWorker<OutboundBatchJob, OutboundBatchResult>(OUTBOUND_BATCH_QUEUE_NAMES[channel], batchProcessor, deps, batchConcurrency, batchOptions) as unknown as Worker);
  }
  return workers;
}

/** Starts a Worker for every queue this process consumes. */
export function startWorkers(deps: WorkerDeps): Worker[] {
  const housekeeping = createWorker<HousekeepingJob, HousekeepingResult>(
    QUEUE_NAMES.housekeeping,
    createHousekeepingProcessor({ db: deps.db, logger: deps.logger }),
    deps,
    1,
  );
  const workers: Worker[] = [housekeeping as unknown as Worker];
  if (deps.schedules) {
    const { concurrency, ...options } = SCHEDULES_WORKER_OPTIONS;
    const processor = createSchedulesProcessor({ context: deps.schedules.context, logger: deps.logger });
    workers.push(createWorker<ScheduleJob, ScheduleJobResult>(QUEUE_NAMES.schedules, processor, deps, concurrency, options) as unknown as Worker);
  }
  if (deps.turns) {
    const { queues, pipeline } = deps.turns;
    const { concurrency, ...options } = TURNS_WORKER_OPTIONS;
    const processor = createTurnsProcessor(pipeline, () => triggerTurns(queues, ['requeue']));
    workers.push(createWorker<TurnsJob, TurnsResult>(QUEUE_NAMES.turns, processor, deps, concurrency, options) as unknown as Worker);
  }
  if (deps.outbound) workers.push(...startOutboundWorkers(deps, deps.outbound));
  if (deps.proofImages) {
    const { concurrency, ...options } = PROOF_IMAGES_WORKER_OPTIONS;
    const processor = createProofImagesProcessor({ db: deps.db, logger: deps.logger, ...deps.proofImages });
    workers.push(createWorker<ProofImageJob | ProofImageSweepJob, ProofImageResult>(QUEUE_NAMES.proofImages, processor, deps, concurrency, options) as unknown as Worker);
  }
  if (deps.broadcasts) {
    const { concurrency, ...options } = BROADCASTS_WORKER_OPTIONS;
    const processor = createBroadcastsProcessor({ db: deps.db, logger: deps.logger, queues: deps.broadcasts.queues, service: deps.broadcasts.service });
    workers.push(createWorker<BroadcastJob | BroadcastSweepJob, BroadcastJobResult>(QUEUE_NAMES.broadcasts, processor, deps, concurrency, options) as unknown as Worker);
  }
  return workers;
}

/**
 * BullMQ's limiter bounds how many jobs start per window, not when their calls reach the platform,
 * and counts jobs, not sends: the send budget (send-budget.ts) is what holds the channel's limit.
 * The limiter stays on the single queue, in the budget's windows, so that a backlog of replies
 * does not start far more jobs than the budget lets send, and because `queue.rateLimit` (a 429)
 * needs one (LIBRARIES.md B5).
 */
export function limiterFor(perSecond: number): { max: number; duration: number } {
  return windowFor(perSecond);
}
