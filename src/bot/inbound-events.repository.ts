import { sql } from 'kysely';
import { conversationKeyOf, type InboundEvent } from '../channels/channel';
import type { Db, Tx } from '../db/database';
import type { InboundEventsTable } from '../db/types';
import type { Selectable } from 'kysely';

export type InboundEventRow = Selectable<InboundEventsTable>;

/**
 * Records events once (unique per channel × event key) in one statement; returns the
 * conversation keys of every event of the batch, new or already known, so the caller can make
 * sure each conversation is drained (a redelivery after a lost enqueue must still be processed).
 */
export async function recordInboundEvents(db: Db, events: readonly InboundEvent[]): Promise<{ inserted: number }> {
  if (events.length === 0) return { inserted: 0 };
  const rows = events.map((event) => ({
    channel: event.channel,
    event_key: event.eventKey,
    conversation_key: conversationKeyOf(event),
    kind: event.kind,
    platform_ts: event.platformTs,
    payload: JSON.stringify(event),
  }));
  const result = await db
    .insertInto('inbound_events')
    .values(rows)
    .onConflict((oc) => oc.columns(['channel', 'event_key']).doNothing())
    .executeTakeFirst();
  return { inserted: Number(result.numInsertedOrUpdatedRows ?? 0) };
}

const PENDING = ['received', 'failed'] as const;

