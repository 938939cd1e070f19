/**
 * outbound processor (one Worker per channel: queues `outbound-zalo`, `outbound-messenger`)
 *
 * Inputs:       `{deliveryId}`; the `deliveries` row holds the message, the send mode (JSON of a
 *               SendMode, null for the channel's reply mode) and the recipient identity.
 * Side effects: claims the row (queued -> sending, attempts + 1) BEFORE calling the platform, then
 *               takes a token of the channel's send budget (send-budget.ts, shared with the
 *               broadcast batches of outbound-batch.processor.ts and with every process), makes at
 *               most one `ChannelSender.send` call and records its answer on the row:
 *               - ok: 'sent', the platform message ids joined by ',', sent_at;
 *               - any failure part-way through a multi-part message: the ids of the parts already
 *                 delivered are kept on the row, and the next attempt passes `skipParts` so the
 *                 member never gets a part twice;
 *               - retryable: back to 'queued' with the error; the job throws and BullMQ retries it
 *                 with exponential backoff and jitter (queues.ts: 8 attempts). With `retryAfterMs`
 *                 (a 429) the whole channel queue is rate-limited that long (`queue.rateLimit`), the
 *                 channel's send budget blocked as long (batches wait too), and
 *                 the job goes back to waiting without using an attempt (Worker.RateLimitError);
 *               - windowClosed: 'deferred', and the identity's window_closed_at = now (the
 *                 platform's verdict wins over our clock, DESIGN.md "Delivery policy");
 *               - unreachable: 'failed', and the identity marked unreachable with the reason;
 *               - badRequest: 'failed' (our message is wrong: logged at error, never retried);
 *               - badToken: ALERT logged (error level, channel and code, never the token), the
 *                 channel's queues PAUSED (single and batch: they keep their jobs; `resumeChannel`), the row
 *                 back to 'queued' and the job back to waiting: nothing is lost, nothing burns.
 *               An identity already unreachable: 'skipped', no call. Content past expires_at:
 *               'expired', no call. A sender that throws (it must not) leaves the outcome unknown:
 *               'failed' with unknown_outcome, never resent.
 * Retries:      as above; the last attempt of a retryable failure leaves the row 'failed' with
 *               its last error (counted from the job's attempts, not from a Worker event, so a
 *               crash cannot skip it). PostgreSQL away (a restart, a failover, a cut connection):
 *               every statement of the job (claim, policy read, record) waits for it, up to
 *               DATABASE_PATIENCE_MS, then throws and the job retries; a send already made is
 *               recorded once the database is back instead of ending as unknown_outcome. A claim
 *               whose answer the cut lost after PostgreSQL committed it is taken back by the
 *               claim's own retry (its claim token, deliveries.repository.ts "Claim tokens"), not
 *               left 'sending'; a claim that gives up puts such rows back to 'queued'. Redis away: the job
 *               throws and retries; a row left 'queued' after its job gave up is re-enqueued by the relay.
 * Order:        a member gets their messages in the order the rows were created: the claim waits
 *               while an older row of the same identity is queued (and due) or sending. The job
 *               then moves itself to delayed (no attempt used) and is promoted as soon as that
 *               older row finishes (or the relay closes it as unknown_outcome); it looks again on
 *               its own only after ORDER_RECHECK_MS, in case that wake-up was lost. A row with a
 *               future not_before waits in the delayed set until then.
 * Idempotence:  a job whose row is not 'queued' (sent, taken by another worker, swept, a duplicate
 *               job, a stalled job run again) completes at once with outcome 'notQueued', waking
 *               the member's next message in case the run that finished the row died before it
 *               could. A worker killed between the claim and the record leaves the row 'sending';
 *               the relay fails it as unknown_outcome after 5 minutes and never resends
 *               (deliveries.repository.ts).
 * Units:        a job whose data names a `unit` (a turn's replies to one member, queued together by
 *               the turn pipeline) sends the unit's rows in order, each with the rules above: each
 *               row is claimed when the one before it is recorded (one row of a member in flight at
 *               a time, as ever), and the claims and records of the jobs running at once go to the
 *               database together, one statement per group. A failure that would put a single
 *               delivery's job back (retryable, 429, bad token) stops the unit at that row: the rows
 *               after it stay queued, and the job retries (or waits) starting with the failed row.
 *               The unit's rows share the job's attempts.
 * Outcome:      `{outcome}`: sent | deferred | unreachable | failed | skipped | expired | notQueued.
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import type { ChannelSender, PlatformChannel, SendFailure, SendMode } from '../channels/channel';
import type { Db } from '../db/database';
import {
  claimDelivery,
  isBehindOlderDelivery,
  nextQueuedAfter,
  nextQueuedDelivery,
  recordOutcome,
  releaseClaims,
  UNKNOWN_OUTCOME,
  type ClaimedDelivery,
  type DeliveryOutcome,
} from '../domain/deliveries/deliveries.repository';
import { claimUnits, classifyUnclaimed, recordSentAndClaimNext, type AfterSent, type SentInUnit } from '../domain/deliveries/delivery-units.repository';
import { createGroupCommit } from '../db/group-commit';
import { withDatabasePatience } from '../db/outage';
import type { DeliveryPolicySettings, SendCost } from '../domain/deliveries/delivery-policy';
import type { Logger } from '../logging/logger';
import { deferredTotal, expiredTotal, sendsTotal } from '../metrics/metrics';
import { policyVerdict } from './outbound-policy';
import type { SendBudget } from './send-budget';
import { outboundBatchQueueOf, outboundJobId, outboundQueueOf, type OutboundJob, type OutboundOutcome, type OutboundQueue, type OutboundResult, type Queues } from './queues';

/** The senders this process has; a channel without one has no outbound worker. */
export type ChannelSenders = Partial<Record<PlatformChannel, ChannelSender>>;

