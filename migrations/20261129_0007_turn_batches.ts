import { sql, type Kysely } from 'kysely';

/**
 * Turns run in batches across conversations (src/bot/turn-pipeline.ts):
 * - `next_attempt_at`: a failed event waits until then before its next attempt (backoff), and its
 *   conversation's later events wait behind it; batches pass such conversations by;
 * - the pending events by id: a batch picks the conversations whose oldest pending event is oldest.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbound_events').addColumn('next_attempt_at', 'timestamptz').execute();
  await db.schema
    .createIndex('inbound_events_pending_id_idx')
    .on('inbound_events')
    .column('id')
    .where(sql.ref('status'), 'in', sql`('received', 'failed')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('inbound_events_pending_id_idx').execute();
  await db.schema.alterTable('inbound_events').dropColumn('next_attempt_at').execute();
}
