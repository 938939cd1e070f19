import { sql, type RawBuilder } from 'kysely';
import { withTransaction, type Db, type Tx } from '../../db/database';
import type { BroadcastButton, BroadcastStatus, DeliveryPurpose, DeliveryStatus } from '../../db/types';
import { guestRecipients, memberRecipients, type ResolvedAudience } from './broadcast-audience';
import { WINDOW_EDGES_MS, type PlannedDelivery } from './reach-buckets';

/**
 * The only SQL for broadcasts. Life of a row:
 *   scheduled --fan-out starts--> fanningOut --every recipient recorded--> sending --nothing left queued--> completed
 *   scheduled | fanningOut | sending --cancel--> cancelled
 * Its deliveries are rows of `deliveries` (broadcast_id), one per recipient, with the idempotency
 * key `broadcast:<id>:<recipient key>`: a fan-out run again after a crash inserts nothing twice.
 */

export interface NewBroadcastRow {
  readonly purpose: DeliveryPurpose;
  readonly title: string | null;
  readonly text: string;
  readonly imageUrl: string | null;
  readonly buttons: readonly BroadcastButton[];
  readonly audience: unknown;
  readonly waveId: string | null;
  readonly contentItemId: string | null;
  readonly sendAt: Date | null;
  readonly scheduleKey: string | null;
  readonly createdByStaffId: string | null;
  readonly scopeBranchIds: readonly string[] | null;
  readonly expiresAt: Date | null;
}

export interface BroadcastRow {
  readonly id: string;
  readonly purpose: DeliveryPurpose;
  readonly title: string | null;
  readonly text: string;
  readonly image_url: string | null;
  readonly buttons: BroadcastButton[];
  readonly audience: Record<string, unknown>;
  readonly wave_id: string | null;
  readonly status: BroadcastStatus;
  readonly send_at: Date | null;
  readonly recipients_count: number | null;
  readonly started_at: Date | null;
  readonly completed_at: Date | null;
  readonly fanout_cursor: string | null;
  readonly scope_branch_ids: string[] | null;
  readonly expires_at: Date | null;
  readonly fed_through_id: string | null;
}

const BROADCAST_COLUMNS = [
  'id',
  'purpose',
  'title',
  'text',
  'image_url',
  'buttons',
  'audience',
  'wave_id',
  'status',
  'send_at',
  'recipients_count',
  'started_at',
  'completed_at',
  'fanout_cursor',
  'scope_branch_ids',
  'expires_at',
  'fed_through_id',
] as const;

/** Inserts the broadcast as 'scheduled'; with a schedule key already used, returns the first one instead. */
export async function insertBroadcast(db: Db, b: NewBroadcastRow): Promise<{ id: string; status: BroadcastStatus; created: boolean }> {
  const inserted = await db
    .insertInto('broadcasts')
    .values({
      purpose: b.purpose,
      title: b.title,
      text: b.text,
      image_url: b.imageUrl,
      buttons: JSON.stringify(b.buttons),
      audience: JSON.stringify(b.audience),
      expires_at: b.expiresAt,
      wave_id: b.waveId,
      content_item_id: b.contentItemId,
      status: 'scheduled',
      send_at: b.sendAt,
      schedule_key: b.scheduleKey,
      created_by_staff_id: b.createdByStaffId,
      scope_branch_ids: b.scopeBranchIds === null ? null : JSON.stringify(b.scopeBranchIds),
    })
    .onConflict((oc) => oc.column('schedule_key').doNothing())
    .returning(['id', 'status'])
    .executeTakeFirst();
  if (inserted) return { ...inserted, created: true };
  const existing = await db.selectFrom('broadcasts').select(['id', 'status']).where('schedule_key', '=', b.scheduleKey).executeTakeFirstOrThrow();
  return { ...existing, created: false };
}

