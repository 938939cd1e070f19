import { Queue, type DefaultJobOptions, type JobSchedulerTemplateOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PlatformChannel } from '../channels/channel';
import type { ScheduleName } from '../config/config';
import type { Logger } from '../logging/logger';
import { isRedisUnavailable } from './redis-outage';

/**
 * Every queue, its job names and payload types, in one place. Payloads carry ids and settings,
 * never personal data: BullMQ stores job data in clear text in Redis.
 */
export const QUEUE_NAMES = {
  turns: 'turns',
  housekeeping: 'housekeeping',
  schedules: 'schedules',
  outboxRelay: 'outbox-relay',
  outboundZalo: 'outbound-zalo',
  outboundMessenger: 'outbound-messenger',
  outboundZaloBatch: 'outbound-zalo-batch',
  outboundMessengerBatch: 'outbound-messenger-batch',
  proofImages: 'proof-images',
  broadcasts: 'broadcasts',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/**
 * A trigger to drain pending turns (the events themselves are in `inbound_events`): the job runs
 * batches of turns across conversations until none is ready (turn-pipeline.ts `drainPending`).
 * Jobs are deduplicated per runner slot (at most one running and one waiting per slot), so at
 * most TURN_RUNNERS drains run at once; each batch locks the conversations it runs, so two drains
 * never run turns of one conversation at once. `conversationKey` is from the jobs of before the
 * batches: such a job drains like any other.
 */
export interface TurnsJob {
  readonly conversationKey?: string;
}

export interface TurnsResult {
  readonly processed: number;
  readonly dead: number;
}

/** Daily maintenance of the database. */
export interface InboundPurgeJob {
  /** Processed and ignored inbound events older than this many days are deleted. */
  readonly inboundRetentionDays: number;
}

export interface InboundPurgeResult {
  readonly deletedInboundEvents: number;
  readonly batches: number;
  /** ISO time: events received before it were eligible. */
  readonly cutoff: string;
  /** True when the job was cancelled (shutdown) between batches; the next run finishes the work. */
  readonly stoppedEarly: boolean;
}

/**
 * Every minute: each tally key's delta rows are folded into one (migration 1100, tally_compact),
 * so that readers, who add a key's rows up, have few to add.
 */
export interface TallyCompactionJob {
  /** Keys folded per tally and transaction; the job runs rounds until none is left to fold. */
  readonly keysPerRound: number;
}

export interface TallyCompactionResult {
  /** Rows folded (deleted), across the tallies; each folded key has one row left, or none if it summed to 0. */
  readonly foldedRows: number;
  readonly rounds: number;
  /** True when cancelled or out of rounds; the next run folds the rest. */
  readonly stoppedEarly: boolean;
}

export type HousekeepingJob = InboundPurgeJob | TallyCompactionJob;
export type HousekeepingResult = InboundPurgeResult | TallyCompactionResult;

/**
 * A firing of one of the content and reminder schedules (issue 5 §3); the job's name is the
 * schedule's name too. Nothing else: what to send is read from PostgreSQL when it runs.
 */
export interface ScheduleJob {
  readonly schedule: ScheduleName;
}

export interface ScheduleJobResult {
  readonly schedule: ScheduleName;
  /** What happened, for logs: 'sent', 'nothingDue', 'alreadySent', 'skippedLate', … */
  readonly outcome: string;
  readonly count?: number;
}

/**
 * One message to one member: the `deliveries` row holds everything (payload, mode, recipient);
 * the job only says which row. One queue per channel, so a Zalo 429 or a bad Zalo token pauses
 * Zalo only (LIBRARIES.md B5).
 */
export interface OutboundJob {
  readonly deliveryId: number;
  /**
   * A unit: a turn's replies to one member (`deliveryId` first), sent in order by this one job
   * with one claim and one record of their sends. Absent: the one delivery.
   */
  readonly unit?: readonly number[];
}

/**
 * A page of a broadcast's deliveries on one channel, to distinct members, sent by one job
 * (outbound-batch.processor.ts): claimed, decided and recorded a chunk at a time, each send
 * taking a token of the channel's shared budget. `deliveryIds` in id order.
 */
export interface OutboundBatchJob {
  readonly deliveryIds: readonly number[];
  /** The broadcast the rows belong to (a cancel removes its waiting batches). */
  readonly broadcastId?: string;
}

export interface OutboundBatchResult {
  readonly sent: number;
  /** Rows recorded otherwise (deferred, skipped, failed...), or handed to a job of their own. */
  readonly other: number;
}

/** What the outbound job did with its delivery (the row says the same; this is for logs and metrics). */
export type OutboundOutcome = 'sent' | 'deferred' | 'unreachable' | 'failed' | 'skipped' | 'expired' | 'notQueued';

export interface OutboundResult {
  readonly outcome: OutboundOutcome;
}

/** Every 30 s: re-enqueue deliveries whose job went missing; fail sends interrupted mid-flight. */
export interface OutboxRelayJob {
  /** A row 'queued' (and due) for longer than this gets its job back if it has none. */
  readonly queuedStaleAfterMs: number;
  /** A row 'sending' for longer than this is failed as unknown_outcome, never resent. */
  readonly sendingStaleAfterMs: number;
}

export interface OutboxRelayResult {
  /** Jobs added back for rows that had none. */
  readonly requeued: number;
  /** Rows failed as unknown_outcome. */
  readonly unknownOutcome: number;
  /** Channels whose queue is paused (bad token): their rows keep their jobs and were not checked. */
  readonly pausedChannels: readonly PlatformChannel[];
  /** Conversations whose pending inbound events had lost their turn trigger (or were simply slow). */
  readonly retriggeredConversations: number;
}

/** Download one awaiting proof image (proofs.image_state = 'awaiting'); the row holds its URL. */
export interface ProofImageJob {
  readonly proofId: string;
}

/** Every minute: re-enqueue downloads of proofs left awaiting after a crash. */
export type ProofImageSweepJob = Record<string, never>;

export interface ProofImageResult {
  readonly outcome: 'stored' | 'storedDuplicate' | 'failed' | 'notAwaiting' | 'swept';
  readonly count?: number;
}

export const PROOF_IMAGE_JOB_NAME = 'download';
export const PROOF_IMAGE_SWEEP_JOB_NAME = 'sweep';
export const PROOF_IMAGE_SWEEP_EVERY_MS = 60_000;

/** One job per proof while it exists (adding it again is ignored). */
export function proofImageJobId(proofId: string): string {
  return `img-${proofId}`;
}

/**
 * A broadcast's own jobs (broadcasts.processor.ts): its fan-out (at its send time), its progress
 * (feeding its sends, then completing it), the cleanup after a cancel; and a sweep that gives an unfinished broadcast its job
 * back (a crash between recording it and adding its job, or Redis losing its data).
 */
export interface BroadcastJob {
  readonly broadcastId: string;
}

export type BroadcastSweepJob = Record<string, never>;

export interface BroadcastJobResult {
  readonly outcome: string;
  readonly count?: number;
}

export const BROADCAST_JOB_NAMES = { fanOut: 'fanout', progress: 'progress', discard: 'discard', sweep: 'sweep' } as const;
export const BROADCAST_SWEEP_EVERY_MS = 60_000;

/** One job of each kind per broadcast while it exists (adding it again is ignored). */
export function broadcastJobId(kind: 'fanout' | 'progress' | 'discard', broadcastId: string): string {
  return `${kind}-${broadcastId}`;
}

/**
 * The BullMQ priority of a broadcast's sends. Jobs without a priority run before prioritized ones,
 * so a member who writes during a 100,000-recipient broadcast gets the bot's reply at once instead
 * of behind the whole broadcast.
 */
export const BROADCAST_SEND_PRIORITY = 100;

export const HOUSEKEEPING_JOB_NAME = 'housekeeping';
export const INBOUND_RETENTION_DAYS = 30;
export const TALLY_COMPACTION_JOB_NAME = 'tally-compaction';
export const TALLY_COMPACTION_EVERY_MS = 60_000;
export const TALLY_COMPACTION_DEFAULTS: TallyCompactionJob = { keysPerRound: 1_000 };
export const OUTBOUND_JOB_NAME = 'send';
export const OUTBOX_RELAY_JOB_NAME = 'outbox-relay';
export const OUTBOX_RELAY_EVERY_MS = 30_000;
export const OUTBOX_RELAY_DEFAULTS: OutboxRelayJob = { queuedStaleAfterMs: 30_000, sendingStaleAfterMs: 5 * 60_000 };

/** The platform channels, each with its own outbound queue. */
export const PLATFORM_CHANNELS: readonly PlatformChannel[] = ['zalo', 'messenger'];

export const OUTBOUND_QUEUE_NAMES = {
  zalo: QUEUE_NAMES.outboundZalo,
  messenger: QUEUE_NAMES.outboundMessenger,
} as const satisfies Record<PlatformChannel, QueueName>;

/** Each channel's queue of broadcast batches (beside its queue of single sends and replies). */
export const OUTBOUND_BATCH_QUEUE_NAMES = {
  zalo: QUEUE_NAMES.outboundZaloBatch,
  messenger: QUEUE_NAMES.outboundMessengerBatch,
} as const satisfies Record<PlatformChannel, QueueName>;

export const OUTBOUND_BATCH_JOB_NAME = 'batch';

/** A batch's job id, after its first row: adding the same batch again while it exists is ignored. */
export function outboundBatchJobId(firstDeliveryId: number): string {
  return `b${firstDeliveryId}`;
}

/**
 * The job id of a delivery's send: while a job with this id exists in any state, adding it again
 * is ignored (LIBRARIES.md B4), which makes enqueueing idempotent. BullMQ reserves ids that are
 * '0' or start with '0:', hence the letter.
 */
export function outboundJobId(deliveryId: number): string {
  return `d${deliveryId}`;
}

const DAY_SECONDS = 86_400;

const OUTBOUND_OPTIONS: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 3_000, jitter: 0.5 },
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 7 * DAY_SECONDS },
};

