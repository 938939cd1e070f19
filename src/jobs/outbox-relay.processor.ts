/**
 * outbox relay processor (queue `outbox-relay`, every 30 s from schedules.ts)
 *
 * Inputs:       `{queuedStaleAfterMs, sendingStaleAfterMs}` (the scheduler sends 30 s and 5 min).
 * Side effects: 1. every row 'sending' for longer than sendingStaleAfterMs is failed with
 *                  unknown_outcome and NEVER resent (its worker died mid-send; see
 *                  failStaleSending in deliveries.repository.ts for why), and the next message
 *                  to each of those members, which waited its turn behind it, is woken;
 *               2. per channel whose queue is not paused, the oldest `batchSize` rows 'queued' (and
 *                  due) for longer than queuedStaleAfterMs get their job back when they have none
 *                  (a crash between a commit and its enqueue, a job lost from Redis) or when their
 *                  job already finished. Rows whose job is waiting, delayed or active are left
 *                  alone, so a long backlog or a backoff is not disturbed. A paused channel's rows
 *                  keep their jobs in the paused queue and are not checked.
 *               3. conversations with inbound events still pending after twice that time get
 *                  their turns triggered again (the trigger was lost: Redis restarted without its
 *                  data, or a crash between the record and the enqueue); the per-conversation
 *                  deduplication makes this a no-op for conversations already queued or running.
 *               It only ever adds jobs; a job can only send a row it claims from 'queued', so the
 *               relay cannot cause a second send.
 * Retries:      none (attempts 1): the next tick, 30 s later, does the same work.
 * Outcome:      `{requeued, unknownOutcome, pausedChannels}`.
 */
import type { Job } from 'bullmq';
import type { PlatformChannel } from '../channels/channel';
import type { Db } from '../db/database';
import { conversationsWithStalePending } from '../bot/inbound-events.repository';
import { failStaleSending, listStaleQueued, nextQueuedAfter } from '../domain/deliveries/deliveries.repository';
import { promoteIfDelayed } from './outbound.processor';
import type { Logger } from '../logging/logger';
import type { BullMqOutbox } from './outbox.bullmq';
import { PLATFORM_CHANNELS, outboundQueueOf, triggerTurns, type OutboxRelayJob, type OutboxRelayResult, type Queues } from './queues';

export interface OutboxRelayDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly queues: Queues;
  readonly outbox: BullMqOutbox;
  /** Rows checked per channel per run. */
  readonly batchSize?: number;
}

export const DEFAULT_RELAY_BATCH_SIZE = 1_000;
// Enough ids in a log line to look a few up; the count says the rest.
const LOGGED_IDS = 50;

export type OutboxRelayProcessor = (job: Job<OutboxRelayJob, OutboxRelayResult>) => Promise<OutboxRelayResult>;

export function createOutboxRelayProcessor(deps: OutboxRelayDeps): OutboxRelayProcessor {
  const batchSize = deps.batchSize ?? DEFAULT_RELAY_BATCH_SIZE;
  return async (job) => {
    const { queuedStaleAfterMs, sendingStaleAfterMs } = job.data;
    for (const [name, value] of Object.entries({ queuedStaleAfterMs, sendingStaleAfterMs })) {
      if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number of milliseconds, got ${String(value)}`);
    }

    const unknown = await failStaleSending(deps.db, sendingStaleAfterMs);
    if (unknown.length > 0) {
      deps.logger.warn(
        { count: unknown.length, deliveryIds: unknown.slice(0, LOGGED_IDS), staleAfterMs: sendingStaleAfterMs },
        'outbox relay: sends interrupted mid-flight failed as unknown_outcome (not resent)',
      );
      // Those members' next messages waited behind the interrupted sends: their turn now.
      for (const next of await nextQueuedAfter(deps.db, unknown)) {
        if (!(PLATFORM_CHANNELS as readonly string[]).includes(next.channel)) continue;
        await promoteIfDelayed(outboundQueueOf(deps.queues, next.channel as PlatformChannel), next.id).catch((err: unknown) =>
          deps.logger.debug({ err, deliveryId: next.id }, 'outbox relay: could not wake a message waiting its turn; it rechecks on its own'),
        );
      }
    }

    let requeued = 0;
    const pausedChannels: PlatformChannel[] = [];
    for (const channel of PLATFORM_CHANNELS) {
      if (await outboundQueueOf(deps.queues, channel).isPaused()) {
        pausedChannels.push(channel);
        continue;
      }
      const stale = await listStaleQueued(deps.db, channel, queuedStaleAfterMs, batchSize);
      const added = await deps.outbox.restore(channel, stale);
      if (added > 0) deps.logger.warn({ channel, count: added, checked: stale.length }, 'outbox relay: queued deliveries without a job enqueued again');
      requeued += added;
    }
    if (pausedChannels.length > 0) deps.logger.debug({ pausedChannels }, 'outbox relay: paused channels not checked');

    const stalled = await conversationsWithStalePending(deps.db, 2 * queuedStaleAfterMs, batchSize);
    if (stalled.length > 0) {
      await triggerTurns(deps.queues, stalled);
      deps.logger.info({ count: stalled.length }, 'outbox relay: conversations with pending inbound events triggered again');
    }
    return { requeued, unknownOutcome: unknown.length, pausedChannels, retriggeredConversations: stalled.length };
  };
}
