import { sql, type Kysely } from 'kysely';

/**
 * Member services (issue 4): the official pages members are asked to follow, conversations handed
 * over to a cadre, codes that link a second channel to a member, and what erasing a member's data
 * needs from the proofs table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Kept as data so that staff change a page without a release; seeded rows carry seed_key.
  await db.schema
    .createTable('official_pages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(btrim(title)) between 1 and 120`))
    .addColumn('url', 'text', (c) => c.notNull().check(sql`url ~ '^https://'`))
    .addColumn('platform', 'text', (c) => c.notNull().check(sql`platform in ('facebook', 'tiktok', 'youtube', 'zalo', 'website', 'other')`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo('').check(sql`length(description) <= 500`))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    // Seeded rows point at placeholder addresses until staff put in the real ones.
    .addColumn('is_example', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('seed_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('official_pages_active_order_idx').on('official_pages').columns(['active', 'sort_order']).execute();

  await db.schema
    .createTable('handover_threads')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('identity_id', 'uuid', (c) => c.notNull().references('channel_identities.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    // The branch whose cadres see the thread; null: district staff (a stranger, an unplaced member).
    .addColumn('branch_id', 'uuid', (c) => c.references('units.id').onDelete('set null'))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    // The bot takes the conversation back by itself after this (opened + 24 h).
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by', 'text', (c) => c.check(sql`closed_by in ('member', 'staff', 'expiry', 'erasure')`))
    .addColumn('closed_by_staff_id', 'uuid', (c) => c.references('staff_users.id').onDelete('set null'))
    // The member is told once, on their first message after opening, that a cadre will answer.
    .addColumn('waiting_notice_at', 'timestamptz')
    .addCheckConstraint('handover_threads_expires_after_open', sql`expires_at > opened_at`)
    .addCheckConstraint('handover_threads_closed_has_who', sql`(closed_at is null) = (closed_by is null)`)
    .execute();
  // One unclosed thread per identity at a time.
  await db.schema.createIndex('handover_threads_identity_unclosed_key').on('handover_threads').column('identity_id').unique().where(sql.ref('closed_at'), 'is', null).execute();
  await db.schema.createIndex('handover_threads_unclosed_idx').on('handover_threads').columns(['branch_id', 'opened_at']).where(sql.ref('closed_at'), 'is', null).execute();

  await db.schema
    .createTable('handover_messages')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('thread_id', 'uuid', (c) => c.notNull().references('handover_threads.id').onDelete('cascade'))
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('member', 'staff')`))
    .addColumn('text', 'text', (c) => c.notNull().check(sql`length(text) <= 5000`))
    // [{type, url?}] what the member attached (platform URLs expire: staff open them soon or not at all).
    .addColumn('attachments', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('staff_user_id', 'uuid', (c) => c.references('staff_users.id').onDelete('set null'))
    // Set for a reply typed in the platform's own inbox (Zalo OA chat tool, Page inbox).
    .addColumn('from_platform_inbox', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('handover_messages_thread_at_idx').on('handover_messages').columns(['thread_id', 'id']).execute();

  await db.schema
    .createTable('link_codes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    // Only a hash: the code itself is shown once, to the member who asked for it.
    .addColumn('code_hash', 'text', (c) => c.notNull().check(sql`code_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('used_by_identity_id', 'uuid', (c) => c.references('channel_identities.id').onDelete('set null'))
    .addCheckConstraint('link_codes_expires_after_creation', sql`expires_at > created_at`)
    .execute();
  // A code in use is unique; spent and expired ones are deleted when a new code is made.
  await db.schema.createIndex('link_codes_unused_hash_key').on('link_codes').column('code_hash').unique().where(sql.ref('used_at'), 'is', null).execute();
  await db.schema.createIndex('link_codes_member_idx').on('link_codes').column('member_id').execute();

  // Wrong codes per identity, to slow down guessing.
  await db.schema
    .createTable('link_attempts')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('identity_id', 'uuid', (c) => c.notNull().references('channel_identities.id').onDelete('cascade'))
    .addColumn('succeeded', 'boolean', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('link_attempts_identity_at_idx').on('link_attempts').columns(['identity_id', 'at']).execute();

  // An erased member's proofs still count, but lose their links, captions and image hashes.
  await db.schema.alterTable('proofs').addColumn('erased_at', 'timestamptz').execute();
  await db.schema.alterTable('proofs').dropConstraint('proofs_link_has_urls').execute();
  await db.schema.alterTable('proofs').dropConstraint('proofs_image_has_hash').execute();
  await db.schema
    .alterTable('proofs')
    .addCheckConstraint('proofs_link_has_urls', sql`erased_at is not null or (kind = 'link') = (canonical_url is not null and original_url is not null)`)
    .execute();
  // The image rules of 20261129_0201_proofs, with the erased exemption.
  await db.schema.alterTable('proofs').dropConstraint('proofs_awaiting_has_source').execute();
  await db.schema
    .alterTable('proofs')
    .addCheckConstraint('proofs_image_has_hash', sql`erased_at is not null or coalesce(image_state = 'stored', false) = (image_sha256 is not null)`)
    .execute();
  await db.schema
    .alterTable('proofs')
    .addCheckConstraint('proofs_awaiting_has_source', sql`erased_at is not null or image_state <> 'awaiting' or image_source_url is not null`)
    .execute();
  await db.schema
    .alterTable('proofs')
    .addCheckConstraint(
      'proofs_erased_has_nothing_personal',
      sql`erased_at is null or (original_url is null and canonical_url is null and image_sha256 is null and image_source_url is null and caption is null)`,
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('proofs').dropConstraint('proofs_erased_has_nothing_personal').execute();
  await db.schema.alterTable('proofs').dropConstraint('proofs_image_has_hash').execute();
  await db.schema.alterTable('proofs').dropConstraint('proofs_awaiting_has_source').execute();
  await db.schema.alterTable('proofs').dropConstraint('proofs_link_has_urls').execute();
  await db.schema.alterTable('proofs').addCheckConstraint('proofs_image_has_hash', sql`coalesce(image_state = 'stored', false) = (image_sha256 is not null)`).execute();
  await db.schema.alterTable('proofs').addCheckConstraint('proofs_awaiting_has_source', sql`image_state <> 'awaiting' or image_source_url is not null`).execute();
  await db.schema.alterTable('proofs').addCheckConstraint('proofs_link_has_urls', sql`(kind = 'link') = (canonical_url is not null and original_url is not null)`).execute();
  await db.schema.alterTable('proofs').dropColumn('erased_at').execute();
  for (const table of ['link_attempts', 'link_codes', 'handover_messages', 'handover_threads', 'official_pages']) await db.schema.dropTable(table).execute();
}
