import { sql, type Kysely } from 'kysely';

/**
 * Schedules (issue 5 §3).
 * - The branch secretary (bí thư) gets the names of cadres who were nudged twice and still have not
 *   joined a district wave. Nothing in the schema said who the secretary is, so a flag on the
 *   member: staff (or the roster import) set it; a branch may have none, then nobody is told.
 * - cadre_nudges keeps, per district wave and cadre, how many nudges went out and on which local
 *   day the last one did, and the day the secretary was told: the cadence (3 days after the launch,
 *   at most one every 2 days, the secretary after 2) is decided from these rows, so a restart or a
 *   second worker neither repeats nor skips a step.
 * - schedule_runs is the ledger of scheduled steps that happened (a wave's launch, a week's digest of
 *   a branch, a day's teaching): one row per step key, written in the same transaction as the
 *   messages of the step, or after the idempotent broadcast it created, so a step fired twice
 *   (restart, two workers, the next tick) happens once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('members').addColumn('is_branch_secretary', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
  await db.schema
    .createIndex('members_branch_secretary_idx')
    .on('members')
    .column('branch_id')
    .where(sql.ref('is_branch_secretary'), '=', true)
    .execute();

  await db.schema
    .createTable('cadre_nudges')
    .addColumn('wave_id', 'uuid', (c) => c.notNull().references('waves.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('nudges', 'smallint', (c) => c.notNull().defaultTo(0).check(sql`nudges >= 0`))
    // Local (APP_TIMEZONE) days, as the cadence counts in days.
    .addColumn('last_nudged_on', 'date')
    .addColumn('secretary_told_on', 'date')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('cadre_nudges_pkey', ['wave_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('schedule_runs')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('ran_at', 'timestamptz', (c) => c.notNull())
    .addColumn('broadcast_id', 'uuid', (c) => c.references('broadcasts.id').onDelete('set null'))
    .addColumn('messages', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // Rotation of the weekly teaching: approved items, the least recently sent first.
  await db.schema.createIndex('content_items_rotation_idx').on('content_items').columns(['kind', 'approval', 'last_sent_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('content_items_rotation_idx').execute();
  await db.schema.dropTable('schedule_runs').execute();
  await db.schema.dropTable('cadre_nudges').execute();
  await db.schema.dropIndex('members_branch_secretary_idx').execute();
  await db.schema.alterTable('members').dropColumn('is_branch_secretary').execute();
}