export async function findBroadcast(db: Db, id: string): Promise<BroadcastRow | undefined> {
  return db.selectFrom('broadcasts').select(BROADCAST_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** scheduled -> fanningOut (started_at set once); returns the row when it is (now) fanning out. */
export async function startFanOut(db: Db, id: string): Promise<BroadcastRow | undefined> {
  return db
    .updateTable('broadcasts')
    .set({ status: 'fanningOut', started_at: sql<Date>`coalesce(started_at, now())` })
    .where('id', '=', id)
    .where('status', 'in', ['scheduled', 'fanningOut'])
    .returning(BROADCAST_COLUMNS)
    .executeTakeFirst();
}

/** What the policy decided for each bucket of recipients (reach-buckets.ts), as parallel arrays for SQL. */
export interface BucketPlan {
  readonly keys: readonly string[];
  readonly plans: readonly PlannedDelivery[];
}

/** The recipient clock SQL needs to put a recipient `r` into its bucket. */
export interface BucketContext {
  readonly now: Date;
  /** Local midnight of today: proactive messages sent since count against the daily cap. */
  readonly dayStart: Date;
  readonly dailyCap: number;
}

/** Proactive messages sent today (local day), as the daily cap counts them. */
const SENT_TODAY = (ctx: BucketContext) =>
  sql`x.status in ('sent', 'delivered', 'read') and x.sent_at >= ${ctx.dayStart}::timestamptz and x.purpose not in ('reply', 'staffReply')`;

/**
 * The bucket of recipient `r` as reach-buckets.ts `bucketKey` writes it. `sentToday` is how many
 * proactive messages `r` got today.
 */
function bucketKeySql(ctx: BucketContext, sentToday: RawBuilder<number>): RawBuilder<string> {
  const windows = WINDOW_EDGES_MS.map((edge, i) => sql`when r.last_inbound_at > ${new Date(ctx.now.getTime() - edge)}::timestamptz then ${String(i)}`);
  return sql<string>`r.channel || '|' || r.reachability || '|' || r.follow_state || '|' ||
    (case when r.last_inbound_at is null or (r.window_closed_at is not null and r.window_closed_at >= r.last_inbound_at) then 'closed'
          ${sql.join(windows, sql` `)} else ${String(WINDOW_EDGES_MS.length)} end) || '|' ||
    (case when ${sentToday} >= ${ctx.dailyCap} then 't' else 'f' end)`;
}

/**
 * These statements plan as expensive (a cost in the millions for 100,000 recipients), which
 * makes PostgreSQL JIT-compile them: about a second of compiling for work that runs in less.
 */
async function withoutJit<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return withTransaction(db, async (tx) => {
    await sql`set local jit = off`.execute(tx);
    return work(tx);
  });
}

/** How many recipients of the audience fall in each bucket (members and guests together), in one set-based statement. */
export async function countByBucket(db: Db, audience: ResolvedAudience, ctx: BucketContext): Promise<{ bucket: string; n: number }[]> {
  return withoutJit(db, async (tx) => {
    const { rows } = await sql<{ bucket: string; n: number }>`
      with today as (select x.identity_id, count(*) as n from deliveries x where ${SENT_TODAY(ctx)} group by x.identity_id)
      select ${bucketKeySql(ctx, sql<number>`coalesce(t.n, 0)`)} as bucket, count(*)::int as n
      from ((${memberRecipients(audience)}) union all (${guestRecipients(audience)})) r
      left join today t on t.identity_id = r.identity_id
      group by 1`.execute(tx);
    return rows;
  });
}

export type FanOutPhase = 'members' | 'guests';

/** Where a fan-out stands: the phase and the last recipient key done in it. */
export interface FanOutCursor {
  readonly phase: FanOutPhase;
  readonly after: string | null;
}

/** The saved cursor; null when every page is done. */
export function parseCursor(text: string | null): FanOutCursor | null {
  if (text === null) return { phase: 'members', after: null };
  const [phase, after] = text.split(':');
  if (phase === 'done') return null;
  return { phase: phase === 'guests' ? 'guests' : 'members', after: after || null };
}

export function cursorText(c: FanOutCursor | null): string {
  return c === null ? 'done:' : `${c.phase}:${c.after ?? ''}`;
}

export interface FanOutPageInput {
  readonly broadcastId: string;
  readonly audience: ResolvedAudience;
  readonly cursor: FanOutCursor;
  readonly limit: number;
  readonly purpose: DeliveryPurpose;
  readonly topic: string;
  /** JSON of the OutboundMessage every recipient gets. */
  readonly payload: string;
  readonly expiresAt: Date | null;
  readonly ctx: BucketContext;
  readonly plan: BucketPlan;
}

export type FanOutPageResult =
  | { readonly kind: 'stopped'; readonly status: BroadcastStatus }
  | {
      readonly kind: 'page';
      /** Recipients in this page (fewer than the limit: the phase is done). */
      readonly recipients: number;
      readonly lastKey: string | null;
    };

export function broadcastKeyPrefix(broadcastId: string): string {
  return `broadcast:${broadcastId}:`;
}

/**
 * Records one page of recipients' deliveries in one INSERT … SELECT, inside a transaction that
 * holds the broadcast's row lock: a cancel waits for the page and then cancels its rows too, and
 * a page never starts once the broadcast is cancelled. Rows already there (a page done again after
 * a crash) are left as they are (ON CONFLICT DO NOTHING).
 */
export async function insertFanOutPage(db: Db, p: FanOutPageInput): Promise<FanOutPageResult> {
  return withoutJit(db, async (tx) => {
    const locked = await tx.selectFrom('broadcasts').select('status').where('id', '=', p.broadcastId).forUpdate().executeTakeFirst();
    if (!locked || locked.status !== 'fanningOut') return { kind: 'stopped', status: locked?.status ?? 'cancelled' };
    const page = { after: p.cursor.after, limit: p.limit };
    const recipients = p.cursor.phase === 'members' ? memberRecipients(p.audience, page) : guestRecipients(p.audience, page);
    const prefix = broadcastKeyPrefix(p.broadcastId);
    const plan = p.plan;
    const sentToday = sql<number>`(select count(*) from deliveries x where x.identity_id = r.identity_id and ${SENT_TODAY(p.ctx)})`;
    const { rows } = await sql<{ recipients: number; last_key: string | null }>`
      with page as materialized (${recipients}),
      bucketed as materialized (select r.*, ${bucketKeySql(p.ctx, sentToday)} as bucket from page r),
      plan as (
        select * from unnest(${[...plan.keys]}::text[], ${plan.plans.map((x) => x.status)}::text[], ${plan.plans.map((x) => x.sendMode)}::text[],
                             ${plan.plans.map((x) => x.notBefore)}::timestamptz[], ${plan.plans.map((x) => x.errorCode)}::text[])
          as t(bucket, status, send_mode, not_before, error_code)
      ),
      ins as (
        insert into deliveries (broadcast_id, identity_id, purpose, topic, idempotency_key, payload, status, send_mode, not_before, expires_at, error_code, error_message)
        select ${p.broadcastId}::uuid, b.identity_id, ${p.purpose}, ${p.topic}, ${prefix} || b.key::text, ${p.payload}::jsonb,
               pl.status, pl.send_mode, pl.not_before, ${p.expiresAt}::timestamptz, pl.error_code,
               case when pl.error_code is not null then 'not sent: the delivery policy skips this recipient (' || pl.error_code || ')' end
        from bucketed b join plan pl on pl.bucket = b.bucket
        on conflict do nothing
        returning id
      )
      select (select count(*) from page)::int as recipients,
             (select key::text from page order by key desc limit 1) as last_key,
             (select count(*) from ins)::int as inserted`.execute(tx);
    const row = rows[0]!;
    return { kind: 'page', recipients: row.recipients, lastKey: row.last_key };
  });
}

export async function saveCursor(db: Db, broadcastId: string, cursor: FanOutCursor | null): Promise<void> {
  await db.updateTable('broadcasts').set({ fanout_cursor: cursorText(cursor) }).where('id', '=', broadcastId).where('status', '=', 'fanningOut').execute();
}

/** fanningOut -> sending, with the number of recipients recorded; false when it was cancelled meanwhile. */
export async function finishFanOut(db: Db, broadcastId: string): Promise<boolean> {
  const result = await db
    .updateTable('broadcasts')
    .set({ status: 'sending', recipients_count: sql<number>`(select count(*)::int from deliveries where broadcast_id = ${broadcastId}::uuid)` })
    .where('id', '=', broadcastId)
    .where('status', '=', 'fanningOut')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Brings the planner's statistics of deliveries up to date after a fan-out added many rows, and
 * says whether it could (ANALYZE needs the table's owner; without it the sends go on with older
 * plans). Without it the claims of the first minutes are planned for a table without those
 * rows: the planner takes 'queued' for rare and intersects whole partial indexes for every row,
 * ~700 ms a claim at 100,000 recipients (41% of the send limit, bench 2026-11-29 08:53), where a
 * fresh plan takes a few ms. Autovacuum's analyze comes a minute late at best, and never when the
 * broadcast is under a tenth of a large table. Columns the send path filters on only: the
 * payload's statistics cost the most to gather and no plan uses them. Not sent_at: analyzed now,
 * before today's sends, it would say that no row has one, and the daily cap's count per member
 * would then scan every message sent today through the sent_at index instead of the member's own
 * (2.7 s a chunk at 15,000 sent, growing with every send; bench 2026-11-29 09:48).
 */
export async function refreshDeliveryStatistics(db: Db): Promise<boolean> {
  // PostgreSQL skips a table it may not analyze with a warning, not an error: ask first.
  const { rows } = await sql<{ may: boolean }>`select pg_has_role(relowner, 'USAGE') as may from pg_class where oid = 'deliveries'::regclass`.execute(db);
  if (!rows[0]?.may) return false;
  await sql`analyze deliveries (id, identity_id, broadcast_id, status, not_before, updated_at, purpose)`.execute(db);
  return true;
}

async function fedThrough(db: Db, broadcastId: string): Promise<number> {
  const row = await db.selectFrom('broadcasts').select('fed_through_id').where('id', '=', broadcastId).executeTakeFirst();
  return Number(row?.fed_through_id ?? 0);
}

/**
 * How many of the broadcast's deliveries whose jobs are enqueued still wait to be sent (due now: one
 * held until the end of quiet hours waits in the delayed set and does not count).
 */
export async function countFedWaiting(db: Db, broadcastId: string): Promise<number> {
  const fed = await fedThrough(db, broadcastId);
  const row = await db
    .selectFrom('deliveries')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('broadcast_id', '=', broadcastId)
    .where('status', '=', 'queued')
    .where('id', '<=', fed)
    .where((eb) => eb.or([eb('not_before', 'is', null), eb('not_before', '<=', sql<Date>`now()`)]))
    .executeTakeFirstOrThrow();
  return row.n;
}

/** The next `limit` of the broadcast's queued deliveries whose jobs are not enqueued yet (after fed_through_id), by id. */
export async function nextToFeed(db: Db, broadcastId: string, limit: number): Promise<number[]> {
  const fed = await fedThrough(db, broadcastId);
  const rows = await db
    .selectFrom('deliveries')
    .select('id')
    .where('broadcast_id', '=', broadcastId)
    .where('status', '=', 'queued')
    .where('id', '>', fed)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.id));
}