/**
 * Per queue job options. BullMQ keeps finished jobs forever unless told (LIBRARIES.md B10), and
 * a job scheduler's template replaces these wholesale, so schedules.ts passes them in full.
 */
export const JOB_OPTIONS: { readonly [K in QueueName]: DefaultJobOptions & JobSchedulerTemplateOptions } = {
  // A failing turn retries with backoff while later events of its conversation wait; the turn
  // pipeline dead-letters an event after its own attempt count, so the job needs headroom.
  turns: {
    attempts: 12,
    backoff: { type: 'exponential', delay: 1_000, jitter: 0.3 },
    removeOnComplete: { age: 600, count: 1_000 },
    removeOnFail: { age: 7 * DAY_SECONDS },
  },
  housekeeping: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 60_000 },
    removeOnComplete: { age: 30 * DAY_SECONDS, count: 60 },
    removeOnFail: { age: 30 * DAY_SECONDS },
  },
  // A failed firing retries for about 15 minutes (PostgreSQL or Redis away); every step inside is
  // idempotent, so a retry after a partial run only does the rest.
  schedules: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 30_000, jitter: 0.3 },
    removeOnComplete: { age: 7 * DAY_SECONDS, count: 500 },
    removeOnFail: { age: 30 * DAY_SECONDS },
  },
  // Every tick replaces the last; a failed one is simply run again by the next tick.
  'outbox-relay': {
    attempts: 1,
    removeOnComplete: { age: DAY_SECONDS, count: 100 },
    removeOnFail: { age: 7 * DAY_SECONDS, count: 1_000 },
  },
  // Sends: 8 attempts, 3 s doubling with jitter (about 6 minutes in all) for retryable errors; a
  // 429 with a retry-after pauses the queue instead and costs no attempt. The row, not the job, is
  // the record of a send, so finished jobs are kept only for a while (B10).
  'outbound-zalo': { ...OUTBOUND_OPTIONS },
  'outbound-messenger': { ...OUTBOUND_OPTIONS },
  // A batch that fails (PostgreSQL away) runs again and claims only what is still queued.
  'outbound-zalo-batch': { ...OUTBOUND_OPTIONS },
  'outbound-messenger-batch': { ...OUTBOUND_OPTIONS },
  // A CDN hiccup is retried for about a minute; platform image URLs last hours, so that is enough,
  // and the member hears within a minute or two either way. A failed job is removed, so that the
  // sweeper may add a proof's job again should recording its failure itself have failed.
  'proof-images': {
    attempts: 4,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.3 },
    removeOnComplete: { age: 3_600, count: 1_000 },
    removeOnFail: true,
  },
  // A fan-out that fails (PostgreSQL away) resumes from its cursor on the next attempt. Finished
  // jobs are removed, so that the sweep may add a broadcast's job again; the row says what happened.
  broadcasts: {
    attempts: 12,
    backoff: { type: 'exponential', delay: 2_000, jitter: 0.3 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * DAY_SECONDS },
  },
};

