import { sql, type Kysely } from 'kysely';

/**
 * What a chat registration leaves for staff besides an unmatched branch: why it could not be
 * settled by itself (the phone it gave already belongs to another member). Staff read it before
 * verifying; erasing the member clears it with the rest of the personal data.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('members')
    .addColumn('registration_note', 'text', (c) => c.check(sql`length(registration_note) <= 500`))
    .execute();
  // The staff list of registrations waiting for a decision reads pending members with a note.
  await db.schema.createIndex('members_pending_note_idx').on('members').column('created_at').where(sql<boolean>`status = 'pending' and registration_note is not null`).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('members_pending_note_idx').execute();
  await db.schema.alterTable('members').dropColumn('registration_note').execute();
}
