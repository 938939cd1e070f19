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
  await db.updateTable('inbound_events').set({ status: 'dead', dead_at: sql<Date>`now()` }).where('id', '=', id).execute();
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
    .set({ status: 'received', attempts: 0, replayed_at: sql<Date>`now()`, dead_at: null })
    .where('status', '=', 'dead');
  if (ids !== 'all') query = query.where('id', 'in', ids.length > 0 ? [...ids] : [-1]);
  const rows = await query.returning('conversation_key').execute();
  return [...new Set(rows.map((r) => r.conversation_key))];
}