export type OutboundQueue = Queue<OutboundJob, OutboundResult>;
export type OutboundBatchQueue = Queue<OutboundBatchJob, OutboundBatchResult>;

export interface Queues {
  readonly turns: Queue<TurnsJob, TurnsResult>;
  readonly housekeeping: Queue<HousekeepingJob, HousekeepingResult>;
  readonly schedules: Queue<ScheduleJob, ScheduleJobResult>;
  readonly outboxRelay: Queue<OutboxRelayJob, OutboxRelayResult>;
  readonly outboundZalo: OutboundQueue;
  readonly outboundMessenger: OutboundQueue;
  readonly outboundZaloBatch: OutboundBatchQueue;
  readonly outboundMessengerBatch: OutboundBatchQueue;
  readonly proofImages: Queue<ProofImageJob | ProofImageSweepJob, ProofImageResult>;
  readonly broadcasts: Queue<BroadcastJob | BroadcastSweepJob, BroadcastJobResult>;
}

/** A producer of the turns queue alone, on a connection of its own (the webhook intake's trigger). */
export function createTurnsQueue(connection: Redis, prefix: string, logger: Logger): Queue<TurnsJob, TurnsResult> {
  const queue = new Queue<TurnsJob, TurnsResult>(QUEUE_NAMES.turns, { connection, prefix, defaultJobOptions: JOB_OPTIONS.turns });
  queue.on('error', (err) => logger[isConnectionError(err) ? 'debug' : 'error']({ err, queue: queue.name }, 'queue error'));
  return queue;
}

