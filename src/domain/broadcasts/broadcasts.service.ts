/**
 * Staff and system broadcasts (issue 5, item 4): `BroadcastsPort` for callers, and the fan-out and
 * completion steps the broadcasts job runs.
 *
 * create  -> a 'scheduled' row and a fan-out job at sendAt (now when absent);
 * fan-out -> the audience streamed in pages of recipients (keyset on the recipient key), each page
 *            one INSERT … SELECT of deliveries with the policy's answer per recipient bucket; the
 *            cursor saved after each page, so a crash resumes where it stopped and re-inserts
 *            nothing. Every delivery is then durable: from here nothing can be lost;
 * sending -> its queued deliveries are fed to the outbox a few thousand ahead of the send rate
 *            (`feed`, every second): enqueueing 100,000 jobs at once took longer than recording
 *            the rows, would leave that many dead jobs behind a cancel, and held 100,000 jobs in
 *            Redis for minutes. The outbound workers send (and ask the policy again at send time);
 *            once all are fed and none is queued or being sent, it is 'completed'.
 */
import { AppError } from '../../errors/app-error';
import type { Db } from '../../db/database';
import type { DeliveryPurpose, PlatformChannelId } from '../../db/types';
import type { DeliveryPolicySettings } from '../deliveries/delivery-policy';
import type { Outbox } from '../deliveries/outbox';
import type { OutboundMessage } from '../shared/outbound-message';
import { localDayOf, zonedMidnight } from '../shared/time';
import type { BroadcastFigures, BroadcastsPort, NewBroadcast, ReachForecast, StaffScope } from './broadcast.types';
import { assertAudienceInScope, parseAudience, reachesGuests, type ResolvedAudience } from './broadcast-audience';
import {
  cancelBroadcast,
  completeIfDone,
  countByBucket,
  countFedWaiting,
  countDeliveries,
  findBroadcast,
  finishFanOut,
  insertBroadcast,
  insertFanOutPage,
  nextToFeed,
  parseCursor,
  refreshDeliveryStatistics,
  saveFedThrough,
  saveCursor,
  startFanOut,
  type BroadcastRow,
  type BucketContext,
  type BucketPlan,
  type CompletionCheck,
  type FanOutCursor,
} from './broadcasts.repository';
import { allBuckets, bucketKey, decideForBucket, plannedDeliveryOf, reachClassOf } from './reach-buckets';

/** What the service asks of the job system (implemented on BullMQ in jobs/); every call is idempotent. */
export interface BroadcastJobs {
  /** Runs the fan-out at `at` (now when null or past). */
  scheduleFanOut(broadcastId: string, at: Date | null): Promise<void>;
  /**
   * After a cancel: forgets its fan-out if not started, and drops the waiting send jobs of its
   * cancelled deliveries (in the background; they would only find their row cancelled).
   */
  afterCancel(broadcastId: string): Promise<void>;
}

export interface BroadcastsDeps {
  readonly db: Db;
  /** Where the fan-out hands queued deliveries; broadcasts' sends queue behind conversation replies. */
  readonly outbox: Outbox;
  readonly jobs: BroadcastJobs;
  readonly policy: DeliveryPolicySettings;
  readonly now?: () => Date;
  /** Recipients per fan-out page. */
  readonly pageSize?: number;
  /** Sends kept enqueued ahead (FEED_AHEAD). */
  readonly feedAhead?: number;
  /** Recipients from which a fan-out refreshes the statistics of deliveries (ANALYZE_AFTER_RECIPIENTS). */
  readonly analyzeAfterRecipients?: number;
}

export const DEFAULT_FANOUT_PAGE = 5_000;
/**
 * A fan-out of this many recipients or more refreshes the planner's statistics of deliveries
 * before its sends start (refreshDeliveryStatistics). ANALYZE reads a sample of fixed size, a
 * second or two at most; below this, plans made without the new rows cost little.
 */
export const ANALYZE_AFTER_RECIPIENTS = 10_000;
const PURPOSES: ReadonlySet<DeliveryPurpose> = new Set(['waveReminder', 'reviewResult', 'waveLaunch', 'recurringContent', 'cadreNudge']);
const TEXT_MAX = 5_000;

