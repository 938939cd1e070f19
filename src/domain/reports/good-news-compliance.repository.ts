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

/**
 * For each branch (all of them when `branchIds` is null), which days from `first` to `last`
 * (YYYY-MM-DD, inclusive) have a good-news post in branch_reports, and which have none.
 */
export async function goodNewsDaysByBranch(db: Db | Tx, first: string, last: string, branchIds: readonly string[] | null): Promise<BranchGoodNewsDays[]> {
  const { rows } = await sql<{ id: string; name: string; cluster_name: string | null; days_reported: number; missing_days: string[] }>`
    with days as (
      select d::date as day from generate_series(${first}::date, ${last}::date, interval '1 day') d
    ),
    branches as (
      select b.id, b.code, b.name, c.name as cluster_name
      from units b left join units c on c.id = b.parent_id and c.level = 'cluster'
      where b.level = 'branch' and ${branchIds === null ? sql`true` : sql`b.id = any(${[...branchIds]}::uuid[])`}
    ),
    reported as (
      select distinct r.branch_id, r.report_date
      from branch_reports r join branches b on b.id = r.branch_id
      where r.report_date between ${first}::date and ${last}::date
    )
    select b.id, b.name, b.cluster_name,
      count(r.report_date)::int as days_reported,
      coalesce(array_agg(to_char(d.day, 'YYYY-MM-DD') order by d.day) filter (where r.report_date is null), '{}') as missing_days
    from branches b cross join days d
    left join reported r on r.branch_id = b.id and r.report_date = d.day
    group by b.id, b.code, b.name, b.cluster_name
    order by b.code`.execute(db);
  return rows.map((r) => ({ branchId: r.id, name: r.name, clusterName: r.cluster_name, daysReported: r.days_reported, missingDays: r.missing_days }));
}