/** The outbound queue of a channel. */
export function outboundQueueOf(queues: Queues, channel: PlatformChannel): OutboundQueue {
  return channel === 'zalo' ? queues.outboundZalo : queues.outboundMessenger;
}

/** The batch queue of a channel. */
export function outboundBatchQueueOf(queues: Queues, channel: PlatformChannel): OutboundBatchQueue {
  return channel === 'zalo' ? queues.outboundZaloBatch : queues.outboundMessengerBatch;
}

/**
 * The producers' side of every queue, on one shared connection (the fail-fast one: an HTTP
 * handler adding a job while Redis is away gets an error, not a hang). `prefix` namespaces all
 * keys, so deployments or test files sharing a Redis never see each other's jobs.
 */
export function createQueues(connection: Redis, prefix: string, logger: Logger): Queues {
  const housekeeping = new Queue<HousekeepingJob, HousekeepingResult>(QUEUE_NAMES.housekeeping, {
    connection,
    prefix,
    defaultJobOptions: JOB_OPTIONS.housekeeping,
  });
  const outboxRelay = new Queue<OutboxRelayJob, OutboxRelayResult>(QUEUE_NAMES.outboxRelay, {
    connection,
    prefix,
    defaultJobOptions: JOB_OPTIONS['outbox-relay'],
  });
  const schedules = new Queue<ScheduleJob, ScheduleJobResult>(QUEUE_NAMES.schedules, { connection, prefix, defaultJobOptions: JOB_OPTIONS.schedules });
  const outbound = (name: QueueName) => new Queue<OutboundJob, OutboundResult>(name, { connection, prefix, defaultJobOptions: JOB_OPTIONS[name] });
  const batches = (name: QueueName) => new Queue<OutboundBatchJob, OutboundBatchResult>(name, { connection, prefix, defaultJobOptions: JOB_OPTIONS[name] });
  const queues: Queues = {
    turns: new Queue<TurnsJob, TurnsResult>(QUEUE_NAMES.turns, { connection, prefix, defaultJobOptions: JOB_OPTIONS.turns }),
    housekeeping,
    schedules,
    outboxRelay,
    outboundZalo: outbound(QUEUE_NAMES.outboundZalo),
    outboundMessenger: outbound(QUEUE_NAMES.outboundMessenger),
    outboundZaloBatch: batches(QUEUE_NAMES.outboundZaloBatch),
    outboundMessengerBatch: batches(QUEUE_NAMES.outboundMessengerBatch),
    proofImages: new Queue<ProofImageJob | ProofImageSweepJob, ProofImageResult>(QUEUE_NAMES.proofImages, {
      connection,
      prefix,
      defaultJobOptions: JOB_OPTIONS['proof-images'],
    }),
    broadcasts: new Queue<BroadcastJob | BroadcastSweepJob, BroadcastJobResult>(QUEUE_NAMES.broadcasts, { connection, prefix, defaultJobOptions: JOB_OPTIONS.broadcasts }),
  };
  for (const queue of allQueues(queues)) {
    queue.on('error', (err) => logger[isConnectionError(err) ? 'debug' : 'error']({ err, queue: queue.name }, 'queue error'));
  }
  return queues;
}