export interface OutboundDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly queues: Queues;
  readonly pauser: ChannelPauser;
  /** The channel's shared send budget: every send takes a token before its HTTP call (send-budget.ts). */
  readonly budget: SendBudget;
  /** The delivery policy's settings: every row but a reply is decided by it before its send. */
  readonly policy: DeliveryPolicySettings;
  readonly now?: () => Date;
  /** Awaited before each job (ROLE=all: webhooks first, load-governor.ts). */
  readonly beforeJob?: () => Promise<void>;
}

export type OutboundProcessor = (job: Job<OutboundJob, OutboundResult>, token?: string) => Promise<OutboundResult>;

/** A retryable platform failure: thrown so that BullMQ schedules the next attempt. */
export class RetryableSendError extends Error {
  constructor(readonly failure: SendFailure) {
    super(`retryable send failure ${failure.code}: ${failure.message}`);
    this.name = 'RetryableSendError';
  }
}

/**
 * A platform that keeps answering 429 would keep a job forever (a rate-limited retry costs no
 * attempt); past this many claims of one row, a 429 counts as an ordinary retryable failure.
 */
export const MAX_RATE_LIMITED_CLAIMS = 40;

/**
 * A message behind an older one to the same member waits in the delayed set until that one
 * finishes and wakes it (and the relay wakes the next one after an interrupted send it closes).
 * It looks again on its own after this long only in case a wake-up was lost (a crash between a
 * send and its wake-up, Redis away). Not every second: each look is a job run that spends a token
 * of the channel's rate limit, and a backlog of waiting messages looking every second spent the
 * whole budget on looking (Zalo, 50/s, fell to about 10 sends/s with a few replies per member queued).
 */
export const ORDER_RECHECK_MS = 30_000;

/** The send mode of a reply (DESIGN.md "Delivery policy"), when the row names none. */
export const REPLY_MODES: Readonly<Record<PlatformChannel, SendMode>> = {
  messenger: { channel: 'messenger', messagingType: 'RESPONSE' },
  zalo: { channel: 'zalo', kind: 'cs' },
};