export interface BroadcastsService extends BroadcastsPort {
  /** One fan-out run (the job's work); resumes from the saved cursor. */
  fanOut(broadcastId: string): Promise<FanOutOutcome>;
  /** Tops up its enqueued sends to FEED_AHEAD; once all are fed, marks it completed when nothing is queued or being sent. */
  progress(broadcastId: string): Promise<ProgressOutcome>;
  /** Marks it completed when nothing is queued or being sent any more. */
  checkCompletion(broadcastId: string): Promise<CompletionCheck>;
}

/**
 * How many of a broadcast's sends wait enqueued at most: about 10 s of sending at 500/s, so the
 * workers never run dry between two feeds (one a second), while a member's reply to the bot
 * waits behind none of them (broadcast sends have a lower priority) and a cancel has few to drop.
 */
export const FEED_AHEAD = 5_000;

export type ProgressOutcome =
  | { readonly kind: 'feeding'; readonly enqueued: number }
  | CompletionCheck;

export type FanOutOutcome =
  | {
      readonly kind: 'done';
      readonly recipients: number;
      readonly pages: number;
      /** The planner's statistics of deliveries: refreshed, not needed (a small fan-out), or not allowed (the app's user does not own the table). */
      readonly statistics: 'refreshed' | 'notNeeded' | 'notAllowed';
    }
  | { readonly kind: 'notDue'; readonly at: Date }
  /** Cancelled, already done, or unknown: nothing to do. */
  | { readonly kind: 'skipped'; readonly status: string };

