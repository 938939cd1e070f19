/**
 * outbound batch processor (one Worker per channel: queues `outbound-zalo-batch`, `outbound-messenger-batch`)
 *
 * Inputs:       `{deliveryIds, broadcastId?}`: a page of a broadcast's deliveries on one channel,
 *               to distinct members (broadcast-outbox.ts).
 * Side effects: the page is sent a chunk at a time, each chunk as large as the tokens the
 *               channel's shared budget grants (send-budget.ts: about a tenth of a second's sends):
 *               1. ONE statement claims the chunk (queued -> sending, attempts + 1) with
 *                  claimDelivery's rules; a row still queued that cannot be claimed (an older row
 *                  of the same member is queued or sending, or it is not due) gets a job of its
 *                  own on the single-delivery path, which waits its turn;
 *               2. ONE statement reads the policy's facts for all of them (the members' proactive
 *                  sends today); the decision per row is decideDelivery's, pure; tokens for rows
 *                  not sent are given back;
 *               3. the sends go concurrently, each with the token it holds;
 *               4. ONE statement records the rows sent; every other answer is recorded row by
 *                  row with the single path's rules (outbound.processor.ts): windowClosed ->
 *                  deferred (or postponed), unreachable, badRequest -> failed, a throwing sender
 *                  -> failed unknown_outcome;
 *                  - retryable: that row back to 'queued' and a job of its own with backoff
 *                    (its remaining attempts), the others of the batch go on;
 *                  - 429 (retry-after): that row back to 'queued' and first in line again; the
 *                    channel's budget is blocked for the retry-after (every sender of the channel,
 *                    in every process, waits), and the single queue rate-limited as well;
 *                  - bad token: the row back to 'queued', the channel paused (both queues), and
 *                    the job put back: it resumes with what is still queued when the channel does.
 * Crash:        a worker killed mid-chunk leaves that chunk's rows 'sending': the relay fails them
 *               as unknown_outcome and never resends them. The rest of the page is still
 *               'queued': the stalled job runs again and sends those (once: each is claimed).
 * Outage:       every statement waits out a database outage up to DATABASE_PATIENCE_MS, as the
 *               single path does; the chunk's claim runs again with its claim token and takes back
 *               the rows a run whose answer was lost had claimed (deliveries.repository.ts "Claim
 *               tokens"); a chunk that still fails before its sends (its claim included) puts the
 *               rows 'sending' under its token back to 'queued' (never sent, so never
 *               unknown_outcome) and the job retries.
 * Cancel:       cancelled rows are not 'queued': the claim passes them by (and the broadcast's
 *               discard job removes its batches still waiting).
 * Outcome:      `{sent, other}`.
 */
import { randomUUID } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import type { ChannelSender, PlatformChannel, SendFailure, SendMode, SendResult } from '../channels/channel';
import { recordOutcome, releaseClaims, UNKNOWN_OUTCOME, type ClaimedDelivery, type DeliveryOutcome } from '../domain/deliveries/deliveries.repository';
import { claimBatch, type BatchClaim, countProactiveSentSinceMany, recordBatchSent, type BatchSent } from '../domain/deliveries/delivery-batches.repository';
import { decideWithFacts, startOfLocalDay } from '../domain/deliveries/delivery-gate';
import { isProactive } from '../domain/deliveries/delivery-policy';
import { deferredTotal, expiredTotal, sendsTotal } from '../metrics/metrics';
import { countOutcome, MAX_RATE_LIMITED_CLAIMS, parseSendMode, promoteIfDelayed, waitOutDatabase, type OutboundDeps } from './outbound.processor';
import { verdictOf } from './outbound-policy';
import {
  BROADCAST_SEND_PRIORITY,
  JOB_OPTIONS,
  OUTBOUND_JOB_NAME,
  outboundJobId,
  outboundQueueOf,
  type OutboundBatchJob,
  type OutboundBatchResult,
} from './queues';

/** What a batch needs is what a single send needs (outbound.processor.ts). */
export type OutboundBatchDeps = OutboundDeps;

export type OutboundBatchProcessor = (job: Job<OutboundBatchJob, OutboundBatchResult>, token?: string, signal?: AbortSignal) => Promise<OutboundBatchResult>;

