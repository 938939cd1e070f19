import type { Db, Tx } from '../../db/database';
import { goodNewsReportDays } from './dashboard.repository';

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
 * (YYYY-MM-DD, inclusive) have a good-news post in branch_reports, and which have none: the
 * dashboard's goodNewsReportDays, with the month's other days as the missing ones. Crossing every
 * branch with every day in SQL sorted 62,000 rows on disk for a city's 2,000 branches (400 ms).
 */
export async function goodNewsDaysByBranch(db: Db | Tx, first: string, last: string, branchIds: readonly string[] | null): Promise<BranchGoodNewsDays[]> {
  const days = daysBetween(first, last);
  return (await goodNewsReportDays(db, first, last, branchIds)).map((r) => {
    const reported = new Set(r.days);
    return { branchId: r.branchId, name: r.name, clusterName: r.clusterName, daysReported: days.filter((d) => reported.has(d)).length, missingDays: days.filter((d) => !reported.has(d)) };
  });
}
