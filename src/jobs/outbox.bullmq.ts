import type { JobsOptions } from 'bullmq';
import type { PlatformChannel } from '../channels/channel';
import type { Db } from '../db/database';
import { findDeliveryRoutes } from '../domain/deliveries/deliveries.repository';
import { unitHeadsOf } from '../domain/deliveries/delivery-units.repository';
import type { Outbox } from '../domain/deliveries/outbox';
import type { Logger } from '../logging/logger';
import { OUTBOUND_JOB_NAME, PLATFORM_CHANNELS, outboundBatchQueueOf, outboundJobId, outboundQueueOf, type OutboundJob, type Queues } from './queues';

export interface BullMqOutboxDeps {
  readonly db: Db;
  readonly queues: Queues;
  readonly logger: Logger;
  /** Merged over the queue's defaults for every job added (tests shorten the backoff). */
  readonly jobOptions?: JobsOptions;
}

/** The Outbox on BullMQ, plus what only the relay needs. */
export interface BullMqOutbox extends Outbox {
  /**
   * For deliveries of `channel` that are 'queued' in the database: adds a job for each that has
   * none, or whose job already finished (it completed while the row was not queued, or failed for
   * reasons other than the send). A job waiting, delayed or active is left alone, and so are the
   * later rows of a unit whose job is, and the rows of a broadcast batch that is. Returns how many jobs were added.
   */
  restore(channel: PlatformChannel, deliveryIds: readonly number[]): Promise<number>;
  /**
   * `enqueue` for deliveries the caller knows are all on `channel` and due now (a turn's
   * replies): their jobs are added without reading the rows' routes back.
   */
  enqueueOnChannel(channel: PlatformChannel, deliveryIds: readonly number[]): Promise<void>;
  /**
   * Like enqueueOnChannel, for units: each unit (a turn's replies to one member, in order) is one
   * job, `d<first id>`, that sends them in order with one claim (outbound.processor.ts).
   */
  enqueueUnits(channel: PlatformChannel, units: readonly (readonly number[])[]): Promise<void>;
}

/**
 * The rows of a channel's batch jobs that are waiting, delayed or running. Few: a broadcast keeps
 * about FEED_AHEAD rows enqueued, a hundred per batch.
 */
async function rowsInLiveBatches(queues: Queues, channel: PlatformChannel): Promise<Set<number>> {
  const jobs = await outboundBatchQueueOf(queues, channel).getJobs(['waiting', 'prioritized', 'delayed', 'active'], 0, -1);
  return new Set(jobs.flatMap((j) => (j ? j.data.deliveryIds : [])));
}

const LIVE_STATES: ReadonlySet<string> = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

// addBulk in chunks keeps each Redis call short (LIBRARIES.md B7: 1,000 jobs in well under 0.1 s).
const ADD_CHUNK = 1_000;

interface PendingJob {
  readonly id: number;
  readonly delayMs: number;
  readonly unit?: readonly number[];
}

/**
 * Routes each delivery to its channel's queue, as a job with id `d<deliveryId>`: adding the same
 * delivery twice while its job exists is a no-op, so callers and the relay may enqueue freely.
 */
export function createBullMqOutbox(deps: BullMqOutboxDeps): BullMqOutbox {
  const known = new Set<string>(PLATFORM_CHANNELS);

  async function add(channel: PlatformChannel, jobs: readonly PendingJob[]): Promise<void> {
    const queue = outboundQueueOf(deps.queues, channel);
    for (let i = 0; i < jobs.length; i += ADD_CHUNK) {
      await queue.addBulk(
        jobs.slice(i, i + ADD_CHUNK).map((j) => ({
          name: OUTBOUND_JOB_NAME,
          data: (j.unit && j.unit.length > 0 ? { deliveryId: j.id, unit: j.unit } : { deliveryId: j.id }) satisfies OutboundJob,
          opts: { ...deps.jobOptions, jobId: outboundJobId(j.id), ...(j.delayMs > 0 ? { delay: j.delayMs } : {}) },
        })),
      );
    }
  }

  return {
    async enqueue(deliveryIds) {
      if (deliveryIds.length === 0) return;
      const routes = await findDeliveryRoutes(deps.db, deliveryIds);
      const now = Date.now();
      const byChannel = new Map<PlatformChannel, PendingJob[]>();
      for (const route of routes) {
        if (!known.has(route.channel)) {
          deps.logger.warn({ deliveryId: route.id, channel: route.channel }, 'outbox: no outbound queue for this channel; the delivery stays queued');
          continue;
        }
        const channel = route.channel as PlatformChannel;
        const list = byChannel.get(channel) ?? [];
        list.push({ id: route.id, delayMs: route.notBefore ? route.notBefore.getTime() - now : 0 });
        byChannel.set(channel, list);
      }
      if (routes.length < deliveryIds.length) {
        deps.logger.warn({ asked: deliveryIds.length, found: routes.length }, 'outbox: some deliveries do not exist (enqueued before their transaction committed?)');
      }
      for (const [channel, jobs] of byChannel) await add(channel, jobs);
    },

    async enqueueOnChannel(channel, deliveryIds) {
      if (deliveryIds.length === 0) return;
      await add(channel, deliveryIds.map((id) => ({ id, delayMs: 0 })));
    },

    async enqueueUnits(channel, units) {
      const jobs = units.filter((u) => u.length > 0).map((unit) => ({ id: unit[0]!, delayMs: 0, unit }));
      if (jobs.length > 0) await add(channel, jobs);
    },

    async restore(channel, stale) {
      if (stale.length === 0) return 0;
      const queue = outboundQueueOf(deps.queues, channel);
      // A unit's later rows have no job of their own: while the unit's job lives, they have one.
      const heads = await unitHeadsOf(deps.db, stale);
      const headIds = [...new Set(heads.values())];
      const headStates = await Promise.all(headIds.map((id) => queue.getJobState(outboundJobId(id))));
      const liveHeads = new Set(headIds.filter((_, i) => LIVE_STATES.has(headStates[i]!)));
      // A broadcast's rows in a batch still waiting or running have one too.
      const inBatches = await rowsInLiveBatches(deps.queues, channel);
      const deliveryIds = stale.filter((id) => !liveHeads.has(heads.get(id) ?? -1) && !inBatches.has(id));
      const states = await Promise.all(deliveryIds.map((id) => queue.getJobState(outboundJobId(id))));
      const missing: PendingJob[] = [];
      for (const [i, id] of deliveryIds.entries()) {
        const state = states[i];
        if (state === 'completed' || state === 'failed') await queue.remove(outboundJobId(id));
        if (state === 'unknown' || state === 'completed' || state === 'failed') missing.push({ id, delayMs: 0 });
      }
      await add(channel, missing);
      return missing.length;
    },
  };
}
