import type { PlatformChannel } from '../channels/channel';
import type { Db } from '../db/database';
import { batchRoutesOf } from '../domain/deliveries/delivery-batches.repository';
import type { Outbox } from '../domain/deliveries/outbox';
import type { Logger } from '../logging/logger';
import { createBullMqOutbox } from './outbox.bullmq';
import { BROADCAST_SEND_PRIORITY, OUTBOUND_BATCH_JOB_NAME, PLATFORM_CHANNELS, outboundBatchJobId, outboundBatchQueueOf, type OutboundBatchJob, type Queues } from './queues';

/** Rows per batch job: a few of the budget's windows at 500/s, so that a batch is done in about a second. */
export const BATCH_SIZE = 100;

/**
 * The outbox of broadcasts' sends: their deliveries go in batches of up to BATCH_SIZE rows of one
 * channel and distinct members, each batch one job on the channel's batch queue
 * (outbound-batch.processor.ts), which claims, decides and records a chunk of rows per statement
 * and sends at the channel's limit. Replies have queues of their own and take their tokens from
 * the same budget first, so they never wait behind a broadcast.
 *
 * Why batches: as one job per delivery, each send cost two BullMQ scripts, a claim, a policy read
 * and a record, and the sends in flight waited on one another's statements: 144 sends/s per
 * channel against a limit of 500/s (bench, 2026-11-29 05:25). A row of a member already in the
 * batch (not the case for a broadcast, which has one row per recipient) goes alone, as a job of
 * its own behind replies.
 */
export function createBroadcastOutbox(deps: { readonly db: Db; readonly queues: Queues; readonly logger: Logger }): Outbox {
  const singles = createBullMqOutbox({ ...deps, jobOptions: { priority: BROADCAST_SEND_PRIORITY } });
  const known = new Set<string>(PLATFORM_CHANNELS);
  return {
    async enqueue(ids) {
      if (ids.length === 0) return;
      const batches: { channel: PlatformChannel; job: OutboundBatchJob }[] = [];
      const alone = new Map<PlatformChannel, number[][]>();
      const open = new Map<PlatformChannel, { ids: number[]; members: Set<string>; broadcastId: string | null }>();
      const close = (channel: PlatformChannel) => {
        const batch = open.get(channel);
        if (batch && batch.ids.length > 0) batches.push({ channel, job: { deliveryIds: batch.ids, ...(batch.broadcastId ? { broadcastId: batch.broadcastId } : {}) } });
        open.delete(channel);
      };
      for (const route of await batchRoutesOf(deps.db, ids)) {
        if (!known.has(route.channel)) continue;
        const channel = route.channel as PlatformChannel;
        let batch = open.get(channel);
        if (batch && (batch.ids.length >= BATCH_SIZE || batch.broadcastId !== route.broadcastId)) {
          close(channel);
          batch = undefined;
        }
        if (!batch) {
          batch = { ids: [], members: new Set(), broadcastId: route.broadcastId };
          open.set(channel, batch);
        }
        if (batch.members.has(route.identityId)) {
          alone.set(channel, [...(alone.get(channel) ?? []), [route.id]]);
          continue;
        }
        batch.members.add(route.identityId);
        batch.ids.push(route.id);
      }
      for (const channel of [...open.keys()]) close(channel);
      for (const channel of PLATFORM_CHANNELS) {
        const jobs = batches.filter((b) => b.channel === channel);
        if (jobs.length > 0) {
          await outboundBatchQueueOf(deps.queues, channel).addBulk(
            jobs.map(({ job }) => ({ name: OUTBOUND_BATCH_JOB_NAME, data: job, opts: { jobId: outboundBatchJobId(job.deliveryIds[0]!) } })),
          );
        }
      }
      for (const [channel, units] of alone) await singles.enqueueUnits(channel, units);
    },
  };
}
