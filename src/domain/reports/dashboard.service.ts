import type { Db } from '../../db/database';
import { AppError } from '../../errors/app-error';
import { MESSENGER_WINDOW_MS, ZALO_CS_MS, ZALO_FREE_MS } from '../deliveries/delivery-policy';
import { addDays, formatIsoDay, localDayOf, zonedMidnight, type LocalDay } from '../shared/time';
import type { StaffPrincipal } from '../staff/staff-scope';
import {
  countTrendsByBranch,
  findDistrictPlan,
  goodNewsReportDays,
  listDistrictWaves,
  participationByWaveAndBranch,
  reachByChannel,
  type BranchTrendCount,
  type ChannelReach,
  type DashboardPlan,
  type DashboardWave,
  type WaveBranchFigures,
} from './dashboard.repository';

export interface Rates {
  readonly cadres: number;
  readonly cadresTookPart: number;
  readonly members: number;
  readonly membersTookPart: number;
  /** One decimal; null when there is nobody of the role. */
  readonly cadreRatePct: number | null;
  readonly memberRatePct: number | null;
  readonly meetsCadreTarget: boolean;
  readonly meetsMemberTarget: boolean;
}

export interface BranchRow extends Rates {
  readonly branchId: string;
  readonly code: string;
  readonly name: string;
}

export interface WaveSummary extends Rates {
  readonly wave: DashboardWave;
  readonly branchesUnderTarget: number;
}

export interface BranchRank {
  readonly branchId: string;
  readonly code: string;
  readonly name: string;
  /** Mean over the waves of the share of the targets reached (each role capped at 100%); null: nobody to count. */
  readonly attainmentPct: number | null;
  readonly wavesUnderTarget: number;
}

export interface CalendarRow {
  readonly branchId: string;
  readonly code: string;
  readonly name: string;
  readonly reported: ReadonlySet<string>;
  /** Days with a report over the days of the month so far. */
  readonly compliancePct: number;
}

export interface GoodNewsCalendar {
  readonly year: number;
  readonly month: number;
  /** Every day of the month, YYYY-MM-DD. */
  readonly days: readonly string[];
  /** Today (YYYY-MM-DD): later days are not counted yet. */
  readonly today: string;
  readonly rows: readonly CalendarRow[];
}

export const SORT_KEYS = ['code', 'name', 'cadreRate', 'memberRate'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface DashboardQuery {
  readonly waveId?: string;
  readonly sort?: SortKey;
  readonly dir?: 'asc' | 'desc';
  /** Absent: this month. */
  readonly month?: { readonly year: number; readonly month: number };
}

export interface Dashboard {
  readonly plan: DashboardPlan | undefined;
  readonly waves: readonly WaveSummary[];
  readonly selected: WaveSummary | undefined;
  readonly branches: readonly BranchRow[];
  readonly ranking: readonly BranchRank[];
  readonly trendless: readonly BranchTrendCount[];
  readonly calendar: GoodNewsCalendar;
  readonly reach: readonly ChannelReach[];
}

function ratePct(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 1000) / whole) / 10;
}

function ratesOf(f: Pick<WaveBranchFigures, 'cadres' | 'cadresTookPart' | 'members' | 'membersTookPart'>, plan: DashboardPlan): Rates {
  const cadreRatePct = ratePct(f.cadresTookPart, f.cadres);
  const memberRatePct = ratePct(f.membersTookPart, f.members);
  return {
    cadres: f.cadres,
    cadresTookPart: f.cadresTookPart,
    members: f.members,
    membersTookPart: f.membersTookPart,
    cadreRatePct,
    memberRatePct,
    // Nobody of a role cannot miss that role's target (participation-report.service.ts says the same).
    meetsCadreTarget: cadreRatePct === null || cadreRatePct >= plan.cadreTargetPct,
    meetsMemberTarget: memberRatePct === null || memberRatePct >= plan.memberTargetPct,
  };
}

const underTarget = (r: Rates) => !r.meetsCadreTarget || !r.meetsMemberTarget;

/** The share of the targets reached in one wave: each role's rate over its target, capped at 1, averaged. */
function attainment(r: Rates, plan: DashboardPlan): number | null {
  const parts: number[] = [];
  const share = (rate: number | null, target: number) => {
    if (rate !== null) parts.push(target <= 0 ? 1 : Math.min(1, rate / target));
  };
  share(r.cadreRatePct, plan.cadreTargetPct);
  share(r.memberRatePct, plan.memberTargetPct);
  return parts.length === 0 ? null : parts.reduce((a, b) => a + b, 0) / parts.length;
}

function sum(rows: readonly WaveBranchFigures[]) {
  return rows.reduce(
    (t, r) => ({ cadres: t.cadres + r.cadres, cadresTookPart: t.cadresTookPart + r.cadresTookPart, members: t.members + r.members, membersTookPart: t.membersTookPart + r.membersTookPart }),
    { cadres: 0, cadresTookPart: 0, members: 0, membersTookPart: 0 },
  );
}

