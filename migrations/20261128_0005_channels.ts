import { sql, type Kysely } from 'kysely';

/** Platform tokens at rest (encrypted), the account an identity talks to, dead-letter bookkeeping. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('channel_tokens')
    .addColumn('channel', 'text', (c) => c.primaryKey().check(sql`channel in ('zalo', 'messenger')`))
    // AES-256-GCM with SECRETS_KEY: iv.tag.ciphertext, base64url. Never stored in clear.
    .addColumn('access_token_enc', 'text', (c) => c.notNull())
    .addColumn('refresh_token_enc', 'text')
    .addColumn('access_expires_at', 'timestamptz')
    // Bumped by every rotation, so a refresh can tell that another process already rotated.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('refreshed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // The Page or OA the member writes to: with the platform user id, the conversation reference.
  await db.schema.alterTable('channel_identities').addColumn('account_id', 'text').execute();

  await db.schema.alterTable('inbound_events').addColumn('dead_at', 'timestamptz').execute();
  await db.schema.alterTable('inbound_events').addColumn('replayed_at', 'timestamptz').execute();

  // The outbox relay looks for rows left queued or sending; the partial index keeps that scan small.
  await db.schema
    .createIndex('deliveries_unfinished_updated_idx')
    .on('deliveries')
    .column('updated_at')
    .where(sql.ref('status'), 'in', sql`('queued', 'sending')`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_unfinished_updated_idx').execute();
  await db.schema.alterTable('inbound_events').dropColumn('replayed_at').execute();
  await db.schema.alterTable('inbound_events').dropColumn('dead_at').execute();
  await db.schema.alterTable('channel_identities').dropColumn('account_id').execute();
  await db.schema.dropTable('channel_tokens').execute();
}