const sendModeSchema = z.union([
  z.object({
    channel: z.literal('messenger'),
    messagingType: z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']),
    tag: z.enum(['CONFIRMED_EVENT_UPDATE', 'ACCOUNT_UPDATE', 'HUMAN_AGENT', 'POST_PURCHASE_UPDATE']).optional(),
  }),
  z.object({ channel: z.literal('zalo'), kind: z.literal('cs') }),
  z.object({ channel: z.literal('zalo'), kind: z.literal('template'), templateId: z.string().min(1), templateData: z.record(z.string(), z.string()) }),
]);

/** The row's send mode for `channel`, or null when it is not valid JSON of a SendMode of that channel. */
export function parseSendMode(stored: string | null, channel: PlatformChannel): SendMode | null {
  if (stored === null) return REPLY_MODES[channel];
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch {
    return null;
  }
  const parsed = sendModeSchema.safeParse(json);
  if (!parsed.success || parsed.data.channel !== channel) return null;
  return parsed.data;
}

/**
 * How long a job waits for PostgreSQL to come back (a restart, a failover) before giving up on a
 * statement. Recording what the platform answered matters most: given up, a delivered send would
 * stay 'sending' and end as unknown_outcome. Claims and the policy's reads wait as well, so that
 * the jobs of an outage resume within seconds of its end instead of after their backoff. Well
 * under the relay's 5 minutes for a 'sending' row (queues.ts OUTBOX_RELAY_DEFAULTS), which it must never sweep from
 * a live job. A worker that dies while waiting leaves the row 'sending': at most once, as ever.
 */
export const DATABASE_PATIENCE_MS = 90_000;

/**
 * `work` of a send job (single or batch), waiting out a database outage up to DATABASE_PATIENCE_MS;
 * the first wait of each call is logged with `fields`.
 */
export function waitOutDatabase<T>(logger: Logger, what: string, fields: Readonly<Record<string, unknown>>, work: () => Promise<T>): Promise<T> {
  return withDatabasePatience(work, {
    patienceMs: DATABASE_PATIENCE_MS,
    onWait: (err, attempt) => {
      if (attempt === 1) logger.warn({ err, ...fields, patienceMs: DATABASE_PATIENCE_MS }, `${what}; trying again while the database is away`);
    },
  });
}

/** Counts a recorded outcome in sendsTotal (a row put back to the queue is not an outcome yet). */
export function countOutcome(purpose: string, channel: PlatformChannel, outcome: DeliveryOutcome): void {
  if (outcome.kind === 'requeued') return;
  sendsTotal.inc({ purpose, channel, result: outcome.kind === 'held' || outcome.kind === 'postponed' ? 'deferred' : outcome.kind });
}

