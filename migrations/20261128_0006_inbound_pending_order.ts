import { sql, type Kysely } from 'kysely';

/**
 * A conversation's pending events in the platform's order, and nothing else: every turn claims the
 * next one (`claimNextPendingEvent`). Without it the planner, whose statistics lag a backlog that
 * grows by hundreds of events a second, intersected the conversation index with the index of every
 * unfinished event, so each turn walked the whole backlog (about 1 ms per turn per 20,000 events
 * waiting): the bigger the backlog, the slower it drained.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('inbound_events_pending_order_idx')
    .on('inbound_events')
    .columns(['conversation_key', 'platform_ts', 'id'])
    .where(sql.ref('status'), 'in', sql`('received', 'failed')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('inbound_events_pending_order_idx').execute();
}