export function createBroadcastsService(deps: BroadcastsDeps): BroadcastsService {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const pageSize = deps.pageSize ?? DEFAULT_FANOUT_PAGE;
  const ahead = deps.feedAhead ?? FEED_AHEAD;
  const analyzeAfter = deps.analyzeAfterRecipients ?? ANALYZE_AFTER_RECIPIENTS;

  function bucketContext(at: Date): BucketContext {
    const day = localDayOf(at, deps.policy.timeZone);
    return { now: at, dayStart: zonedMidnight(day.year, day.month, day.day, deps.policy.timeZone), dailyCap: deps.policy.dailyCap };
  }

  function bucketPlan(purpose: DeliveryPurpose, at: Date): BucketPlan {
    const buckets = allBuckets();
    return { keys: buckets.map(bucketKey), plans: buckets.map((b) => plannedDeliveryOf(b, purpose, at, deps.policy)) };
  }

  /**
   * Enqueues the next of its queued deliveries so that about `ahead` wait enqueued (topped up once
   * half of them are sent). After the
   * enqueue, then the mark: a crash in between enqueues them again, which is a no-op (job ids).
   * Returns how many were handed to the outbox, or null when none is left to feed.
   */
  async function feed(broadcastId: string): Promise<number | null> {
    const waiting = await countFedWaiting(db, broadcastId);
    const full = waiting >= ahead / 2;
    const ids = await nextToFeed(db, broadcastId, full ? 1 : ahead - waiting);
    if (ids.length === 0) return null;
    if (full) return 0;
    await deps.outbox.enqueue(ids);
    await saveFedThrough(db, broadcastId, ids[ids.length - 1]!);
    return ids.length;
  }

  function inScope(row: BroadcastRow, scope: StaffScope): boolean {
    if (scope === null) return true;
    if (row.scope_branch_ids === null) return false;
    const allowed = new Set(scope.branchIds);
    return row.scope_branch_ids.every((b) => allowed.has(b));
  }

  return {
    async forecast(audience, purpose, scope) {
      const checked = parseAudience(audience);
      await assertAudienceInScope(db, checked, scope);
      const at = now();
      const resolved: ResolvedAudience = { audience: checked, scopeBranchIds: scope?.branchIds ?? null };
      const counts = await countByBucket(db, resolved, bucketContext(at));
      const decisions = new Map(allBuckets().map((b) => [bucketKey(b), { channel: b.channel, reach: reachClassOf(decideForBucket(b, purpose, at, deps.policy)) }]));
      const byChannel: Record<PlatformChannelId, { now: number; later: number; paid: number; never: number }> = {
        zalo: { now: 0, later: 0, paid: 0, never: 0 },
        messenger: { now: 0, later: 0, paid: 0, never: 0 },
      };
      let total = 0;
      for (const { bucket, n } of counts) {
        const d = decisions.get(bucket);
        if (!d) throw new Error(`forecast: a recipient fell in no known bucket (${bucket})`);
        byChannel[d.channel][d.reach] += n;
        total += n;
      }
      return { total, byChannel } satisfies ReachForecast;
    },

    async create(input, scope) {
      const audience = parseAudience(input.audience);
      await assertAudienceInScope(db, audience, scope);
      validate(input);
      const created = await insertBroadcast(db, {
        purpose: input.purpose,
        title: input.title?.trim() || null,
        text: input.text.trim(),
        imageUrl: input.imageUrl ?? null,
        buttons: (input.buttons ?? []).map((b) => ({ title: b.title, url: b.url })),
        audience,
        waveId: input.waveId ?? null,
        contentItemId: input.contentItemId ?? null,
        sendAt: input.sendAt ?? null,
        scheduleKey: input.scheduleKey ?? null,
        createdByStaffId: input.createdByStaffId,
        scopeBranchIds: scope === null ? null : [...scope.branchIds],
        expiresAt: input.expiresAt ?? null,
      });
      // Scheduled again when it already existed: a crash between the insert and this call left it
      // without a job (the job id makes a second call a no-op).
      if (created.status === 'scheduled') await deps.jobs.scheduleFanOut(created.id, input.sendAt ?? null);
      return created;
    },

    async figures(id, scope) {
      const row = await findBroadcast(db, id);
      if (!row || !inScope(row, scope)) return undefined;
      return figuresOf(row, await countDeliveries(db, id));
    },

    async cancel(id, scope) {
      const row = await findBroadcast(db, id);
      if (!row || !inScope(row, scope)) return false;
      if (!(await cancelBroadcast(db, id))) return false;
      await deps.jobs.afterCancel(id);
      return true;
    },

    async fanOut(broadcastId) {
      const found = await findBroadcast(db, broadcastId);
      if (!found) return { kind: 'skipped', status: 'unknown' };
      if (found.status === 'scheduled' && found.send_at && found.send_at.getTime() > now().getTime()) return { kind: 'notDue', at: found.send_at };
      const row = await startFanOut(db, broadcastId);
      if (!row) return { kind: 'skipped', status: found.status };
      const at = now();
      const resolved: ResolvedAudience = { audience: parseAudience(row.audience), scopeBranchIds: row.scope_branch_ids };
      const plan = bucketPlan(row.purpose, at);
      const ctx = bucketContext(at);
      const payload = JSON.stringify(messageOf(row));
      const topic = topicOf(row);
      let cursor: FanOutCursor | null = parseCursor(row.fanout_cursor);
      let recipients = 0;
      let pages = 0;
      while (cursor) {
        const page = await insertFanOutPage(db, { broadcastId, audience: resolved, cursor, limit: pageSize, purpose: row.purpose, topic, payload, expiresAt: row.expires_at, ctx, plan });
        if (page.kind === 'stopped') return { kind: 'skipped', status: page.status };
        pages += 1;
        recipients += page.recipients;
        cursor = nextCursor(cursor, page.recipients, page.lastKey, pageSize, reachesGuests(resolved));
        await saveCursor(db, broadcastId, cursor);
      }
      const statistics = recipients < analyzeAfter ? 'notNeeded' : (await refreshDeliveryStatistics(db)) ? 'refreshed' : 'notAllowed';
      if (!(await finishFanOut(db, broadcastId))) return { kind: 'skipped', status: 'cancelled' };
      // The first sends go at once rather than at the first progress tick.
      await feed(broadcastId);
      return { kind: 'done', recipients, pages, statistics };
    },

    async progress(broadcastId) {
      const row = await findBroadcast(db, broadcastId);
      if (!row || row.status !== 'sending') return { kind: 'notSending' };
      const enqueued = await feed(broadcastId);
      if (enqueued !== null) return { kind: 'feeding', enqueued };
      return completeIfDone(db, broadcastId);
    },

    checkCompletion(broadcastId) {
      return completeIfDone(db, broadcastId);
    },
  };
}

