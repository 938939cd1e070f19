import { sql, type Kysely } from 'kysely';

/**
 * The delivery policy (issue 5): every turn asks whether its member has deliveries waiting for
 * them to write (touchIdentities), and every proactive send counts the member's proactive sends of
 * the day (the daily cap). Both stay index lookups however many deliveries the table holds.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('deliveries_deferred_identity_idx').on('deliveries').column('identity_id').where(sql.ref('status'), '=', 'deferred').execute();
  await db.schema
    .createIndex('deliveries_proactive_sent_idx')
    .on('deliveries')
    .columns(['identity_id', 'sent_at'])
    .where(sql<boolean>`purpose not in ('reply', 'staffReply') and sent_at is not null`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_proactive_sent_idx').execute();
  await db.schema.dropIndex('deliveries_deferred_identity_idx').execute();
}
