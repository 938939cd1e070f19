import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';

export interface BranchGoodNewsDays {
  readonly branchId: string;
  readonly name: string;
  readonly clusterName: string | null;
  /** Days from `first` to `last` with at least one good-news post reported. */
  readonly daysReported: number;
  /** The other days, as YYYY-MM-DD, in order. */
  readonly missingDays: readonly string[];
}

/** Every day from `first` to `last` (YYYY-MM-DD, inclusive), in order. */
function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * For each branch (all of them when `branchIds` is null), which days from `first` to `last`
 * (YYYY-MM-DD, inclusive) have a good-news post in branch_reports, and which have none.
 * Each branch's reported days come back as one array (branch_reports_day_idx, one hash
 * aggregate); the missing days are the month's others. Crossing every branch with every day in
 * SQL sorted 62,000 rows on disk for a city's 2,000 branches (400 ms).
 */
export async function goodNewsDaysByBranch(db: Db | Tx, first: string, last: string, branchIds: readonly string[] | null): Promise<BranchGoodNewsDays[]> {
  const { rows } = await sql<{ id: string; name: string; cluster_name: string | null; reported: string[] | null }>`
    select b.id, b.name, c.name as cluster_name, r.days as reported
    from units b
    left join units c on c.id = b.parent_id and c.level = 'cluster'
    left join (
      select branch_id, array_agg(distinct to_char(report_date, 'YYYY-MM-DD')) as days
      from branch_reports
      where report_date between ${first}::date and ${last}::date and ${branchIds === null ? sql`true` : sql`branch_id = any(${[...branchIds]}::uuid[])`}
      group by branch_id
    ) r on r.branch_id = b.id
    where b.level = 'branch' and ${branchIds === null ? sql`true` : sql`b.id = any(${[...branchIds]}::uuid[])`}
    order by b.code`.execute(db);
  const days = daysBetween(first, last);
  return rows.map((r) => {
    const reported = new Set(r.reported ?? []);
    return { branchId: r.id, name: r.name, clusterName: r.cluster_name, daysReported: days.filter((d) => reported.has(d)).length, missingDays: days.filter((d) => !reported.has(d)) };
  });
}