/** The next page's cursor, or null when the last phase is done. */
function nextCursor(c: FanOutCursor, got: number, lastKey: string | null, limit: number, guests: boolean): FanOutCursor | null {
  if (got >= limit && lastKey !== null) return { phase: c.phase, after: lastKey };
  if (c.phase === 'members' && guests) return { phase: 'guests', after: null };
  return null;
}

function validate(input: NewBroadcast): void {
  const bad = (field: string, message: string) => new AppError('VALIDATION_FAILED', `${field}: ${message}`, { details: { field } });
  if (!PURPOSES.has(input.purpose)) throw bad('purpose', 'a broadcast is a proactive message (waveLaunch, recurringContent, waveReminder, reviewResult or cadreNudge)');
  const text = input.text.trim();
  if (text.length === 0 || text.length > TEXT_MAX) throw bad('text', `expected 1 to ${TEXT_MAX} characters`);
  if (input.imageUrl !== undefined && !/^https:\/\//.test(input.imageUrl)) throw bad('imageUrl', 'expected an https URL');
  for (const [i, b] of (input.buttons ?? []).entries()) {
    if (!/^https?:\/\//.test(b.url)) throw bad(`buttons.${i}.url`, 'expected an http(s) URL');
    if (b.title.trim().length === 0) throw bad(`buttons.${i}.title`, 'expected a title');
  }
  if (input.sendAt !== undefined && Number.isNaN(input.sendAt.getTime())) throw bad('sendAt', 'expected a time');
}

/** What every recipient gets, in no channel's format (each channel renders the image and link buttons its way). */
export function messageOf(row: Pick<BroadcastRow, 'title' | 'text' | 'image_url' | 'buttons'>): OutboundMessage {
  const text = row.title ? `${row.title}\n\n${row.text}` : row.text;
  return {
    text,
    ...(row.image_url ? { imageUrl: row.image_url } : {}),
    ...(row.buttons.length > 0 ? { links: row.buttons.map((b) => ({ title: b.title, url: b.url })) } : {}),
  };
}

/**
 * What deferred copies collapse by (the flush keeps the newest per topic): a topic's content
 * replaces the older of the same topic; a wave's messages the older of that wave; a staff
 * broadcast stands alone.
 */
function topicOf(row: BroadcastRow): string {
  const topic = row.audience.topic;
  if (typeof topic === 'string') return `content:${topic}`;
  if (row.wave_id) return `wave:${row.wave_id}:${row.purpose}`;
  return `broadcast:${row.id}`;
}

function figuresOf(row: BroadcastRow, counts: readonly { status: string; errorCode: string | null; n: number }[]): BroadcastFigures {
  const by = (...statuses: string[]) => counts.filter((c) => statuses.includes(c.status)).reduce((s, c) => s + c.n, 0);
  const reasons = (status: string) => {
    const out: Record<string, number> = {};
    for (const c of counts.filter((x) => x.status === status)) out[c.errorCode ?? 'unknown'] = (out[c.errorCode ?? 'unknown'] ?? 0) + c.n;
    return out;
  };
  const recorded = by('queued', 'sending', 'deferred', 'sent', 'delivered', 'read', 'failed', 'skipped', 'expired', 'cancelled');
  return {
    id: row.id,
    status: row.status,
    recipients: row.recipients_count ?? (row.status === 'fanningOut' ? recorded : null),
    queued: by('queued', 'sending'),
    sent: by('sent', 'delivered', 'read'),
    deferred: by('deferred'),
    delivered: by('delivered', 'read'),
    read: by('read'),
    failed: reasons('failed'),
    skipped: reasons('skipped'),
    expired: by('expired'),
    cancelled: by('cancelled'),
    sendAt: row.send_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
  };
}