export function createOutboundProcessor(sender: ChannelSender, deps: OutboundDeps): OutboundProcessor {
  const channel = sender.channel;
  const queue = outboundQueueOf(deps.queues, channel);
  const now = deps.now ?? (() => new Date());
  const { db, logger } = deps;

  /** `work` with DATABASE_PATIENCE_MS; the first wait of each is logged once. */
  function patiently<T>(what: string, deliveryId: number, work: () => Promise<T>): Promise<T> {
    return waitOutDatabase(logger, `outbound: ${what} failed`, { deliveryId, channel }, work);
  }

  /**
   * One call of a claiming statement: a fresh claim token for it, shared by its runs, so that a run
   * after one whose answer was lost takes that run's rows back (deliveries.repository.ts, "Claim
   * tokens"). When the call gives up (the database away for longer than DATABASE_PATIENCE_MS, or
   * another error), the rows still 'sending' under its token were never handed to this job, so
   * never sent: they go back to 'queued' and the job's next attempt claims them anew.
   */
  async function claiming<T>(what: string, ids: readonly number[], claim: (token: string) => Promise<T>): Promise<T> {
    const token = randomUUID();
    try {
      return await patiently(what, ids[0]!, () => claim(token));
    } catch (err) {
      await releaseUnanswered(ids, token, err);
      throw err;
    }
  }

  /** Puts back the rows of `ids` still 'sending' under the token of a call that gave up (best effort: left, the relay ends them as unknown_outcome). */
  async function releaseUnanswered(ids: readonly number[], token: string, err: unknown): Promise<void> {
    const message = `a claim of this row never answered: ${err instanceof Error ? err.message : String(err)}`;
    try {
      const back = await patiently('putting back the rows of a claim that never answered', ids[0]!, () => releaseClaims(db, ids, token, { code: 'claim_interrupted', message }));
      if (back.length > 0) logger.warn({ deliveryIds: back, channel }, "outbound: rows claimed by a claim that never answered went back to 'queued' (never sent)");
    } catch (releaseErr) {
      logger.error({ err: releaseErr, deliveryIds: ids, channel }, "outbound: could not put back the rows of a claim that never answered; any left 'sending' will end as unknown_outcome");
    }
  }

  /**
   * Records an outcome, waiting out a database outage (after a send, losing the record would turn
   * it into unknown_outcome); then, unless the row goes back to the queue, wakes the member's next message.
   */
  async function record(claimed: ClaimedDelivery, outcome: DeliveryOutcome): Promise<void> {
    const deliveryId = claimed.id;
    let recorded: boolean;
    try {
      recorded = await patiently(`recording a ${outcome.kind} outcome`, deliveryId, () => recordOutcome(db, deliveryId, outcome));
    } catch (err) {
      const messageIds = outcome.kind === 'sent' ? outcome.messageIds : undefined;
      logger.error({ err, deliveryId, outcome: outcome.kind, messageIds }, 'outbound: could not record the outcome; the row stays sending and will end as unknown_outcome');
      throw err;
    }
    if (!recorded) {
      logger.warn({ deliveryId, outcome: outcome.kind }, 'outbound: the row was no longer sending; outcome not recorded');
    } else countOutcome(claimed.purpose, channel, outcome);
    if (outcome.kind !== 'requeued') await wakeNext(claimed);
  }

  /** Promotes the job of the member's next queued message, if it is waiting its turn (best effort: it rechecks on its own). */
  async function wakeNext(claimed: ClaimedDelivery): Promise<void> {
    try {
      const next = await nextQueuedDelivery(db, claimed.identityId, claimed.id);
      if (next !== null) await promoteIfDelayed(queue, next);
    } catch (err) {
      logger.debug({ err, deliveryId: claimed.id }, 'outbound: could not wake the next message; it rechecks on its own');
    }
  }

  /** wakeNext for a row this job did not claim. */
  async function wakeNextAfter(deliveryId: number): Promise<void> {
    try {
      for (const next of await nextQueuedAfter(db, [deliveryId])) await promoteIfDelayed(queue, next.id);
    } catch (err) {
      logger.debug({ err, deliveryId }, 'outbound: could not wake the next message; it rechecks on its own');
    }
  }

  async function onFailure(job: Job<OutboundJob, OutboundResult>, claimed: ClaimedDelivery, failure: SendFailure, sentBeforeFailure: readonly string[]): Promise<OutboundResult> {
    const id = claimed.id;
    const sentParts = [...claimed.sentParts, ...sentBeforeFailure];
    const error = { code: failure.code, message: failure.message, ...(sentParts.length > 0 ? { sentParts } : {}) };
    const fields = { deliveryId: id, channel, code: failure.code, attempt: job.attemptsMade + 1, claims: claimed.attempts };
    switch (failure.kind) {
      case 'windowClosed':
        if (failure.retryAfterMs !== undefined && failure.retryAfterMs > 0) {
          // A refusal for a time of day (Zalo -234, nights): the window is not closed; try again then.
          await record(claimed, { kind: 'postponed', until: new Date(now().getTime() + failure.retryAfterMs), ...error });
          deferredTotal.inc({ channel, reason: 'platformHour' });
          logger.info({ ...fields, retryAfterMs: failure.retryAfterMs }, 'outbound: the platform refuses this message at this hour; postponed');
          return { outcome: 'deferred' };
        }
        await record(claimed, { kind: 'deferred', ...error });
        deferredTotal.inc({ channel, reason: 'platformWindowClosed' });
        logger.info(fields, 'outbound: the platform says the messaging window is closed; deferred');
        return { outcome: 'deferred' };
      case 'unreachable':
        await record(claimed, { kind: 'unreachable', ...error });
        logger.info(fields, 'outbound: recipient unreachable; identity marked unreachable');
        return { outcome: 'unreachable' };
      case 'badRequest':
        await record(claimed, { kind: 'failed', ...error });
        logger.error({ ...fields, reason: failure.message }, 'outbound: the platform rejected our message as malformed; failed, not retried');
        return { outcome: 'failed' };
      case 'badToken':
        // The row first: if Redis fails us now, the job retries and meets the bad token again.
        await record(claimed, { kind: 'requeued', ...error });
        await deps.pauser.pause(channel, failure);
        throw Worker.RateLimitError();
      case 'retryable': {
        if (failure.retryAfterMs !== undefined && failure.retryAfterMs > 0 && claimed.attempts < MAX_RATE_LIMITED_CLAIMS) {
          await record(claimed, { kind: 'requeued', ...error });
          await deps.budget.block(channel, failure.retryAfterMs);
          await queue.rateLimit(failure.retryAfterMs);
          logger.warn({ ...fields, retryAfterMs: failure.retryAfterMs }, 'outbound: rate limited by the platform; the channel waits, no attempt used');
          throw Worker.RateLimitError();
        }
        const attempts = job.opts.attempts ?? 1;
        if (job.attemptsMade + 1 >= attempts) {
          await record(claimed, { kind: 'failed', ...error });
          throw new UnrecoverableError(`gave up after ${attempts} attempts; last: ${failure.code}: ${failure.message}`);
        }
        await record(claimed, { kind: 'requeued', ...error });
        throw new RetryableSendError(failure);
      }
    }
  }

  // The units' claims and records of the jobs running at once go together: one statement each.
  // Each job's call has its own claim token, so each item carries its unit's.
  const claimGroup = createGroupCommit(async (items: readonly { unit: readonly number[]; token: string }[]) =>
    (await claimUnits(db, items.map((x) => x.unit), items.map((x) => x.token))).map((rows) => rows[0]),
  );
  const recordGroup = createGroupCommit((items: readonly SentInUnit[]) => recordSentAndClaimNext(db, items));
  const claimNext = (unit: readonly number[]) => claiming('claiming a unit', unit, (token) => claimGroup({ unit, token }));

  /**
   * Records a unit's row as sent and claims the unit's next row, in one statement (waiting out a
   * database outage, as `record`; a claim call as `claiming` is, with a token of its own); when the
   * unit has no row left, wakes the member's next message.
   */
  async function recordSentAndClaim(claimed: ClaimedDelivery, messageIds: readonly string[], unit: readonly number[]): Promise<ClaimedDelivery | undefined> {
    let after: AfterSent;
    const token = randomUUID();
    try {
      after = await patiently('recording a sent outcome', claimed.id, () => recordGroup({ id: claimed.id, messageIds, unit, claimedWith: claimed.claimToken, token }));
    } catch (err) {
      logger.error({ err, deliveryId: claimed.id, outcome: 'sent', messageIds }, 'outbound: could not record the outcome; the row stays sending and will end as unknown_outcome');
      // The next row, if a lost run claimed it (the sent row has its own claim's token: left alone).
      await releaseUnanswered(unit, token, err);
      throw err;
    }
    if (!after.recorded) logger.warn({ deliveryId: claimed.id, outcome: 'sent' }, 'outbound: the row was no longer sending; outcome not recorded');
    else sendsTotal.inc({ purpose: claimed.purpose, channel, result: 'sent' });
    logger.debug({ deliveryId: claimed.id, channel, messages: messageIds.length, claims: claimed.attempts }, 'outbound: sent');
    for (const n of after.wake) await promoteIfDelayed(queue, n).catch((err: unknown) => logger.debug({ err, deliveryId: n }, 'outbound: could not wake the next message; it rechecks on its own'));
    return after.claimed;
  }

  type Checked = { kind: 'done'; outcome: OutboundOutcome; until?: Date } | { kind: 'send'; mode: SendMode; cost?: SendCost };

  /** Whether a claimed row may go to the platform (and how), or what was recorded for it instead. */
  async function precheck(claimed: ClaimedDelivery): Promise<Checked> {
    const id = claimed.id;
    if (claimed.channel !== channel) {
      await record(claimed, { kind: 'failed', code: 'wrong_channel', message: `a ${claimed.channel} delivery reached the ${channel} queue` });
      logger.error({ deliveryId: id, channel, identityChannel: claimed.channel }, 'outbound: delivery on the wrong channel queue; failed');
      return { kind: 'done', outcome: 'failed' };
    }
    if (claimed.expiresAt !== null && claimed.expiresAt.getTime() <= now().getTime()) {
      await record(claimed, { kind: 'expired' });
      expiredTotal.inc({ purpose: claimed.purpose });
      logger.info({ deliveryId: id, channel, purpose: claimed.purpose }, 'outbound: content expired before it could go; not sent');
      return { kind: 'done', outcome: 'expired' };
    }
    if (claimed.reachability === 'unreachable') {
      await record(claimed, { kind: 'skipped', code: 'unreachable', message: claimed.unreachableReason ?? 'identity unreachable' });
      logger.info({ deliveryId: id, channel }, 'outbound: identity unreachable; skipped');
      return { kind: 'done', outcome: 'skipped' };
    }
    if (claimed.purpose !== 'reply') {
      let verdict;
      try {
        verdict = await patiently("reading the policy's facts", id, () => policyVerdict(db, channel, claimed, deps.policy, now()));
      } catch (err) {
        // Nothing was sent: the row goes back to the queue and the job retries.
        await record(claimed, { kind: 'requeued', code: 'policy_unavailable', message: `the delivery policy could not be read: ${err instanceof Error ? err.message : String(err)}` });
        throw err;
      }
      if (verdict.kind === 'send') return verdict;
      await record(claimed, verdict.record);
      if (verdict.outcome === 'deferred') deferredTotal.inc({ channel, reason: verdict.reason });
      logger.info(
        { deliveryId: id, channel, purpose: claimed.purpose, reason: verdict.reason, ...(verdict.until ? { until: verdict.until.toISOString() } : {}) },
        `outbound: the delivery policy says ${verdict.outcome === 'skipped' ? 'skip' : 'not now'}`,
      );
      return { kind: 'done', outcome: verdict.outcome, ...(verdict.until ? { until: verdict.until } : {}) };
    }
    const mode = parseSendMode(claimed.sendMode, channel);
    if (!mode) {
      await record(claimed, { kind: 'failed', code: 'bad_send_mode', message: `not a ${channel} send mode` });
      logger.error({ deliveryId: id, channel }, 'outbound: the stored send mode is not valid for the channel; failed');
      return { kind: 'done', outcome: 'failed' };
    }
    return { kind: 'send', mode };
  }

  /**
   * A unit (a turn's replies to one member): its rows claimed one at a time, in order (the claims
   * and records of the jobs running at once go together), each sent as a single delivery would be.
   * A failure that would put a single delivery's job back (retryable, 429, bad token) stops the
   * unit there: its later rows stay queued, and the job retries (or waits) starting with the
   * failed row. The unit's rows share the job's attempts.
   */
  async function processUnit(job: Job<OutboundJob, OutboundResult>, token: string | undefined, unit: readonly number[]): Promise<OutboundResult> {
    let claimed = await claimNext(unit);
    if (!claimed) {
      const why = await patiently('looking at an unclaimed unit', unit[0]!, () => classifyUnclaimed(db, unit));
      if (why.kind === 'notQueued') {
        await wakeNextAfter(Math.max(...unit));
        return { outcome: 'notQueued' };
      }
      if (why.kind === 'notDue') {
        await job.moveToDelayed(why.notBefore.getTime(), token);
        throw new DelayedError();
      }
      await job.moveToDelayed(Date.now() + ORDER_RECHECK_MS, token);
      try {
        if (why.firstQueued !== undefined && !(await isBehindOlderDelivery(db, why.firstQueued))) await promoteIfDelayed(queue, job.data.deliveryId);
      } catch (err) {
        logger.debug({ err, deliveryId: job.data.deliveryId }, 'outbound: could not look again after waiting its turn; it rechecks on its own');
      }
      throw new DelayedError();
    }
    let outcome: OutboundOutcome = 'sent';
    while (claimed) {
      const current: ClaimedDelivery = claimed;
      const checked = await precheck(current);
      if (checked.kind === 'done') {
        outcome = checked.outcome;
        claimed = await claimNext(unit);
        continue;
      }
      const resume = current.sentParts.length;
      let result;
      await deps.budget.take(channel, 1);
      try {
        result = await sender.send(current.platformUserId, current.message, checked.mode, { ref: String(current.id), ...(resume > 0 ? { skipParts: resume } : {}) });
      } catch (err) {
        await record(current, { kind: 'failed', code: UNKNOWN_OUTCOME, message: `the sender threw: ${err instanceof Error ? err.message : String(err)}` });
        logger.error({ err, deliveryId: current.id, channel }, 'outbound: the sender threw; outcome unknown, not resent');
        outcome = 'failed';
        claimed = await claimNext(unit);
        continue;
      }
      if (result.ok) {
        claimed = await recordSentAndClaim(current, [...current.sentParts, ...result.messageIds], unit);
        continue;
      }
      // Retryable, 429 and bad token throw (the job retries or waits); the others are recorded.
      outcome = (await onFailure(job, current, result.failure, result.sentMessageIds ?? [])).outcome;
      claimed = await claimNext(unit);
    }
    return { outcome };
  }

  return async (job, token) => {
    await deps.beforeJob?.();
    if (job.data.unit && job.data.unit.length > 0) return processUnit(job, token, job.data.unit);
    const claim = await claiming('claiming a delivery', [job.data.deliveryId], (token) => claimDelivery(db, job.data.deliveryId, token));
    if (claim.kind === 'notQueued') {
      logger.debug({ deliveryId: job.data.deliveryId }, 'outbound: delivery not queued (done, deferred or taken); nothing to do');
      // A run of this job that died after finishing the row (a stalled job run again) never woke
      // the member's next message: wake it now (a no-op when it was woken).
      await wakeNextAfter(job.data.deliveryId);
      return { outcome: 'notQueued' };
    }
    if (claim.kind === 'notDue') {
      // Wait without using an attempt until it is due.
      await job.moveToDelayed(claim.notBefore.getTime(), token);
      throw new DelayedError();
    }
    if (claim.kind === 'behind') {
      // Wait without using an attempt until the older message finishes and wakes this job. If it
      // finished between the claim and the move, its wake-up found this job still active and
      // passed it by: so look once more, now that the job is where a wake-up would find it.
      await job.moveToDelayed(Date.now() + ORDER_RECHECK_MS, token);
      try {
        if (!(await isBehindOlderDelivery(db, job.data.deliveryId))) await promoteIfDelayed(queue, job.data.deliveryId);
      } catch (err) {
        logger.debug({ err, deliveryId: job.data.deliveryId }, 'outbound: could not look again after waiting its turn; it rechecks on its own');
      }
      throw new DelayedError();
    }
    const claimed = claim.delivery;
    const id = claimed.id;
    const checked = await precheck(claimed);
    if (checked.kind === 'done') {
      if (checked.until) {
        // Postponed by the policy (quiet hours, daily cap): this job waits until then, no attempt used.
        await job.moveToDelayed(checked.until.getTime(), token);
        throw new DelayedError();
      }
      return { outcome: checked.outcome };
    }
    const mode = checked.mode;

    let result;
    const resume = claimed.sentParts.length;
    await deps.budget.take(channel, 1);
    try {
      result = await sender.send(claimed.platformUserId, claimed.message, mode, { ref: String(id), ...(resume > 0 ? { skipParts: resume } : {}) });
    } catch (err) {
      // The port never throws; if a sender does, the request may have reached the platform.
      await record(claimed, { kind: 'failed', code: UNKNOWN_OUTCOME, message: `the sender threw: ${err instanceof Error ? err.message : String(err)}` });
      logger.error({ err, deliveryId: id, channel }, 'outbound: the sender threw; outcome unknown, not resent');
      return { outcome: 'failed' };
    }
    if (result.ok) {
      await record(claimed, { kind: 'sent', messageIds: [...claimed.sentParts, ...result.messageIds], ...(checked.cost ? { sendMode: JSON.stringify(mode) } : {}) });
      logger.debug({ deliveryId: id, channel, purpose: claimed.purpose, messages: result.messageIds.length, claims: claimed.attempts, ...(checked.cost ? { cost: checked.cost } : {}) }, 'outbound: sent');
      return { outcome: 'sent' };
    }
    return onFailure(job, claimed, result.failure, result.sentMessageIds ?? []);
  };
}

