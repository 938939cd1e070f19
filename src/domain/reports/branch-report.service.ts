import type { Db, Tx } from '../../db/database';
import { canonicalizeProofLink, type ProofLinkProblem } from '../proofs/proof-link';
import { formatIsoDay, localDayOf, type LocalDay } from '../shared/time';
import { findBranchReport, upsertBranchReport } from './branch-reports.repository';

/**
 * A branch's good-news post of the day (the plan's "at least one good news a day"): a cadre
 * reports the link, which counts for the local day (APP_TIMEZONE) it is reported on. A branch
 * that reported is left out of that evening's reminder (periodic-reminders.service.ts).
 */

/** Who reports: a verified cadre of the branch (the dialogs check that). */
export interface BranchReporter {
  readonly memberId: string;
  readonly branchId: string;
}

export type BranchReportOutcome =
  /** The link is not a post link (checked like a proof link); `message` explains it when the checker has a fitting one. */
  | { readonly kind: 'invalidLink'; readonly reason: ProofLinkProblem; readonly message: string }
  | { readonly kind: 'recorded'; readonly day: LocalDay; readonly url: string }
  /** Reported again the same day with another link: the new one replaced `previousUrl`. */
  | { readonly kind: 'replaced'; readonly day: LocalDay; readonly url: string; readonly previousUrl: string }
  /** The same link as already reported that day. */
  | { readonly kind: 'unchanged'; readonly day: LocalDay; readonly url: string };

/** The link a branch reported for the local day of `now`, if any. */
export async function todaysBranchReport(db: Db | Tx, branchId: string, now: Date, timeZone: string): Promise<{ day: LocalDay; url: string | undefined }> {
  const day = localDayOf(now, timeZone);
  return { day, url: (await findBranchReport(db, branchId, formatIsoDay(day)))?.postUrl };
}

/**
 * Records `link` (canonicalised like a proof link: tracking dropped, one form per post) as the
 * branch's good-news post of the local day of `now`; a second report that day replaces the first.
 */
export async function reportGoodNewsPost(db: Db | Tx, reporter: BranchReporter, link: string, now: Date, timeZone: string): Promise<BranchReportOutcome> {
  const checked = canonicalizeProofLink(link);
  if (!checked.ok) return { kind: 'invalidLink', reason: checked.reason, message: checked.message };
  const day = localDayOf(now, timeZone);
  const { previousUrl } = await upsertBranchReport(db, { branchId: reporter.branchId, day: formatIsoDay(day), postUrl: checked.canonical, memberId: reporter.memberId });
  if (previousUrl === null) return { kind: 'recorded', day, url: checked.canonical };
  if (previousUrl === checked.canonical) return { kind: 'unchanged', day, url: checked.canonical };
  return { kind: 'replaced', day, url: checked.canonical, previousUrl };
}
