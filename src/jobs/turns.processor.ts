/**
 * turns: drains pending turns, in batches across conversations.
 *
 * Input: `{}` (or, from jobs of before the batches, `{ conversationKey }`): a trigger, not the
 * events: they live in `inbound_events`. Jobs are deduplicated per runner slot (queues.ts
 * `triggerTurns`); each runs `drainPending`: batches of up to DEFAULT_BATCH_CONVERSATIONS
 * conversations, one transaction each, until no conversation has an event ready. A batch locks
 * its conversations (passing by those another drain holds), so a conversation's turns run one at
 * a time and in the platform's order while different conversations run concurrently.
 * Side effects: each turn commits its state, domain changes, replies (as deliveries) and the
 * event's status with its batch; each turn runs behind a savepoint, so one failing turn is rolled
 * back alone; replies are then handed to the outbound queues.
 * Retries: PostgreSQL away: the drain waits for it (up to DRAIN_DATABASE_PATIENCE_MS), then fails
 * into the job's backoff. Redis away after a batch committed: the batch waits for it to add its
 * jobs (up to AFTER_COMMIT_REDIS_PATIENCE_MS, `waitingOutRedis`), then the drain fails and the
 * outbox relay gives the batch's rows their jobs. A failing turn is counted on its event, which waits for a backoff (1 s doubling) while
 * later events of that conversation wait too; a delayed drain is queued for when it runs out.
 * After `maxAttempts` failures the event is dead-lettered (staff can replay it) and the member
 * gets an apology. A worker killed mid-batch loses nothing: the transaction rolls back and the
 * stalled job (or the next trigger, or the relay) runs the batch again.
 * Outcome: `{ processed, dead }`; when it stopped at its batch budget it queues itself again.
 */
import type { Job } from 'bullmq';
import { drainPending, type DrainOutcome, type TurnPipelineDeps } from '../bot/turn-pipeline';
import { withDatabasePatience } from '../db/outage';
import type { Logger } from '../logging/logger';
import { isRedisUnavailable, withRedisPatience } from './redis-outage';
import type { TurnsJob } from './queues';

/** Batches one job runs before it yields (queues itself again) to the other jobs of the worker. */
export const BATCHES_PER_JOB = 50;

/**
 * How long a drain waits for PostgreSQL to come back before it fails into its backoff. A drain
 * that failed during an outage sat in that backoff (1 s doubling) after the database was back,
 * and its runner slot's triggers were deduplicated against it: after a 60 s outage the turns
 * stalled for half a minute more. Running a drain again is safe: a batch that failed rolled back.
 */
const DRAIN_DATABASE_PATIENCE_MS = 90_000;

/**
 * How long a committed batch waits for Redis to add its jobs (its replies', the deliveries it
 * queued for others or released, its delayed drain) before it gives up and leaves its rows
 * 'queued' for the outbox relay. Without it a batch committing during a Redis restart gave up at
 * once, and its replies (and each of those members' later messages, which wait behind them) went
 * out only when the relay found them 30 s old, on its 30 s tick: 15 s of a 10 s outage's
 * recovery (RELIABILITY-faults.md finding 6). 30 s: several times a restart (the fault suite's is
 * 10 s; ioredis then reconnects within 2 s), and as long as the relay's `queuedStaleAfterMs`, from
 * which on the relay restores the rows anyway (a job's id is its delivery's: restoring and
 * enqueueing never double), so waiting longer would buy nothing. While it waits the drain holds no
 * database connection (the batch committed) and runs no more turns, whose jobs could not be added
 * either (and the webhooks answer 503 meanwhile, so no trigger is lost).
 */
export const AFTER_COMMIT_REDIS_PATIENCE_MS = 30_000;

/**
 * `enqueue` for what a committed batch hands to Redis: it waits out a Redis outage of up to
 * AFTER_COMMIT_REDIS_PATIENCE_MS (one warning when it starts waiting), then throws as before.
 * Any other error is thrown at once.
 */
export function waitingOutRedis<A extends readonly unknown[]>(logger: Logger, what: string, enqueue: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  const patienceMs = AFTER_COMMIT_REDIS_PATIENCE_MS;
  return (...args) =>
    withRedisPatience(() => enqueue(...args), {
      patienceMs,
      onWait: (err, attempt) => {
        if (attempt === 1) logger.warn({ err, what, patienceMs }, 'turns: Redis is away; the committed batch waits for it to add its jobs');
      },
    }).catch((err: unknown) => {
      if (isRedisUnavailable(err)) logger.warn({ err, what, patienceMs }, 'turns: Redis stayed away; the batch leaves its rows queued for the outbox relay');
      throw err;
    });
}

export function createTurnsProcessor(pipeline: TurnPipelineDeps, requeue: () => Promise<void>) {
  return async (_job: Job<TurnsJob>): Promise<DrainOutcome> => {
    const outcome = await withDatabasePatience(() => drainPending(pipeline, { maxBatches: BATCHES_PER_JOB }), {
      patienceMs: DRAIN_DATABASE_PATIENCE_MS,
      retryOtherErrors: false,
      onWait: (err, attempt) => {
        if (attempt === 1) pipeline.logger.warn({ err, patienceMs: DRAIN_DATABASE_PATIENCE_MS }, 'turns: the database is away; the drain waits for it');
      },
    });
    if (outcome.more) await requeue();
    return { processed: outcome.processed, dead: outcome.dead };
  };
}