/** Notes that the jobs of deliveries up to `lastId` are enqueued. */
export async function saveFedThrough(db: Db, broadcastId: string, lastId: number): Promise<void> {
  await db
    .updateTable('broadcasts')
    .set({ fed_through_id: sql<number>`greatest(coalesce(fed_through_id, 0), ${lastId}::bigint)` })
    .where('id', '=', broadcastId)
    .execute();
}

export type CompletionCheck =
  | { readonly kind: 'completed' | 'notSending' }
  /** Rows still queued or being sent; `nextDueAt` is the earliest future not_before, when only held rows remain. */
  | { readonly kind: 'pending'; readonly nextDueAt: Date | null };

/**
 * sending -> completed once none of its deliveries is queued or being sent (deferred ones wait for
 * their member, possibly for days: they do not keep the broadcast open).
 */
export async function completeIfDone(db: Db, broadcastId: string): Promise<CompletionCheck> {
  const pending = await db
    .selectFrom('deliveries')
    .select([sql<number>`count(*) filter (where not_before is null or not_before <= now())::int`.as('due'), sql<Date | null>`min(not_before) filter (where not_before > now())`.as('next')])
    .where('broadcast_id', '=', broadcastId)
    .where('status', 'in', ['queued', 'sending'])
    .executeTakeFirstOrThrow();
  if (pending.due > 0 || pending.next !== null) return { kind: 'pending', nextDueAt: pending.due > 0 ? null : pending.next };
  const done = await db
    .updateTable('broadcasts')
    .set({ status: 'completed', completed_at: sql<Date>`now()` })
    .where('id', '=', broadcastId)
    .where('status', '=', 'sending')
    .where(sql<boolean>`not exists (select 1 from deliveries d where d.broadcast_id = ${broadcastId}::uuid and d.status in ('queued', 'sending'))`)
    .executeTakeFirst();
  if (done.numUpdatedRows > 0n) return { kind: 'completed' };
  const row = await db.selectFrom('broadcasts').select('status').where('id', '=', broadcastId).executeTakeFirst();
  return row?.status === 'sending' ? { kind: 'pending', nextDueAt: null } : { kind: 'notSending' };
}

