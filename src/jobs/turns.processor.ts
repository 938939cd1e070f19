/**
 * turns: runs the turns of one conversation, in order.
 *
 * Input: `{ conversationKey }` — a trigger, not the events: they live in `inbound_events`.
 * Jobs are deduplicated per conversation with `keepLastIfActive` (at most one running and one
 * waiting per conversation, never two at once), which keeps a conversation's turns strictly in
 * order while different conversations run concurrently (LIBRARIES.md B6).
 * Side effects: each turn commits its state, domain changes, replies (as deliveries) and the
 * event's status in one transaction; replies are then handed to the outbound queues.
 * Retries: a failing turn throws, the job is retried with exponential backoff and later events of
 * that conversation wait; after `maxAttempts` failures of one event it is dead-lettered (staff
 * can replay it) and the member gets an apology. A worker killed mid-turn loses nothing: the
 * transaction rolls back and the stalled job runs the turn again.
 * Outcome: `{ processed, dead }`; when it stopped at its per-job turn budget it queues itself again.
 */
import type { Job } from 'bullmq';
import { drainConversation, type DrainOutcome, type TurnPipelineDeps } from '../bot/turn-pipeline';
import type { TurnsJob } from './queues';

export const TURNS_PER_JOB = 200;

export function createTurnsProcessor(pipeline: TurnPipelineDeps, requeue: (conversationKey: string) => Promise<void>) {
  return async (job: Job<TurnsJob>): Promise<DrainOutcome> => {
    const outcome = await drainConversation(pipeline, job.data.conversationKey, TURNS_PER_JOB);
    if (outcome.processed + outcome.dead >= TURNS_PER_JOB) await requeue(job.data.conversationKey);
    return outcome;
  };
}
