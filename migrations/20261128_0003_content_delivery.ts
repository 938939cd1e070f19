import { sql, type Kysely } from 'kysely';

const CONTENT_KINDS = sql`('uncleHoTeaching', 'goodNews', 'story', 'legalInfo', 'greenLiving')`;
const PURPOSES = sql`('reply', 'waveReminder', 'reviewResult', 'waveLaunch', 'recurringContent', 'cadreNudge', 'staffReply')`;

/** Content, subscriptions, broadcasts and their deliveries, collaborator tasks, branch good-news reports. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('content_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ${CONTENT_KINDS}`))
    .addColumn('title', 'text')
    .addColumn('body', 'text', (c) => c.notNull().check(sql`length(body) between 1 and 20000`))
    .addColumn('link_url', 'text', (c) => c.check(sql`link_url ~ '^https?://'`))
    // Where a teaching comes from (the letter, speech or article and its year): never unsourced.
    .addColumn('source', 'text')
    .addColumn('scheduled_on', 'date')
    .addColumn('approval', 'text', (c) => c.notNull().defaultTo('pending').check(sql`approval in ('pending', 'approved', 'rejected')`))
    .addColumn('submitted_by_member_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('created_by_staff_id', 'uuid', (c) => c.references('staff_users.id').onDelete('set null'))
    .addColumn('approved_by_staff_id', 'uuid', (c) => c.references('staff_users.id').onDelete('set null'))
    .addColumn('approved_at', 'timestamptz')
    .addColumn('times_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_sent_at', 'timestamptz')
    .addColumn('seed_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('content_items_teaching_has_source', sql`kind <> 'uncleHoTeaching' or source is not null`)
    .execute();
  await db.schema.createIndex('content_items_kind_approval_day_idx').on('content_items').columns(['kind', 'approval', 'scheduled_on']).execute();

  await db.schema
    .createTable('subscriptions')
    .addColumn('identity_id', 'uuid', (c) => c.notNull().references('channel_identities.id').onDelete('cascade'))
    .addColumn('topic', 'text', (c) => c.notNull().check(sql`topic in ('uncleHoTeaching', 'goodNews', 'legalInfo')`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('subscriptions_pkey', ['identity_id', 'topic'])
    .execute();
  await db.schema.createIndex('subscriptions_topic_active_idx').on('subscriptions').columns(['topic', 'identity_id']).where(sql.ref('active'), '=', true).execute();

  await db.schema
    .createTable('broadcasts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ${PURPOSES}`))
    .addColumn('title', 'text')
    .addColumn('text', 'text', (c) => c.notNull().check(sql`length(text) between 1 and 5000`))
    .addColumn('image_url', 'text', (c) => c.check(sql`image_url ~ '^https?://'`))
    // [{title, url}] link buttons, rendered per channel.
    .addColumn('buttons', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // {everyone: true} or any of {branches, clusters, roles, channel, wave: {id, state}, topic}.
    .addColumn('audience', 'jsonb', (c) => c.notNull())
    .addColumn('wave_id', 'uuid', (c) => c.references('waves.id').onDelete('set null'))
    .addColumn('content_item_id', 'uuid', (c) => c.references('content_items.id').onDelete('set null'))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('draft').check(sql`status in ('draft', 'scheduled', 'fanningOut', 'sending', 'completed', 'cancelled', 'failed')`),
    )
    .addColumn('send_at', 'timestamptz')
    // Makes system broadcasts (a wave's launch, a weekly teaching) idempotent: one per key.
    .addColumn('schedule_key', 'text', (c) => c.unique())
    .addColumn('recipients_count', 'integer')
    .addColumn('created_by_staff_id', 'uuid', (c) => c.references('staff_users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('broadcasts_status_send_at_idx').on('broadcasts').columns(['status', 'send_at']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('broadcast_id', 'uuid', (c) => c.references('broadcasts.id').onDelete('cascade'))
    .addColumn('identity_id', 'uuid', (c) => c.notNull().references('channel_identities.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ${PURPOSES}`))
    // What the message is about, for collapsing deferred ones to the newest per kind.
    .addColumn('topic', 'text')
    // Claimed before the HTTP call: no retry, crash or restart sends the same key twice.
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('queued')
        .check(sql`status in ('queued', 'deferred', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'expired', 'cancelled')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_before', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('send_mode', 'text')
    .addColumn('platform_message_id', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('read_at', 'timestamptz')
    .addCheckConstraint('deliveries_sent_has_time', sql`status not in ('sent', 'delivered', 'read') or sent_at is not null`)
    .execute();
  // A broadcast reaches an identity at most once.
  await db.schema.createIndex('deliveries_broadcast_identity_key').on('deliveries').columns(['broadcast_id', 'identity_id']).unique().where('broadcast_id', 'is not', null).execute();
  await db.schema.createIndex('deliveries_broadcast_status_idx').on('deliveries').columns(['broadcast_id', 'status']).execute();
  await db.schema.createIndex('deliveries_identity_status_idx').on('deliveries').columns(['identity_id', 'status', 'created_at']).execute();
  await db.schema.createIndex('deliveries_platform_message_idx').on('deliveries').column('platform_message_id').where('platform_message_id', 'is not', null).execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('post_url', 'text', (c) => c.notNull().check(sql`post_url ~ '^https?://'`))
    .addColumn('actions', sql`text[]`, (c) => c.notNull().check(sql`cardinality(actions) > 0 and actions <@ array['like', 'share', 'comment']::text[]`))
    // Null: every collaborator; else those of this unit (a cluster or a branch) and below.
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id').onDelete('cascade'))
    .addColumn('deadline', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'closed')`))
    .addColumn('created_by_staff_id', 'uuid', (c) => c.references('staff_users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('tasks_status_deadline_idx').on('tasks').columns(['status', 'deadline']).execute();

  await db.schema
    .createTable('task_completions')
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('link_url', 'text', (c) => c.check(sql`link_url ~ '^https?://'`))
    .addColumn('completed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('task_completions_pkey', ['task_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('branch_reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('branch_id', 'uuid', (c) => c.notNull().references('units.id').onDelete('cascade'))
    // The local (APP_TIMEZONE) day the good-news post counts for.
    .addColumn('report_date', 'date', (c) => c.notNull())
    .addColumn('post_url', 'text', (c) => c.notNull().check(sql`post_url ~ '^https?://'`))
    .addColumn('reported_by_member_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('reported_by_staff_id', 'uuid', (c) => c.references('staff_users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('branch_reports_branch_day_url_key', ['branch_id', 'report_date', 'post_url'])
    .execute();
  await db.schema.createIndex('branch_reports_day_idx').on('branch_reports').columns(['report_date', 'branch_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['branch_reports', 'task_completions', 'tasks', 'deliveries', 'broadcasts', 'subscriptions', 'content_items']) {
    await db.schema.dropTable(table).execute();
  }
}