/**
 * Cancels a broadcast that is not finished: the row 'cancelled', and every delivery of it still
 * queued or deferred 'cancelled' too (a send in flight finishes). Waits for a fan-out page in
 * progress (the row lock), so the page's rows are cancelled as well. False when it was finished
 * (or cancelled) already.
 */
export async function cancelBroadcast(db: Db, broadcastId: string): Promise<boolean> {
  return withTransaction(db, async (tx) => {
    const row = await tx
      .updateTable('broadcasts')
      .set({ status: 'cancelled', cancelled_at: sql<Date>`now()` })
      .where('id', '=', broadcastId)
      .where('status', 'in', ['draft', 'scheduled', 'fanningOut', 'sending'])
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    await tx
      .updateTable('deliveries')
      .set({ status: 'cancelled', updated_at: sql<Date>`now()` })
      .where('broadcast_id', '=', broadcastId)
      .where('status', 'in', ['queued', 'deferred'])
      .execute();
    return true;
  });
}

/**
 * A page of the deliveries a broadcast had fed (by id, after `afterId`), with their channel and
 * whether they are cancelled: whose send jobs to drop. Only fed rows can have a job (a row never
 * fed has none: its batch would have been fed with it), so a cancel at a million recipients looks
 * at the fed rows, not at every cancelled one. A row given a job some other way (a deferred one
 * the member's message flushed) keeps it, which then finds its row cancelled and does nothing.
 * The page is a range of the primary key with no condition on status: the statistics taken at the
 * fan-out say that nothing is cancelled, and with one the planner walked all 879,748 cancelled
 * rows of a million (15.6 s).
 */
