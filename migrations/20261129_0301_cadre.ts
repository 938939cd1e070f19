import { sql, type Kysely } from 'kysely';

/**
 * The cadre's desk in chat.
 * - A registration a cadre declines stays a pending member (nothing is deleted: staff can still
 *   place the person, and the history stays in audit_log); these two columns take it off the
 *   branch's queue and say who declined it and when.
 * - The branch's queue of proofs to review walks pending proofs oldest first; the partial index
 *   keeps that walk short however many reviewed proofs pile up.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('members')
    .addColumn('registration_declined_at', 'timestamptz')
    .addColumn('registration_declined_by_member_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('proofs_pending_submitted_idx')
    .on('proofs')
    .columns(['submitted_at', 'id'])
    .where(sql.ref('review_state'), '=', 'pending')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('proofs_pending_submitted_idx').execute();
  await db.schema.alterTable('members').dropColumn('registration_declined_by_member_id').dropColumn('registration_declined_at').execute();
}
