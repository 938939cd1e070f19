import { Queue, type DefaultJobOptions, type JobSchedulerTemplateOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger';

/**
 * Every queue, its job names and payload types, in one place. Payloads carry ids and settings,
 * never personal data: BullMQ stores job data in clear text in Redis.
 */
export const QUEUE_NAMES = {
  housekeeping: 'housekeeping',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** Daily maintenance of the database. */
export interface HousekeepingJob {
  /** Processed and ignored inbound events older than this many days are deleted. */
  readonly inboundRetentionDays: number;
}

export interface HousekeepingResult {
  readonly deletedInboundEvents: number;
  readonly batches: number;
  /** ISO time: events received before it were eligible. */
  readonly cutoff: string;
  /** True when the job was cancelled (shutdown) between batches; the next run finishes the work. */
  readonly stoppedEarly: boolean;
}

export const HOUSEKEEPING_JOB_NAME = 'housekeeping';
export const INBOUND_RETENTION_DAYS = 30;

const DAY_SECONDS = 86_400;

/**
 * Per queue job options. BullMQ keeps finished jobs forever unless told (LIBRARIES.md B10), and
 * a job scheduler's template replaces these wholesale, so schedules.ts passes them in full.
 */
export const JOB_OPTIONS: { readonly [K in QueueName]: DefaultJobOptions & JobSchedulerTemplateOptions } = {
  housekeeping: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 60_000 },
    removeOnComplete: { age: 30 * DAY_SECONDS, count: 60 },
    removeOnFail: { age: 30 * DAY_SECONDS },
  },
};

export interface Queues {
  readonly housekeeping: Queue<HousekeepingJob, HousekeepingResult>;
}

/**
 * The producers' side of every queue, on one shared connection (the fail-fast one: an HTTP
 * handler adding a job while Redis is away gets an error, not a hang). `prefix` namespaces all
 * keys, so deployments or test files sharing a Redis never see each other's jobs.
 */
export function createQueues(connection: Redis, prefix: string, logger: Logger): Queues {
  const housekeeping = new Queue<HousekeepingJob, HousekeepingResult>(QUEUE_NAMES.housekeeping, {
    connection,
    prefix,
    defaultJobOptions: JOB_OPTIONS.housekeeping,
  });
  const queues: Queues = { housekeeping };
  for (const queue of allQueues(queues)) {
    queue.on('error', (err) => logger[isConnectionError(err) ? 'debug' : 'error']({ err, queue: queue.name }, 'queue error'));
  }
  return queues;
}

/** Every queue, for what treats them alike (error logging, closing, scheduler cleanup). */
export function allQueues(queues: Queues): Queue[] {
  return Object.values(queues) as Queue[];
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * True for a lost or refused Redis connection. BullMQ re-emits one on every reconnect attempt;
 * the connection itself logs the outage once (main/redis.ts), so these go to debug.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return (code !== undefined && CONNECTION_ERROR_CODES.has(code)) || /connection is closed|stream isn't writeable/i.test(error.message);
}