export async function fedDeliveries(db: Db, broadcastId: string, afterId: number, limit: number): Promise<{ id: number; channel: string; cancelled: boolean }[]> {
  const fed = await fedThrough(db, broadcastId);
  if (fed <= afterId) return [];
  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('channel_identities as i', 'i.id', 'd.identity_id')
    .select(['d.id', 'i.channel', 'd.status'])
    .where('d.broadcast_id', '=', broadcastId)
    .where('d.id', '>', afterId)
    .where('d.id', '<=', fed)
    .orderBy('d.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), channel: r.channel, cancelled: r.status === 'cancelled' }));
}

export interface StatusCount {
  readonly status: DeliveryStatus;
  readonly errorCode: string | null;
  readonly n: number;
}

/** The broadcast's deliveries counted by status and error code. */
export async function countDeliveries(db: Db, broadcastId: string): Promise<StatusCount[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['status', 'error_code', sql<number>`count(*)::int`.as('n')])
    .where('broadcast_id', '=', broadcastId)
    .groupBy(['status', 'error_code'])
    .execute();
  return rows.map((r) => ({ status: r.status, errorCode: r.error_code, n: r.n }));
}

/** Broadcasts that should have a job: scheduled or fanning out (fan-out), or sending (completion). */
export async function unfinishedBroadcasts(db: Db, limit: number): Promise<{ id: string; status: BroadcastStatus; send_at: Date | null }[]> {
  return db
    .selectFrom('broadcasts')
    .select(['id', 'status', 'send_at'])
    .where('status', 'in', ['scheduled', 'fanningOut', 'sending'])
    .orderBy('created_at')
    .limit(limit)
    .execute();
}
