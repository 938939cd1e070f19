import { sql, type Kysely } from 'kysely';

/**
 * A branch reports one good-news post per local day (issue 5 follow-up): a cadre who reports again
 * the same day replaces the link, so the key becomes (branch, day) instead of (branch, day, link),
 * and updated_at says when the link last changed. Nothing wrote branch_reports before this; should
 * a day hold several rows anyway, the newest is kept.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    delete from branch_reports r using branch_reports newer
    where newer.branch_id = r.branch_id and newer.report_date = r.report_date
      and (newer.created_at, newer.id) > (r.created_at, r.id)`.execute(db);
  await db.schema.alterTable('branch_reports').addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`)).execute();
  await db.schema.alterTable('branch_reports').dropConstraint('branch_reports_branch_day_url_key').execute();
  await db.schema.alterTable('branch_reports').addUniqueConstraint('branch_reports_branch_day_key', ['branch_id', 'report_date']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('branch_reports').dropConstraint('branch_reports_branch_day_key').execute();
  await db.schema.alterTable('branch_reports').addUniqueConstraint('branch_reports_branch_day_url_key', ['branch_id', 'report_date', 'post_url']).execute();
  await db.schema.alterTable('branch_reports').dropColumn('updated_at').execute();
}
