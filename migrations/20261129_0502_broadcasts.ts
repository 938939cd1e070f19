import type { Kysely } from 'kysely';

/**
 * Broadcasts (issue 5, item 4): what the fan-out needs to resume and to stay in its sender's scope.
 * - fanout_cursor: the last recipient key whose deliveries are recorded and enqueued, so that a
 *   fan-out cut off by a crash resumes after it instead of scanning the audience again;
 * - scope_branch_ids: the branches of the staff member who created it (null: the whole district).
 *   The fan-out runs later, in a worker, without the caller: the scope must travel with the row;
 * - expires_at: content past it is not sent any more (copied onto each delivery).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('broadcasts').addColumn('fanout_cursor', 'text').execute();
  await db.schema.alterTable('broadcasts').addColumn('scope_branch_ids', 'jsonb').execute();
  await db.schema.alterTable('broadcasts').addColumn('expires_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('broadcasts').dropColumn('expires_at').execute();
  await db.schema.alterTable('broadcasts').dropColumn('scope_branch_ids').execute();
  await db.schema.alterTable('broadcasts').dropColumn('fanout_cursor').execute();
}
