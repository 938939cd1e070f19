import { sql, type Kysely } from 'kysely';

/**
 * Broadcasts (issue 5, item 4): what the fan-out needs to resume and to stay in its sender's scope.
 * - fanout_cursor: the last recipient key whose deliveries are recorded, so that a
 *   fan-out cut off by a crash resumes after it instead of scanning the audience again;
 * - scope_branch_ids: the branches of the staff member who created it (null: the whole district).
 *   The fan-out runs later, in a worker, without the caller: the scope must travel with the row;
 * - expires_at: content past it is not sent any more (copied onto each delivery);
 * - fed_through_id: the last of its deliveries whose send job is enqueued. The fan-out records
 *   every delivery at once; their jobs are enqueued a few thousand ahead of the send rate (a
 *   100,000-job enqueue took longer than the whole fan-out, and a cancel would leave them all);
 * - an index on a broadcast's queued deliveries by id, for that feeding;
 * - an index on deliveries' sent_at: the daily cap counts each recipient's messages of today, and
 *   a forecast for 100,000 recipients reads today's sends once instead of probing per recipient.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('broadcasts').addColumn('fanout_cursor', 'text').execute();
  await db.schema.alterTable('broadcasts').addColumn('scope_branch_ids', 'jsonb').execute();
  await db.schema.alterTable('broadcasts').addColumn('expires_at', 'timestamptz').execute();
  await db.schema.alterTable('broadcasts').addColumn('fed_through_id', 'bigint').execute();
  await db.schema.createIndex('deliveries_broadcast_queued_idx').on('deliveries').columns(['broadcast_id', 'id']).where(sql.ref('status'), '=', 'queued').execute();
  await db.schema.createIndex('deliveries_sent_at_idx').on('deliveries').column('sent_at').where('sent_at', 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_sent_at_idx').execute();
  await db.schema.dropIndex('deliveries_broadcast_queued_idx').execute();
  await db.schema.alterTable('broadcasts').dropColumn('fed_through_id').execute();
  await db.schema.alterTable('broadcasts').dropColumn('expires_at').execute();
  await db.schema.alterTable('broadcasts').dropColumn('scope_branch_ids').execute();
  await db.schema.alterTable('broadcasts').dropColumn('fanout_cursor').execute();
}
