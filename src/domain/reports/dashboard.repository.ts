/**
 * The dashboard's reads (issue 6 §2 "Tổng quan"). Set-based and scoped: `branchIds` null is the
 * whole district, otherwise only those branches are counted. Participation follows the rule of
 * participation-report.repository.ts (a proof sent and not rejected); members are verified people
 * of the role, counted once whatever their channels.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { PlatformChannelId } from '../../db/types';

export type BranchScope = readonly string[] | null;

export interface DashboardPlan {
  readonly id: string;
  readonly year: number;
  readonly title: string;
  readonly reference: string | null;
  readonly districtId: string;
  readonly cadreTargetPct: number;
  readonly memberTargetPct: number;
  readonly trendsPerBranchPerYear: number;
}

export interface DashboardWave {
  readonly id: string;
  readonly title: string;
  readonly status: 'open' | 'closed';
  readonly startsAt: Date;
  readonly endsAt: Date;
}

export interface WaveBranchFigures {
  readonly waveId: string;
  readonly branchId: string;
  readonly code: string;
  readonly name: string;
  readonly cadres: number;
  readonly cadresTookPart: number;
  readonly members: number;
  readonly membersTookPart: number;
}

export interface BranchTrendCount {
  readonly branchId: string;
  readonly code: string;
  readonly name: string;
  readonly trends: number;
}

export interface BranchReportDays {
  readonly branchId: string;
  readonly code: string;
  readonly name: string;
  /** The cluster the branch is in, if any. */
  readonly clusterName: string | null;
  /** 'YYYY-MM-DD' days with at least one good-news report. */
  readonly days: readonly string[];
}

export interface ChannelReach {
  readonly channel: PlatformChannelId;
  /** Members with a reachable identity on the channel. */
  readonly members: number;
  /** Free to message now (Messenger: inside 24 h; Zalo: inside 48 h). */
  readonly openNow: number;
  /** Zalo only: 48 h – 7 days, reachable by billed consultation messages. */
  readonly paidOnly: number;
}

function inScope(column: string, branchIds: BranchScope): RawBuilder<boolean> {
  return branchIds === null ? sql<boolean>`true` : sql<boolean>`${sql.ref(column)} = any(${[...branchIds]}::uuid[])`;
}

/** The district's plan for `year`, or failing that its latest earlier plan. */
export async function findDistrictPlan(db: Db, year: number): Promise<DashboardPlan | undefined> {
  const row = await db
    .selectFrom('plans as p')
    .innerJoin('units as u', 'u.id', 'p.owner_unit_id')
    .select(['p.id', 'p.year', 'p.title', 'p.reference', 'p.owner_unit_id', 'p.cadre_target_pct', 'p.member_target_pct', 'p.trends_per_branch_per_year'])
    .where('u.level', '=', 'district')
    .where('p.year', '<=', year)
    .orderBy('p.year', 'desc')
    .limit(1)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      year: row.year,
      title: row.title,
      reference: row.reference,
      districtId: row.owner_unit_id,
      cadreTargetPct: row.cadre_target_pct,
      memberTargetPct: row.member_target_pct,
      trendsPerBranchPerYear: row.trends_per_branch_per_year,
    }
  );
}

/** The plan's district waves that have started (open or closed), in order (waves_owner_plan_idx). */
export async function listDistrictWaves(db: Db, plan: Pick<DashboardPlan, 'id' | 'districtId'>): Promise<DashboardWave[]> {
  const rows = await db
    .selectFrom('waves')
    .select(['id', 'title', 'status', 'starts_at', 'ends_at'])
    .where('plan_id', '=', plan.id)
    .where('owner_unit_id', '=', plan.districtId)
    .where('status', 'in', ['open', 'closed'])
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, status: r.status as 'open' | 'closed', startsAt: r.starts_at, endsAt: r.ends_at }));
}

/**
 * For every (wave, branch in scope): the branch's verified cadres and members and how many took
 * part. One statement over the tallies that triggers keep (migration 0630): the roster from
 * branch_member_tallies, who took part from wave_branch_tallies — counting the members and the
 * year's participations themselves read 1.8 million rows at city size.
 */
export async function participationByWaveAndBranch(db: Db, waveIds: readonly string[], branchIds: BranchScope): Promise<WaveBranchFigures[]> {
  if (waveIds.length === 0) return [];
  // One row per branch with its waves' figures as arrays: a city's 2,000 branches × 20 waves as
  // 40,000 rows were sorted on disk and took as long to send and parse as to compute.
  const { rows } = await sql<{ id: string; code: string; name: string; cadres: number; members: number; waves: string[] | null; cadres_took_part: number[] | null; members_took_part: number[] | null }>`
    with b as (
      select id, code, name from units where level = 'branch' and ${inScope('id', branchIds)}
    ),
    roster as (
      select r.branch_id,
        coalesce(sum(r.members) filter (where r.role = 'cadre'), 0)::int as cadres,
        coalesce(sum(r.members) filter (where r.role = 'member'), 0)::int as members
      from branch_member_tallies r join b on b.id = r.branch_id
      group by r.branch_id
    ),
    took as (
      select t.wave_id, t.branch_id,
        coalesce(sum(t.took_part) filter (where t.role = 'cadre'), 0)::int as cadres,
        coalesce(sum(t.took_part) filter (where t.role = 'member'), 0)::int as members
      from wave_branch_tallies t join b on b.id = t.branch_id
      where t.wave_id = any(${[...waveIds]}::uuid[])
      group by t.wave_id, t.branch_id
    ),
    took_by_branch as (
      select branch_id, array_agg(wave_id::text) as waves, array_agg(cadres) as cadres, array_agg(members) as members
      from took group by branch_id
    )
    select b.id, b.code, b.name, coalesce(r.cadres, 0) as cadres, coalesce(r.members, 0) as members,
      t.waves, t.cadres as cadres_took_part, t.members as members_took_part
    from b
    left join roster r on r.branch_id = b.id
    left join took_by_branch t on t.branch_id = b.id
    order by b.code`.execute(db);
  // In (code, wave id) order, as before; lower-case uuids compare as PostgreSQL orders them.
  const waves = [...new Set(waveIds.map((id) => id.toLowerCase()))].sort();
  return rows.flatMap((r) => {
    const took = new Map((r.waves ?? []).map((w, i) => [w, [r.cadres_took_part![i]!, r.members_took_part![i]!] as const]));
    return waves.map((waveId) => ({
      waveId,
      branchId: r.id,
      code: r.code,
      name: r.name,
      cadres: r.cadres,
      cadresTookPart: took.get(waveId)?.[0] ?? 0,
      members: r.members,
      membersTookPart: took.get(waveId)?.[1] ?? 0,
    }));
  });
}