/** Serialises turns of one conversation across processes for the rest of the transaction. */
export async function lockConversation(tx: Tx, conversationKey: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${conversationKey}, 0))`.execute(tx);
}

/**
 * Locks the conversation's next pending event, in the platform's order, and says whether another
 * one is pending behind it, in one statement. Call it holding the conversation lock.
 */
export async function claimNextPendingEvent(tx: Tx, conversationKey: string): Promise<{ row: InboundEventRow; more: boolean } | undefined> {
  const found = await tx
    .selectFrom('inbound_events as e')
    .selectAll('e')
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('inbound_events as o')
            .select(sql<number>`1`.as('one'))
            .where('o.conversation_key', '=', conversationKey)
            .where('o.status', 'in', [...PENDING])
            .whereRef('o.id', '<>', 'e.id'),
        )
        .as('more'),
    )
    .where('e.conversation_key', '=', conversationKey)
    .where('e.status', 'in', [...PENDING])
    .orderBy('e.platform_ts')
    .orderBy('e.id')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  if (!found) return undefined;
  const { more, ...row } = found;
  return { row, more: Boolean(more) };
}

export async function markEventDone(tx: Tx, id: number, status: 'processed' | 'ignored'): Promise<void> {
  await tx.updateTable('inbound_events').set({ status, processed_at: sql<Date>`now()`, last_error: null }).where('id', '=', id).execute();
}

/** Counts a failed attempt outside the rolled-back turn; returns the attempts so far. */
export async function recordEventFailure(db: Db, id: number, error: string): Promise<number> {
  const row = await db
    .updateTable('inbound_events')
    .set({ status: 'failed', attempts: sql<number>`attempts + 1`, last_error: error.slice(0, 2000) })
    .where('id', '=', id)
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts ?? 0;
}

export async function markEventDead(db: Db | Tx, id: number): Promise<void> {
  await db.updateTable('inbound_events').set({ status: 'dead', dead_at: sql<Date>`now()`, next_attempt_at: null }).where('id', '=', id).execute();
}

/** Conversations with events left pending longer than `olderThanMs` (a lost trigger, a crash). */
export async function conversationsWithStalePending(db: Db, olderThanMs: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('inbound_events')
    .select('conversation_key')
    .distinct()
    .where('status', 'in', [...PENDING])
    .where('received_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
    .limit(limit)
    .execute();
  return rows.map((r) => r.conversation_key);
}

export interface DeadEventSummary {
  readonly id: number;
  readonly channel: string;
  readonly conversationKey: string;
  readonly kind: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly deadAt: Date | null;
}

export async function listDeadEvents(db: Db, limit: number): Promise<DeadEventSummary[]> {
  const rows = await db
    .selectFrom('inbound_events')
    .select(['id', 'channel', 'conversation_key', 'kind', 'attempts', 'last_error', 'dead_at'])
    .where('status', '=', 'dead')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, channel: r.channel, conversationKey: r.conversation_key, kind: r.kind, attempts: r.attempts, lastError: r.last_error, deadAt: r.dead_at }));
}

/** Puts dead events back in line (attempts reset); returns their conversations to drain. */
export async function reviveDeadEvents(db: Db, ids: readonly number[] | 'all'): Promise<string[]> {
  let query = db
    .updateTable('inbound_events')
    .set({ status: 'received', attempts: 0, replayed_at: sql<Date>`now()`, dead_at: null, next_attempt_at: null })
    .where('status', '=', 'dead');
  if (ids !== 'all') query = query.where('id', 'in', ids.length > 0 ? [...ids] : [-1]);
  const rows = await query.returning('conversation_key').execute();
  return [...new Set(rows.map((r) => r.conversation_key))];
}

// ---------------------------------------------------------------------------------------------
// Batches of turns across conversations (turn-pipeline.ts).

/** The next pending event of a conversation, claimed by a batch that holds its lock. */
export interface PendingHead {
  readonly id: number;
  readonly conversationKey: string;
  readonly payload: Record<string, unknown>;
  readonly attempts: number;
  /** It failed and its backoff has not run out: the conversation waits. */
  readonly notDue: boolean;
  /** Another event of the conversation is pending behind it. */
  readonly more: boolean;
}

/**
 * Takes the transaction-scoped locks of up to `limit` conversations that have a pending event
 * ready to run, oldest first, in one statement; conversations whose lock another batch (or a
 * single drain) holds are passed by, never waited for, so batches never deadlock and never wait.
 * A conversation whose next event is backing off after a failure is passed by too.
 */
export async function lockReadyConversations(tx: Tx, limit: number): Promise<string[]> {
  const { rows } = await sql<{ k: string }>`
    with oldest as (
      select e.conversation_key as k, e.id
      from inbound_events e
      where e.status in ('received', 'failed')
        and not exists (
          select 1 from inbound_events f
          where f.conversation_key = e.conversation_key and f.status = 'failed' and f.next_attempt_at > now())
      order by e.id
      limit ${limit * 4}
    ), c as materialized (
      select k, min(id) as first from oldest group by k order by first
    )
    select k from c where pg_try_advisory_xact_lock(hashtextextended(k, 0)) limit ${limit}`.execute(tx);
  return rows.map((r) => r.k);
}

/** Waits for the locks of these conversations (sorted, so that two callers never deadlock). */
export async function lockConversations(tx: Tx, conversationKeys: readonly string[]): Promise<void> {
  if (conversationKeys.length === 0) return;
  const keys = [...new Set(conversationKeys)].sort();
  await sql`select count(pg_advisory_xact_lock(hashtextextended(k, 0))) from unnest(${keys}::text[]) as k`.execute(tx);
}

/** The next pending event of each conversation, in the platform's order. Call it holding their locks. */
export async function claimHeads(tx: Tx, conversationKeys: readonly string[]): Promise<PendingHead[]> {
  if (conversationKeys.length === 0) return [];
  const { rows } = await sql<{ id: number; conversation_key: string; payload: Record<string, unknown>; attempts: number; not_due: boolean; more: boolean }>`
    select h.id, h.conversation_key, h.payload, h.attempts, coalesce(h.next_attempt_at > now(), false) as not_due,
      exists (select 1 from inbound_events o where o.conversation_key = h.conversation_key and o.status in ('received', 'failed') and o.id <> h.id) as more
    from (
      select distinct on (conversation_key) id, conversation_key, payload, attempts, next_attempt_at
      from inbound_events
      where conversation_key = any(${[...conversationKeys]}::text[]) and status in ('received', 'failed')
      order by conversation_key, platform_ts, id
    ) h
    order by h.id`.execute(tx);
  return rows.map((r) => ({ id: Number(r.id), conversationKey: r.conversation_key, payload: r.payload, attempts: r.attempts, notDue: r.not_due, more: r.more }));
}

export async function markEventsProcessed(tx: Tx, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`update inbound_events set status = 'processed', processed_at = now(), last_error = null, next_attempt_at = null where id = any(${[...ids]}::bigint[])`.execute(tx);
}

/**
 * Counts a failed attempt (in the batch, after the failed turn was rolled back to its savepoint)
 * and holds the conversation back for `retryInMs`; returns the attempts so far.
 */
export async function recordEventFailureWithBackoff(tx: Tx, id: number, error: string, retryInMs: number): Promise<number> {
  const { rows } = await sql<{ attempts: number }>`
    update inbound_events
    set status = 'failed', attempts = attempts + 1, last_error = ${error.slice(0, 2000)},
        next_attempt_at = now() + ${Math.max(0, Math.round(retryInMs))} * interval '1 millisecond'
    where id = ${id}
    returning attempts`.execute(tx);
  return rows[0]?.attempts ?? 0;
}
