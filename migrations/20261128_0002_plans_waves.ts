import { sql, type Kysely } from 'kysely';

/** The year's plan and its targets, waves (district waves and branch trends), participations and proofs. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plans')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('owner_unit_id', 'uuid', (c) => c.notNull().references('units.id').onDelete('restrict'))
    .addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 2000 and 2100`))
    .addColumn('title', 'text', (c) => c.notNull())
    // The document the plan comes from, e.g. "118-KH/ĐTN-TG.ĐN".
    .addColumn('reference', 'text')
    .addColumn('cadre_target_pct', 'smallint', (c) => c.notNull().defaultTo(100).check(sql`cadre_target_pct between 0 and 100`))
    .addColumn('member_target_pct', 'smallint', (c) => c.notNull().defaultTo(80).check(sql`member_target_pct between 0 and 100`))
    .addColumn('trends_per_branch_per_year', 'smallint', (c) => c.notNull().defaultTo(1).check(sql`trends_per_branch_per_year >= 0`))
    .addColumn('good_news_per_day', 'smallint', (c) => c.notNull().defaultTo(1).check(sql`good_news_per_day >= 0`))
    .addColumn('legal_info_per_day', 'smallint', (c) => c.notNull().defaultTo(1).check(sql`legal_info_per_day >= 0`))
    .addColumn('teachings_per_week', 'smallint', (c) => c.notNull().defaultTo(1).check(sql`teachings_per_week >= 0`))
    .addColumn('is_example', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('plans_owner_year_key', ['owner_unit_id', 'year'])
    .execute();

  await db.schema
    .createTable('waves')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('plan_id', 'uuid', (c) => c.references('plans.id').onDelete('restrict'))
    // The district for a district wave; a branch for that branch's own trend.
    .addColumn('owner_unit_id', 'uuid', (c) => c.notNull().references('units.id').onDelete('restrict'))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`length(btrim(title)) between 1 and 300`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('action_kind', 'text', (c) =>
      c.notNull().check(sql`action_kind in ('avatarFrame', 'publicPost', 'candle', 'shareOfficialPost', 'other')`),
    )
    .addColumn('hashtags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    // A proof must carry this hashtag when set (one of `hashtags`, usually).
    .addColumn('required_hashtag', 'text')
    // Platforms a proof link may come from; empty means every supported platform.
    .addColumn('accepted_platforms', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('asset_url', 'text', (c) => c.check(sql`asset_url ~ '^https?://'`))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    // Exclusive: a wave that runs through 31 March ends at 1 April 00:00 local time.
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'open', 'closed', 'cancelled')`))
    // The plan template a seeded wave came from, so seeding again finds it.
    .addColumn('template_key', 'text')
    .addColumn('created_by_staff_id', 'uuid', (c) => c.references('staff_users.id').onDelete('set null'))
    .addColumn('created_by_member_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('waves_ends_after_start', sql`ends_at > starts_at`)
    .addUniqueConstraint('waves_plan_template_key', ['plan_id', 'template_key'])
    .execute();
  await db.schema.createIndex('waves_plan_idx').on('waves').column('plan_id').execute();
  await db.schema.createIndex('waves_owner_starts_idx').on('waves').columns(['owner_unit_id', 'starts_at']).execute();
  await db.schema.createIndex('waves_running_idx').on('waves').columns(['status', 'starts_at', 'ends_at']).execute();

  await db.schema
    .createTable('participations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('wave_id', 'uuid', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('joined').check(sql`state in ('joined', 'proofSubmitted', 'approved', 'rejected')`))
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('proof_submitted_at', 'timestamptz')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('rejected_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('participations_wave_member_key', ['wave_id', 'member_id'])
    // Lets proofs reference (participation, wave) together, so a proof's wave is always its participation's.
    .addUniqueConstraint('participations_id_wave_key', ['id', 'wave_id'])
    .execute();
  // The participation report: per wave, which members reached which state.
  await db.schema.createIndex('participations_wave_state_member_idx').on('participations').columns(['wave_id', 'state', 'member_id']).execute();
  await db.schema.createIndex('participations_member_idx').on('participations').column('member_id').execute();

  await db.schema
    .createTable('proofs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('participation_id', 'uuid', (c) => c.notNull())
    .addColumn('wave_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('link', 'image')`))
    .addColumn('original_url', 'text')
    .addColumn('canonical_url', 'text')
    .addColumn('platform', 'text', (c) => c.check(sql`platform in ('facebook', 'tiktok', 'youtube', 'instagram', 'threads', 'zalo', 'other')`))
    .addColumn('image_sha256', 'text', (c) => c.check(sql`image_sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('image_mime', 'text')
    .addColumn('image_bytes', 'integer', (c) => c.check(sql`image_bytes > 0`))
    .addColumn('caption', 'text')
    .addColumn('review_state', 'text', (c) => c.notNull().defaultTo('pending').check(sql`review_state in ('pending', 'approved', 'rejected')`))
    .addColumn('reviewed_by_staff_id', 'uuid', (c) => c.references('staff_users.id').onDelete('set null'))
    .addColumn('reviewed_by_member_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('reject_reason', 'text')
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('reviewed_at', 'timestamptz')
    .addForeignKeyConstraint('proofs_participation_fkey', ['participation_id', 'wave_id'], 'participations', ['id', 'wave_id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .addCheckConstraint('proofs_link_has_urls', sql`(kind = 'link') = (canonical_url is not null and original_url is not null)`)
    .addCheckConstraint('proofs_image_has_hash', sql`(kind = 'image') = (image_sha256 is not null)`)
    .addCheckConstraint('proofs_rejected_has_reason', sql`(review_state = 'rejected') <= (reject_reason is not null)`)
    .addCheckConstraint('proofs_reviewed_has_time', sql`(review_state = 'pending') = (reviewed_at is null)`)
    .execute();
  // One canonical link counts once per wave.
  await db.schema.createIndex('proofs_wave_canonical_url_key').on('proofs').columns(['wave_id', 'canonical_url']).unique().where('canonical_url', 'is not', null).execute();
  await db.schema.createIndex('proofs_wave_review_idx').on('proofs').columns(['wave_id', 'review_state', 'submitted_at']).execute();
  await db.schema.createIndex('proofs_participation_idx').on('proofs').column('participation_id').execute();
  // A reused screenshot is flagged by looking its hash up.
  await db.schema.createIndex('proofs_image_sha256_idx').on('proofs').column('image_sha256').where('image_sha256', 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['proofs', 'participations', 'waves', 'plans']) await db.schema.dropTable(table).execute();
}