/** How many drains of pending turns may run at once, over all processes (each takes one database connection). */
export const TURN_RUNNERS = 4;
export const TURNS_JOB_NAME = 'drain';

let nextRunner = 0;

/**
 * Makes sure pending turns are drained: one job, on the next runner slot in turn (round robin),
 * whatever the number of conversations. A slot whose drain is running keeps one more job behind
 * it (`keepLastIfActive`), so events recorded while a drain finishes are never left behind; under
 * load, successive intake batches wake the other slots, and the drains share the conversations.
 */
export async function triggerTurns(queues: Pick<Queues, 'turns'>, conversationKeys: readonly string[]): Promise<void> {
  if (conversationKeys.length === 0) return;
  const slot = nextRunner;
  nextRunner = (nextRunner + 1) % TURN_RUNNERS;
  await queues.turns.add(TURNS_JOB_NAME, {}, { deduplication: { id: `turns:drain:${slot}`, keepLastIfActive: true } });
}

/** A drain in `delayMs` (a failed event's backoff runs out then); not deduplicated, so it is never lost to a running drain. */
export async function triggerTurnsLater(queues: Pick<Queues, 'turns'>, delayMs: number): Promise<void> {
  await queues.turns.add(TURNS_JOB_NAME, {}, { delay: Math.max(0, Math.round(delayMs)), jobId: `retry-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` });
}

/** Starts the download of proof images (after the turn that recorded them committed). */
export async function enqueueProofImages(queues: Pick<Queues, 'proofImages'>, proofIds: readonly string[]): Promise<void> {
  if (proofIds.length === 0) return;
  await queues.proofImages.addBulk(proofIds.map((proofId) => ({ name: PROOF_IMAGE_JOB_NAME, data: { proofId }, opts: { jobId: proofImageJobId(proofId) } })));
}

/** Every queue, for what treats them alike (error logging, closing, scheduler cleanup). */
export function allQueues(queues: Queues): Queue[] {
  return Object.values(queues) as Queue[];
}

/**
 * True for a lost, refused or closed Redis connection (redis-outage.ts, plus a connection closed on
 * purpose). BullMQ re-emits one on every reconnect attempt; the connection itself logs the outage
 * once (main/redis.ts), so these go to debug.
 */
export function isConnectionError(error: unknown): boolean {
  return isRedisUnavailable(error) || (error instanceof Error && /connection is closed/i.test(error.message));
}
