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
 * into the job's backoff. A failing turn is counted on its event, which waits for a backoff (1 s doubling) while
 * later events of that conversation wait too; a delayed drain is queued for when it runs out.
 * After `maxAttempts` failures the event is dead-lettered (staff can replay it) and the member
 * gets an apology. A worker killed mid-batch loses nothing: the transaction rolls back and the
 * stalled job (or the next trigger, or the relay) runs the batch again.
 * Outcome: `{ processed, dead }`; when it stopped at its batch budget it queues itself again.
 */
import type { Job } from 'bullmq';
import { drainPending, type DrainOutcome, type TurnPipelineDeps } from '../bot/turn-pipeline';
import { withDatabasePatience } from '../db/outage';
import type { TurnsJob } from './queues';

/** Batches one job runs before it yields (queues itself again) to the other jobs of the worker. */
export const BATCHES_PER_JOB = 50;

/**
 * How long a drain waits for PostgreSQL to come back before it fails into its backoff. A drain
 * that failed during an outage sat in that backoff (1 s doubling) after the database was back,
 * and its runner slot's triggers were deduplicated against it: after a 60 s outage the turns
 * stalled for half a minute more. Running a drain again is safe: a batch that failed rolled back.
 */
export const DRAIN_DATABASE_PATIENCE_MS = 90_000;

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
