import type { JobsOptions, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { PlatformChannel } from '../../../src/channels/channel';
import type { Db } from '../../../src/db/database';
import type { DeliveryStatus } from '../../../src/db/types';
import type { DeliveryPolicySettings } from '../../../src/domain/deliveries/delivery-policy';
import { insertDeliveries, type NewDelivery } from '../../../src/domain/deliveries/deliveries.repository';
import { createBullMqOutbox, type BullMqOutbox } from '../../../src/jobs/outbox.bullmq';
import type { ChannelSenders } from '../../../src/jobs/outbound.processor';
import { allQueues, createQueues, type Queues } from '../../../src/jobs/queues';
import { startWorkers } from '../../../src/jobs/workers';
import type { Logger } from '../../../src/logging/logger';
import { closeRedis, createRedis } from '../../../src/main/redis';
import { deleteQueuePrefix, TEST_REDIS_URL, uniqueQueuePrefix } from '../../helpers/redis';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

let userSeq = 0;

/**
 * A member's identity on a channel; returns its id. By default the member wrote a minute ago
 * (inside every platform window); pass `lastInboundAt: null` for one who never wrote.
 */
export async function createIdentity(
  db: Db,
  channel: PlatformChannel,
  platformUserId = `${channel}-user-${(userSeq += 1)}`,
  extra: { lastInboundAt?: Date | null; memberId?: string | null } = {},
): Promise<string> {
  const lastInboundAt = extra.lastInboundAt === undefined ? new Date(Date.now() - 60_000) : extra.lastInboundAt;
  const row = await db
    .insertInto('channel_identities')
    .values({ channel, platform_user_id: platformUserId, last_inbound_at: lastInboundAt, member_id: extra.memberId ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A policy that holds nothing back for the time of day or a cap (tests of other rules use it). */
export const OPEN_POLICY: DeliveryPolicySettings = {
  timeZone: 'Asia/Ho_Chi_Minh',
  quietHours: null,
  dailyCap: 1_000,
  messengerTags: { confirmedEventUpdate: false, accountUpdate: false, humanAgent: false },
  zaloPaidEnabled: false,
  zaloTemplates: {},
};

let keySeq = 0;

/** Queued deliveries to `identityId` (one per text); returns their ids. */
export async function createDeliveries(db: Db, identityId: string, count: number, extra: Partial<NewDelivery> = {}): Promise<number[]> {
  const rows: NewDelivery[] = [];
  for (let i = 0; i < count; i += 1) {
    keySeq += 1;
    rows.push({ identityId, purpose: 'reply', idempotencyKey: `test-${process.pid}-${keySeq}`, message: { text: `Chào bạn, tin số ${keySeq}` }, ...extra });
  }
  const inserted = await insertDeliveries(db, rows);
  return inserted.map((r) => r.id);
}

export interface DeliveryRow {
  readonly id: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly platform_message_id: string | null;
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly sent_at: Date | null;
}

export async function deliveryRow(db: Db, id: number): Promise<DeliveryRow> {
  return db
    .selectFrom('deliveries')
    .select(['id', 'status', 'attempts', 'platform_message_id', 'error_code', 'error_message', 'sent_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

export async function statuses(db: Db, ids: readonly number[]): Promise<DeliveryStatus[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('deliveries')
    .select(['id', 'status'])
    .where(sql<boolean>`id = any(${[...ids]}::bigint[])`)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.status);
}

export async function countByStatus(db: Db): Promise<Record<string, number>> {
  const rows = await db.selectFrom('deliveries').select(['status', sql<number>`count(*)::int`.as('n')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Moves rows' clock back, as if they had sat in their state that long. */
export async function age(db: Db, ids: readonly number[], ms: number): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ updated_at: sql<Date>`now() - ${ms} * interval '1 millisecond'` })
    .where(sql<boolean>`id = any(${[...ids]}::bigint[])`)
    .execute();
}

export interface OutboundHarnessOptions {
  readonly senders?: ChannelSenders;
  readonly sendsPerSecond?: Partial<Record<PlatformChannel, number>>;
  /** The delivery policy's settings (default OPEN_POLICY) and its clock (default the system's). */
  readonly policy?: DeliveryPolicySettings;
  readonly now?: () => Date;
  /** Over the queue defaults for every job the outbox adds (tests shorten the backoff). */
  readonly jobOptions?: JobsOptions;
}

/**
 * Queues on a prefix of their own, the real outbox, and (after `start`) the real workers of
 * startWorkers with the given senders.
 */
export class OutboundHarness {
  readonly prefix = uniqueQueuePrefix();
  readonly producer: Redis;
  readonly workerRedis: Redis;
  readonly queues: Queues;
  readonly outbox: BullMqOutbox;
  workers: Worker[] = [];

  constructor(
    readonly db: Db,
    readonly logger: Logger,
    private readonly options: OutboundHarnessOptions = {},
  ) {
    this.producer = createRedis(TEST_REDIS_URL, 'producer', logger);
    this.workerRedis = createRedis(TEST_REDIS_URL, 'worker', logger);
    this.queues = createQueues(this.producer, this.prefix, logger);
    this.outbox = createBullMqOutbox({ db, queues: this.queues, logger, ...(options.jobOptions ? { jobOptions: options.jobOptions } : {}) });
  }

  start(senders: ChannelSenders | undefined = this.options.senders): void {
    this.workers = startWorkers({
      db: this.db,
      logger: this.logger,
      connection: this.workerRedis,
      prefix: this.prefix,
      outbound: {
        queues: this.queues,
        senders: senders ?? {},
        sendsPerSecond: { zalo: 1_000, messenger: 1_000, ...this.options.sendsPerSecond },
        policy: this.options.policy ?? OPEN_POLICY,
        ...(this.options.now ? { now: this.options.now } : {}),
      },
    });
  }

  async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    this.workers = [];
  }

  /** Waits until no job of `channel` waits, runs or is delayed. */
  async idle(channel: PlatformChannel, timeoutMs = 20_000): Promise<void> {
    const queue = channel === 'zalo' ? this.queues.outboundZalo : this.queues.outboundMessenger;
    await until(
      `the ${channel} queue to be idle`,
      async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(counts).every((n) => n === 0);
      },
      timeoutMs,
    );
  }

  async close(): Promise<void> {
    await this.stopWorkers();
    await Promise.all(allQueues(this.queues).map((q) => q.close()));
    await Promise.all([closeRedis(this.producer), closeRedis(this.workerRedis)]);
    await deleteQueuePrefix(this.prefix);
  }
}