/**
 * Moves a delivery's job from the delayed set to the waiting list, if that is where it is (it
 * waited its turn behind an older message to the same member that is now finished).
 */
export async function promoteIfDelayed(queue: OutboundQueue, deliveryId: number): Promise<void> {
  const job = await queue.getJob(outboundJobId(deliveryId));
  if (!job || !(await job.isDelayed())) return;
  try {
    await job.promote();
  } catch (err) {
    // Promoted by someone else in between (the job's own look, a wake-up): nothing to do.
    if (!(await job.isDelayed().catch(() => false))) return;
    throw err;
  }
}

/**
 * Pauses a channel's outbound queues (its single sends and its batches) when its token is bad, once: the first caller pauses and
 * raises the ALERT; callers at the same moment (the other jobs in flight) wait for it, and later
 * ones find the queue paused and only note it. A paused queue keeps every job; workers stop
 * fetching from it, in every process, until `resumeChannel`.
 */
export interface ChannelPauser {
  pause(channel: PlatformChannel, failure: SendFailure): Promise<void>;
}

export function createChannelPauser(queues: Queues, logger: Logger): ChannelPauser {
  const pausing = new Map<PlatformChannel, Promise<void>>();
  return {
    pause(channel, failure) {
      const inFlight = pausing.get(channel);
      if (inFlight) return inFlight;
      const queue = outboundQueueOf(queues, channel);
      const done = (async () => {
        if (await queue.isPaused()) {
          logger.warn({ channel, code: failure.code }, 'outbound: bad token again while the channel is paused');
          return;
        }
        await queue.pause();
        await outboundBatchQueueOf(queues, channel).pause();
        logger.error(
          { alert: 'channel_bad_token', channel, code: failure.code, reason: failure.message, queue: queue.name },
          `ALERT: the ${channel} token is invalid; ${channel} sends are paused and their deliveries kept queued until an operator fixes the token and resumes the channel`,
        );
      })().finally(() => pausing.delete(channel));
      pausing.set(channel, done);
      return done;
    },
  };
}

/**
 * For operators, once the channel's token is fixed: resumes its outbound queues; the jobs they kept
 * run in their order. Returns false when it was not paused.
 */
export async function resumeChannel(queues: Queues, channel: PlatformChannel, logger: Logger): Promise<boolean> {
  const queue = outboundQueueOf(queues, channel);
  if (!(await queue.isPaused())) return false;
  await outboundBatchQueueOf(queues, channel).resume();
  await queue.resume();
  logger.info({ channel, queue: queue.name }, `outbound: ${channel} sends resumed`);
  return true;
}
