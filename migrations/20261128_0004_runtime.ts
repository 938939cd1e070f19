import { sql, type Kysely } from 'kysely';

/** What the running service keeps: inbound webhook events, dialog state, the audit log. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('inbound_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('zalo', 'messenger', 'simulator')`))
    // Messenger mid, Zalo msg_id, or a key derived from the event for those without one.
    .addColumn('event_key', 'text', (c) => c.notNull())
    // The conversation the event belongs to (channel + platform user id): the ordering unit.
    .addColumn('conversation_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // The platform's own timestamp (epoch ms): turns run in this order within a conversation.
    .addColumn('platform_ts', 'bigint', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('received').check(sql`status in ('received', 'processing', 'processed', 'ignored', 'failed', 'dead')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('processed_at', 'timestamptz')
    .addUniqueConstraint('inbound_events_channel_event_key', ['channel', 'event_key'])
    .execute();
  await db.schema.createIndex('inbound_events_conversation_order_idx').on('inbound_events').columns(['conversation_key', 'platform_ts', 'id']).execute();
  await db.schema
    .createIndex('inbound_events_unfinished_idx')
    .on('inbound_events')
    .columns(['status', 'received_at'])
    .where(sql.ref('status'), 'in', sql`('received', 'processing', 'failed', 'dead')`)
    .execute();
  // Housekeeping deletes finished events by age.
  await db.schema
    .createIndex('inbound_events_finished_received_idx')
    .on('inbound_events')
    .column('received_at')
    .where(sql.ref('status'), 'in', sql`('processed', 'ignored')`)
    .execute();

  await db.schema
    .createTable('bot_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    // Optimistic concurrency: a write names the etag it read, and a stale one is refused.
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_kind', 'text', (c) => c.notNull().check(sql`actor_kind in ('staff', 'member', 'system')`))
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text')
    .addColumn('subject_id', 'text')
    // The unit the action concerns, so each staff member sees only the log of their scope.
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id').onDelete('set null'))
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_action_at_idx').on('audit_log').columns(['action', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'bot_state', 'inbound_events']) await db.schema.dropTable(table).execute();
}