/** Each branch in scope with how many trends (waves of its own, opened by staff) start in [from, to). */
export async function countTrendsByBranch(db: Db, from: Date, to: Date, branchIds: BranchScope): Promise<BranchTrendCount[]> {
  const rows = await db
    .selectFrom('units as b')
    .leftJoin('waves as w', (j) =>
      j.onRef('w.owner_unit_id', '=', 'b.id').on('w.status', 'in', ['open', 'closed']).on('w.starts_at', '>=', from).on('w.starts_at', '<', to),
    )
    .select(['b.id', 'b.code', 'b.name', (eb) => eb.fn.count<number>('w.id').as('trends')])
    .where('b.level', '=', 'branch')
    .where(inScope('b.id', branchIds))
    .groupBy(['b.id', 'b.code', 'b.name'])
    .orderBy('b.code')
    .execute();
  return rows.map((r) => ({ branchId: r.id, code: r.code, name: r.name, trends: Number(r.trends) }));
}

/**
 * Each branch in scope with the days in [first, last] it reported good news (branch_reports_day_idx):
 * the month's reports are grouped by branch first, then joined to the branches (grouping the join
 * sorted every branch's rows by name: 85 ms for a city's 2,000 branches).
 */
export async function goodNewsReportDays(db: Db | Tx, first: string, last: string, branchIds: BranchScope): Promise<BranchReportDays[]> {
  const { rows } = await sql<{ id: string; code: string; name: string; cluster_name: string | null; days: string[] | null }>`
    select b.id, b.code, b.name, c.name as cluster_name, r.days
    from units b
    left join units c on c.id = b.parent_id and c.level = 'cluster'
    left join (
      select branch_id, array_agg(distinct report_date::text) as days
      from branch_reports
      where report_date between ${first}::date and ${last}::date and ${inScope('branch_id', branchIds)}
      group by branch_id
    ) r on r.branch_id = b.id
    where b.level = 'branch' and ${inScope('b.id', branchIds)}
    order by b.code`.execute(db);
  return rows.map((r) => ({ branchId: r.id, code: r.code, name: r.name, clusterName: r.cluster_name, days: r.days ?? [] }));
}

/**
 * How many members each channel can reach now, by the delivery policy's windows: the member's
 * last message inside `openMs` (and the platform has not closed the window since); on Zalo also
 * inside `paidMs` at a cost. Unreachable identities, unfollowers on Zalo and members who have not
 * agreed to the registration notice are not counted.
 */
export async function reachByChannel(db: Db, now: Date, windows: Readonly<Record<PlatformChannelId, { openMs: number; paidMs: number }>>, branchIds: BranchScope): Promise<ChannelReach[]> {
  const since = (ms: number) => new Date(now.getTime() - ms);
  const { rows } = await sql<{ channel: PlatformChannelId; members: number; open_now: number; paid_only: number }>`
    with reachable as (
      select ci.channel, ci.member_id,
        max(ci.last_inbound_at) filter (where ci.window_closed_at is null or ci.window_closed_at < ci.last_inbound_at) as open_since
      from channel_identities ci
      join members m on m.id = ci.member_id
      where ci.channel in ('zalo', 'messenger') and ci.reachability = 'reachable'
        and not (ci.channel = 'zalo' and ci.follow_state = 'unfollowed')
        and m.status = 'verified' and ${inScope('m.branch_id', branchIds)}
        -- as broadcasts do (broadcast-audience.ts): only members whose latest registration answer is yes
        and coalesce((select c.granted from consents c where c.member_id = m.id and c.purpose = 'registration' order by c.recorded_at desc, c.id desc limit 1), false)
      group by ci.channel, ci.member_id
    )
    select channel, count(*)::int as members,
      count(*) filter (where (channel = 'messenger' and open_since > ${since(windows.messenger.openMs)}) or (channel = 'zalo' and open_since > ${since(windows.zalo.openMs)}))::int as open_now,
      count(*) filter (where channel = 'zalo' and open_since <= ${since(windows.zalo.openMs)} and open_since > ${since(windows.zalo.paidMs)})::int as paid_only
    from reachable group by channel`.execute(db);
  return (['zalo', 'messenger'] as const).map((channel) => {
    const r = rows.find((x) => x.channel === channel);
    return { channel, members: r?.members ?? 0, openNow: r?.open_now ?? 0, paidOnly: r?.paid_only ?? 0 };
  });
}
