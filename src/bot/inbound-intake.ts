import { conversationKeyOf, type InboundEvent } from '../channels/channel';
import type { Db } from '../db/database';
import { recordInboundEvents } from './inbound-events.repository';

/** Records events durably and makes sure their conversations get processed; throws when it cannot. */
export interface WebhookIntake {
  accept(events: readonly InboundEvent[]): Promise<void>;
}

/** Queues a drain of each conversation; a conversation already queued is not queued twice. */
export type DrainTrigger = (conversationKeys: readonly string[]) => Promise<void>;

/**
 * What the webhook does with verified events: one INSERT … ON CONFLICT DO NOTHING (a redelivered
 * event is a no-op), then a drain trigger for every conversation of the batch (also those whose
 * events were already recorded: a trigger lost to a Redis failure is restored by the redelivery).
 */
export function createInboundIntake(db: Db, trigger: DrainTrigger): WebhookIntake {
  return {
    async accept(events) {
      if (events.length === 0) return;
      await recordInboundEvents(db, events);
      await trigger([...new Set(events.map((e: InboundEvent) => conversationKeyOf(e)))]);
    },
  };
}
