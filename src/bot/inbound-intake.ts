import { conversationKeyOf, type InboundEvent } from '../channels/channel';
import type { Db } from '../db/database';
import { storableJson } from '../db/storable-text';
import { recordInboundEvents } from './inbound-events.repository';

/** Records events durably and makes sure their conversations get processed; throws when it cannot. */
export interface WebhookIntake {
  accept(events: readonly InboundEvent[]): Promise<void>;
  /** Events accepted and not yet durable (waiting for, or in, a write): how busy the intake is. */
  pending(): number;
}

/** Queues a drain of each conversation; a conversation already queued is not queued twice. */
export type DrainTrigger = (conversationKeys: readonly string[]) => Promise<void>;

export interface InboundIntakeOptions {
  /** Most events written by one INSERT (and one trigger call); the rest wait for the next. */
  readonly maxBatchEvents?: number;
}

const DEFAULT_MAX_BATCH_EVENTS = 250;

interface Waiting {
  readonly events: readonly InboundEvent[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * What the webhook does with verified events: one INSERT … ON CONFLICT DO NOTHING (a redelivered
 * event is a no-op), then a drain trigger for every conversation of the batch (also those whose
 * events were already recorded: a trigger lost to a Redis failure is restored by the redelivery).
 *
 * Group commit: while one write is under way, the webhooks arriving meanwhile wait, and their
 * events then go together in the next write: one INSERT, one commit and one trigger call (one
 * Redis round trip) for all of them. Each caller still resolves only once its own events are
 * committed and triggered, so a 200 still means durably recorded. Nothing waits on a timer: an
 * idle intake writes a lone webhook at once; batches form only under concurrent load.
 * A failed batch of several webhooks is written again webhook by webhook, so one bad event (or
 * one unlucky moment) fails only its own webhook (503), never its neighbours'. Strings PostgreSQL
 * cannot store (NUL, a lone surrogate) are made storable (storable-text.ts), ids included.
 */
export function createInboundIntake(db: Db, trigger: DrainTrigger, options: InboundIntakeOptions = {}): WebhookIntake {
  const maxBatchEvents = options.maxBatchEvents ?? DEFAULT_MAX_BATCH_EVENTS;
  let queue: Waiting[] = [];
  let writing = false;
  let pendingEvents = 0;

  // Made storable first, so the drain trigger names the very conversation keys that are recorded.
  async function write(raw: readonly InboundEvent[]): Promise<void> {
    const events = raw.map(storableJson);
    await recordInboundEvents(db, events);
    await trigger([...new Set(events.map((e: InboundEvent) => conversationKeyOf(e)))]);
  }

  function takeBatch(): Waiting[] {
    let count = 0;
    let taken = 0;
    while (taken < queue.length && (taken === 0 || count + queue[taken]!.events.length <= maxBatchEvents)) {
      count += queue[taken]!.events.length;
      taken += 1;
    }
    const batch = queue.slice(0, taken);
    queue = queue.slice(taken);
    return batch;
  }

  async function writeBatch(batch: readonly Waiting[]): Promise<void> {
    try {
      await write(batch.length === 1 ? batch[0]!.events : batch.flatMap((w) => w.events));
      for (const w of batch) w.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(batch.map((w) => write(w.events).then(w.resolve, w.reject)));
    }
  }

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (queue.length > 0) await writeBatch(takeBatch());
    } finally {
      writing = false;
    }
  }

  return {
    accept(events) {
      if (events.length === 0) return Promise.resolve();
      pendingEvents += events.length;
      return new Promise<void>((resolve, reject) => {
        queue.push({ events, resolve, reject });
        if (!writing) void drain();
      }).finally(() => {
        pendingEvents -= events.length;
      });
    },
    pending: () => pendingEvents,
  };
}
