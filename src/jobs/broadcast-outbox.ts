import type { PlatformChannel } from '../channels/channel';
import type { Db } from '../db/database';
import { findDeliveryRoutes } from '../domain/deliveries/deliveries.repository';
import type { Outbox } from '../domain/deliveries/outbox';
import type { Logger } from '../logging/logger';
import { createBullMqOutbox } from './outbox.bullmq';
import { BROADCAST_SEND_PRIORITY, PLATFORM_CHANNELS, type Queues } from './queues';

/**
 * The outbox of broadcasts' sends: each delivery is its own job, as a unit of one
 * (outbound.processor.ts "Units"), behind conversation replies (BROADCAST_SEND_PRIORITY).
 *
 * Why units: a single delivery's job claims and records its row in statements (and commits) of
 * its own, two commits per message; the unit path groups the claims and records of the jobs
 * running at once into one statement each. A broadcast sends thousands of messages a minute, and
 * on a machine whose disk is shared two commits per message held the bench to ~80 messages/s
 * against a limit of 1,000/s (PostgreSQL waiting on WAL writes). A delivery held until later
 * (quiet hours) is claimed when due: the unit's job moves itself to the delayed set until then.
 */
export function createBroadcastOutbox(deps: { readonly db: Db; readonly queues: Queues; readonly logger: Logger }): Outbox {
  const outbox = createBullMqOutbox({ ...deps, jobOptions: { priority: BROADCAST_SEND_PRIORITY } });
  const known = new Set<string>(PLATFORM_CHANNELS);
  return {
    async enqueue(ids) {
      if (ids.length === 0) return;
      const byChannel = new Map<PlatformChannel, number[][]>();
      for (const route of await findDeliveryRoutes(deps.db, ids)) {
        if (!known.has(route.channel)) continue;
        const channel = route.channel as PlatformChannel;
        const units = byChannel.get(channel) ?? [];
        units.push([route.id]);
        byChannel.set(channel, units);
      }
      for (const [channel, units] of byChannel) await outbox.enqueueUnits(channel, units);
    },
  };
}