function compareBranches(sort: SortKey, dir: 'asc' | 'desc'): (a: BranchRow, b: BranchRow) => number {
  const sign = dir === 'asc' ? 1 : -1;
  const rate = (r: BranchRow) => (sort === 'cadreRate' ? r.cadreRatePct : r.memberRatePct);
  return (a, b) => {
    if (sort === 'code' || sort === 'name') return sign * a[sort].localeCompare(b[sort], 'vi');
    // A branch with nobody of the role sorts last either way: it has no rate to compare.
    const x = rate(a);
    const y = rate(b);
    if (x === null || y === null) return x === y ? a.code.localeCompare(b.code) : x === null ? 1 : -1;
    return sign * (x - y) || a.code.localeCompare(b.code);
  };
}

function rank(plan: DashboardPlan, figures: readonly WaveBranchFigures[]): BranchRank[] {
  const byBranch = new Map<string, { code: string; name: string; scores: number[]; under: number }>();
  for (const f of figures) {
    const entry = byBranch.get(f.branchId) ?? { code: f.code, name: f.name, scores: [], under: 0 };
    const rates = ratesOf(f, plan);
    const score = attainment(rates, plan);
    if (score !== null) entry.scores.push(score);
    if (underTarget(rates)) entry.under += 1;
    byBranch.set(f.branchId, entry);
  }
  const ranks = [...byBranch].map(([branchId, e]) => ({
    branchId,
    code: e.code,
    name: e.name,
    attainmentPct: e.scores.length === 0 ? null : Math.round((e.scores.reduce((a, b) => a + b, 0) / e.scores.length) * 1000) / 10,
    wavesUnderTarget: e.under,
  }));
  return ranks.sort((a, b) => (b.attainmentPct ?? -1) - (a.attainmentPct ?? -1) || a.code.localeCompare(b.code));
}

function monthDays(year: number, month: number): string[] {
  const days: string[] = [];
  for (let d: LocalDay = { year, month, day: 1 }; d.month === month; d = addDays(d, 1)) days.push(formatIsoDay(d));
  return days;
}

async function calendarOf(db: Db, scope: readonly string[] | null, month: { year: number; month: number }, today: string): Promise<GoodNewsCalendar> {
  const days = monthDays(month.year, month.month);
  const counted = days.filter((d) => d <= today).length;
  const rows = await goodNewsReportDays(db, days[0]!, days[days.length - 1]!, scope);
  return {
    year: month.year,
    month: month.month,
    days,
    today,
    rows: rows
      .map((r) => ({
        branchId: r.branchId,
        code: r.code,
        name: r.name,
        reported: new Set(r.days),
        compliancePct: counted === 0 ? 0 : Math.round((r.days.filter((d) => d <= today).length * 1000) / counted) / 10,
      }))
      .sort((a, b) => a.compliancePct - b.compliancePct || a.code.localeCompare(b.code)),
  };
}

/**
 * Tổng quan for the current plan, within the staff member's scope: each district wave against
 * the targets, per branch (sortable, under-target marked), branches ranked by how much of the
 * targets they reach, branches short of trends this year, a good-news calendar and the reach of
 * each channel now. A wave that is not one of the plan's district waves reads as absent (404).
 */
export async function loadDashboard(db: Db, staff: StaffPrincipal, query: DashboardQuery, now: Date, timeZone: string): Promise<Dashboard> {
  const scope = staff.scope === null ? null : staff.scope.branchIds;
  const today = localDayOf(now, timeZone);
  const plan = await findDistrictPlan(db, today.year);
  const waves = plan ? await listDistrictWaves(db, plan) : [];
  if (query.waveId !== undefined && !waves.some((w) => w.id === query.waveId)) throw new AppError('NOT_FOUND', 'Không tìm thấy đợt này trong kế hoạch hiện tại.');

  const year = plan?.year ?? today.year;
  const [figures, trends, calendar, reach] = await Promise.all([
    participationByWaveAndBranch(db, waves.map((w) => w.id), scope),
    countTrendsByBranch(db, zonedMidnight(year, 1, 1, timeZone), zonedMidnight(year + 1, 1, 1, timeZone), scope),
    calendarOf(db, scope, query.month ?? { year: today.year, month: today.month }, formatIsoDay(today)),
    reachByChannel(db, now, { messenger: { openMs: MESSENGER_WINDOW_MS, paidMs: MESSENGER_WINDOW_MS }, zalo: { openMs: ZALO_FREE_MS, paidMs: ZALO_CS_MS } }, scope),
  ]);

  const summaries: WaveSummary[] = plan
    ? waves.map((wave) => {
        const rows = figures.filter((f) => f.waveId === wave.id);
        return { wave, ...ratesOf(sum(rows), plan), branchesUnderTarget: rows.filter((r) => underTarget(ratesOf(r, plan))).length };
      })
    : [];
  // By default the wave running now, else the latest one.
  const selected = summaries.find((s) => s.wave.id === query.waveId) ?? [...summaries].reverse().find((s) => s.wave.status === 'open') ?? summaries[summaries.length - 1];
  const branches = plan && selected
    ? figures
        .filter((f) => f.waveId === selected.wave.id)
        .map((f) => ({ branchId: f.branchId, code: f.code, name: f.name, ...ratesOf(f, plan) }))
        .sort(compareBranches(query.sort ?? 'memberRate', query.dir ?? 'asc'))
    : [];
  const trendTarget = Math.max(1, plan?.trendsPerBranchPerYear ?? 1);
  return {
    plan,
    waves: summaries,
    selected,
    branches,
    ranking: plan ? rank(plan, figures) : [],
    trendless: trends.filter((t) => t.trends < trendTarget),
    calendar,
    reach,
  };
}