/** The most rows a chunk asks tokens for (the budget grants at most a window's worth). */
export const MAX_CHUNK = 100;
const ATTEMPTS = JOB_OPTIONS['outbound-zalo'].attempts ?? 8;
const BACKOFF_MS = 3_000;

type Plan = { readonly kind: 'send'; readonly row: ClaimedDelivery; readonly mode: SendMode; readonly policyMode: boolean } | { readonly kind: 'done' };

/** Thrown to put the batch back (bad token: the channel is paused). */
const putBack = () => Worker.RateLimitError();

export function createOutboundBatchProcessor(sender: ChannelSender, deps: OutboundBatchDeps): OutboundBatchProcessor {
  const channel: PlatformChannel = sender.channel;
  const { db, logger, budget } = deps;
  const now = deps.now ?? (() => new Date());
  const singles = outboundQueueOf(deps.queues, channel);

  /**
   * `work`, waiting out a database outage up to DATABASE_PATIENCE_MS as the single path does (after
   * the sends, losing the record would turn delivered messages into unknown_outcome).
   */
  async function patiently<T>(what: string, ids: readonly number[], work: () => Promise<T>): Promise<T> {
    try {
      return await waitOutDatabase(logger, `outbound batch: could not ${what}`, { deliveryIds: ids.slice(0, 20), count: ids.length, channel }, work);
    } catch (err) {
      logger.error({ err, deliveryIds: ids.slice(0, 20), count: ids.length, channel }, `outbound batch: could not ${what}`);
      throw err;
    }
  }

  /**
   * The chunk's rows still 'sending' under its claim token go back to the queue when the chunk
   * fails before its sends, or when its claim gave up after a run whose answer was lost (the
   * batch's job runs again and claims them anew): never sent, and left 'sending', the relay would
   * end them as unknown_outcome. Rows already recorded are no longer 'sending' and are left alone.
   */
  async function putBackUnsent(chunk: readonly number[], token: string, err: unknown): Promise<void> {
    const message = `the chunk failed before its sends: ${err instanceof Error ? err.message : String(err)}`;
    await patiently('put unsent rows back', chunk, () => releaseClaims(db, chunk, token, { code: 'batch_interrupted', message })).catch(() => undefined);
  }

  async function record(row: ClaimedDelivery, outcome: DeliveryOutcome): Promise<void> {
    const recorded = await patiently('record an outcome', [row.id], () => recordOutcome(db, row.id, outcome));
    if (!recorded) logger.warn({ deliveryId: row.id, outcome: outcome.kind }, 'outbound batch: the row was no longer sending; outcome not recorded');
    else countOutcome(row.purpose, channel, outcome);
  }

  /** Rows that go on alone: a job each on the single path, behind replies (it waits its turn or its time). */
  async function handOver(ids: readonly number[], delayMs = 0, attempts?: number): Promise<void> {
    if (ids.length === 0) return;
    await singles.addBulk(
      ids.map((id) => ({
        name: OUTBOUND_JOB_NAME,
        data: { deliveryId: id },
        opts: { jobId: outboundJobId(id), priority: BROADCAST_SEND_PRIORITY, ...(delayMs > 0 ? { delay: Math.round(delayMs) } : {}), ...(attempts ? { attempts } : {}) },
      })),
    );
  }

  /** What to do with each claimed row: the single path's prechecks, with the policy's facts read once for all. */
  async function plan(claimed: readonly ClaimedDelivery[], at: Date): Promise<Plan[]> {
    const proactive = claimed.filter((c) => c.channel === channel && c.reachability !== 'unreachable' && isProactive(c.purpose));
    const sentToday = await patiently("read the policy's facts", proactive.map((c) => c.id), () => countProactiveSentSinceMany(db, proactive, startOfLocalDay(at, deps.policy.timeZone)));
    const plans: Plan[] = [];
    for (const row of claimed) {
      if (row.channel !== channel) {
        await record(row, { kind: 'failed', code: 'wrong_channel', message: `a ${row.channel} delivery reached the ${channel} batch queue` });
        logger.error({ deliveryId: row.id, channel, identityChannel: row.channel }, 'outbound batch: delivery on the wrong channel queue; failed');
        plans.push({ kind: 'done' });
      } else if (row.expiresAt !== null && row.expiresAt.getTime() <= at.getTime()) {
        await record(row, { kind: 'expired' });
        expiredTotal.inc({ purpose: row.purpose });
        plans.push({ kind: 'done' });
      } else if (row.reachability === 'unreachable') {
        await record(row, { kind: 'skipped', code: 'unreachable', message: row.unreachableReason ?? 'identity unreachable' });
        plans.push({ kind: 'done' });
      } else if (row.purpose !== 'reply') {
        const verdict = verdictOf(decideWithFacts({ ...row, channel }, sentToday.get(row.id) ?? 0, deps.policy, at));
        if (verdict.kind === 'send') {
          plans.push({ kind: 'send', row, mode: verdict.mode, policyMode: true });
          continue;
        }
        await record(row, verdict.record);
        if (verdict.outcome === 'deferred') deferredTotal.inc({ channel, reason: verdict.reason });
        // Postponed (quiet hours, daily cap): its own job waits until then.
        if (verdict.until) await handOver([row.id], verdict.until.getTime() - Date.now());
        logger.info({ deliveryId: row.id, channel, purpose: row.purpose, reason: verdict.reason }, `outbound batch: the delivery policy says ${verdict.outcome === 'skipped' ? 'skip' : 'not now'}`);
        plans.push({ kind: 'done' });
      } else {
        const mode = parseSendMode(row.sendMode, channel);
        if (!mode) {
          await record(row, { kind: 'failed', code: 'bad_send_mode', message: `not a ${channel} send mode` });
          plans.push({ kind: 'done' });
        } else plans.push({ kind: 'send', row, mode, policyMode: false });
      }
    }
    return plans;
  }

  /** A failed send's row, recorded with the single path's rules; returns what the batch must do next. */
  async function onFailure(row: ClaimedDelivery, failure: SendFailure, sentBeforeFailure: readonly string[]): Promise<'go' | 'again' | 'pause'> {
    const sentParts = [...row.sentParts, ...sentBeforeFailure];
    const error = { code: failure.code, message: failure.message, ...(sentParts.length > 0 ? { sentParts } : {}) };
    const fields = { deliveryId: row.id, channel, code: failure.code, claims: row.attempts };
    switch (failure.kind) {
      case 'windowClosed':
        if (failure.retryAfterMs !== undefined && failure.retryAfterMs > 0) {
          await record(row, { kind: 'postponed', until: new Date(now().getTime() + failure.retryAfterMs), ...error });
          deferredTotal.inc({ channel, reason: 'platformHour' });
          await handOver([row.id], failure.retryAfterMs);
          return 'go';
        }
        await record(row, { kind: 'deferred', ...error });
        deferredTotal.inc({ channel, reason: 'platformWindowClosed' });
        return 'go';
      case 'unreachable':
        await record(row, { kind: 'unreachable', ...error });
        return 'go';
      case 'badRequest':
        await record(row, { kind: 'failed', ...error });
        logger.error({ ...fields, reason: failure.message }, 'outbound batch: the platform rejected our message as malformed; failed, not retried');
        return 'go';
      case 'badToken':
        await record(row, { kind: 'requeued', ...error });
        await deps.pauser.pause(channel, failure);
        return 'pause';
      case 'retryable':
        if (failure.retryAfterMs !== undefined && failure.retryAfterMs > 0 && row.attempts < MAX_RATE_LIMITED_CLAIMS) {
          await record(row, { kind: 'requeued', ...error });
          await budget.block(channel, failure.retryAfterMs);
          await singles.rateLimit(failure.retryAfterMs);
          logger.warn({ ...fields, retryAfterMs: failure.retryAfterMs }, 'outbound batch: rate limited by the platform; the channel waits, the row goes again after');
          return 'again';
        }
        if (row.attempts >= ATTEMPTS) {
          await record(row, { kind: 'failed', ...error });
          logger.error(fields, `outbound batch: gave up after ${row.attempts} attempts; last: ${failure.code}`);
          return 'go';
        }
        await record(row, { kind: 'requeued', ...error });
        // Its own job, with the attempts it has left and the single path's first backoff.
        await handOver([row.id], BACKOFF_MS * 2 ** Math.max(0, row.attempts - 1) * (0.75 + Math.random() / 2), ATTEMPTS - row.attempts);
        logger.warn(fields, 'outbound batch: retryable failure; the row retries alone');
        return 'go';
    }
  }

  return async (job, _token, signal) => {
    await deps.beforeJob?.();
    let pending = [...job.data.deliveryIds];
    let sent = 0;
    let other = 0;
    while (pending.length > 0) {
      if (signal?.aborted) throw new Error('outbound batch: stopped (shutting down); the rest of the batch runs again');
      const granted = await budget.take(channel, Math.min(pending.length, MAX_CHUNK), { bulk: true, ...(signal ? { signal } : {}) });
      const chunk = pending.slice(0, granted);
      pending = pending.slice(granted);
      // A token per chunk's claim call: its runs share it (deliveries.repository.ts, "Claim tokens").
      const token = randomUUID();
      let claim: BatchClaim;
      try {
        claim = await patiently('claim a chunk', chunk, () => claimBatch(db, chunk, token));
      } catch (err) {
        await putBackUnsent(chunk, token, err);
        throw err;
      }
      const { claimed, waiting } = claim;
      const at = now();
      let plans: Plan[];
      try {
        await handOver(waiting);
        plans = await plan(claimed, at);
      } catch (err) {
        await putBackUnsent(chunk, token, err);
        throw err;
      }
      const sends = plans.filter((p): p is Extract<Plan, { kind: 'send' }> => p.kind === 'send');
      other += chunk.length - sends.length;
      await budget.giveBack(channel, granted - sends.length);

      const results = await Promise.all(
        sends.map(async (p): Promise<SendResult | { thrown: unknown }> => {
          const resume = p.row.sentParts.length;
          try {
            return await sender.send(p.row.platformUserId, p.row.message, p.mode, { ref: String(p.row.id), ...(resume > 0 ? { skipParts: resume } : {}) });
          } catch (thrown) {
            return { thrown };
          }
        }),
      );

      const ok: BatchSent[] = [];
      const again: number[] = [];
      let pause = false;
      for (const [i, p] of sends.entries()) {
        const result = results[i]!;
        if ('thrown' in result) {
          const err = result.thrown;
          await record(p.row, { kind: 'failed', code: UNKNOWN_OUTCOME, message: `the sender threw: ${err instanceof Error ? err.message : String(err)}` });
          logger.error({ err, deliveryId: p.row.id, channel }, 'outbound batch: the sender threw; outcome unknown, not resent');
          other += 1;
        } else if (result.ok) {
          ok.push({ id: p.row.id, messageIds: [...p.row.sentParts, ...result.messageIds], ...(p.policyMode ? { sendMode: JSON.stringify(p.mode) } : {}) });
        } else {
          const next = await onFailure(p.row, result.failure, result.sentMessageIds ?? []);
          if (next === 'again') again.push(p.row.id);
          else other += 1;
          if (next === 'pause') pause = true;
        }
      }
      if (ok.length > 0) {
        const after = await patiently('record the sends', ok.map((s) => s.id), () => recordBatchSent(db, ok));
        sent += after.recorded.length;
        const purposeOf = new Map(sends.map((p) => [p.row.id, p.row.purpose]));
        for (const id of after.recorded) sendsTotal.inc({ purpose: purposeOf.get(id)!, channel, result: 'sent' });
        if (after.recorded.length < ok.length) logger.warn({ count: ok.length - after.recorded.length }, 'outbound batch: rows no longer sending; their sends not recorded');
        for (const n of after.next) await promoteIfDelayed(singles, n).catch((err: unknown) => logger.debug({ err, deliveryId: n }, 'outbound batch: could not wake the next message; it rechecks on its own'));
      }
      // Rate-limited rows go first again, once the budget lets anyone send.
      if (again.length > 0) pending = [...again, ...pending];
      if (pause) throw putBack();
    }
    logger.debug({ channel, sent, other, rows: job.data.deliveryIds.length }, 'outbound batch: done');
    return { sent, other };
  };
}
