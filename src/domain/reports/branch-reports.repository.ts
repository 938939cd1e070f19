import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';

/** A branch's good-news post of one local day. */
export interface BranchReport {
  readonly postUrl: string;
  readonly reportedByMemberId: string | null;
  readonly updatedAt: Date;
}

/** The post a branch reported for `day` (YYYY-MM-DD, APP_TIMEZONE), if any. */
export async function findBranchReport(db: Db | Tx, branchId: string, day: string): Promise<BranchReport | undefined> {
  const row = await db
    .selectFrom('branch_reports')
    .select(['post_url', 'reported_by_member_id', 'updated_at'])
    .where('branch_id', '=', branchId)
    .where('report_date', '=', day)
    .executeTakeFirst();
  return row && { postUrl: row.post_url, reportedByMemberId: row.reported_by_member_id, updatedAt: row.updated_at };
}

/**
 * Records `postUrl` as the branch's post of `day`, replacing the link reported earlier that day
 * (one row per branch and day). Returns the link it replaced, null when the day had none.
 * Two cadres of a branch reporting at the same moment cannot make two rows (the unique key); the
 * later one wins, and may then be told it reported first.
 */
export async function upsertBranchReport(db: Db | Tx, report: { branchId: string; day: string; postUrl: string; memberId: string }): Promise<{ previousUrl: string | null }> {
  const { rows } = await sql<{ previous_url: string | null }>`
    with previous as (
      select post_url from branch_reports where branch_id = ${report.branchId}::uuid and report_date = ${report.day}::date
    )
    insert into branch_reports as r (branch_id, report_date, post_url, reported_by_member_id)
    values (${report.branchId}::uuid, ${report.day}::date, ${report.postUrl}, ${report.memberId}::uuid)
    on conflict (branch_id, report_date) do update set
      post_url = excluded.post_url,
      reported_by_member_id = excluded.reported_by_member_id,
      reported_by_staff_id = null,
      updated_at = now()
    returning (select post_url from previous) as previous_url`.execute(db);
  return { previousUrl: rows[0]?.previous_url ?? null };
}
