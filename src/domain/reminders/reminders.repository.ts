import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { UnitLevel, WaveAction, WaveStatus } from '../../db/types';

/** The SQL the schedules read: waves with their owner, branch figures, cadres, reports. */

export interface ScheduledWave {
  readonly id: string;
  readonly planId: string | null;
  readonly title: string;
  readonly description: string;
  readonly actionKind: WaveAction;
  readonly hashtags: readonly string[];
  readonly assetUrl: string | null;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly status: WaveStatus;
  readonly ownerUnitId: string;
  readonly ownerLevel: UnitLevel;
}

interface WaveRow {
  id: string;
  plan_id: string | null;
  title: string;
  description: string;
  action_kind: WaveAction;
  hashtags: string[];
  asset_url: string | null;
  starts_at: Date;
  ends_at: Date;
  status: WaveStatus;
  owner_unit_id: string;
  owner_level: UnitLevel;
}

const WAVE_SELECT = sql`select w.id, w.plan_id, w.title, w.description, w.action_kind, w.hashtags, w.asset_url, w.starts_at, w.ends_at, w.status,
          w.owner_unit_id, u.level as owner_level
   from waves w join units u on u.id = w.owner_unit_id`;

function waveOf(r: WaveRow): ScheduledWave {
  return {
    id: r.id,
    planId: r.plan_id,
    title: r.title,
    description: r.description,
    actionKind: r.action_kind,
    hashtags: r.hashtags,
    assetUrl: r.asset_url,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    status: r.status,
    ownerUnitId: r.owner_unit_id,
    ownerLevel: r.owner_level,
  };
}

/** Published (or closed) waves that have started and ended no longer ago than `endedWithinMs`. */
export async function listLifecycleWaves(db: Db | Tx, now: Date, endedWithinMs: number): Promise<ScheduledWave[]> {
  const { rows } = await sql<WaveRow>`
    ${WAVE_SELECT}
    where w.status in ('open', 'closed') and w.starts_at <= ${now} and w.ends_at > ${new Date(now.getTime() - endedWithinMs)}
    order by w.starts_at, w.id`.execute(db);
  return rows.map(waveOf);
}

/** Open district waves (owned by a district-level unit) running at `now`. */
export async function listOpenDistrictWaves(db: Db | Tx, now: Date): Promise<ScheduledWave[]> {
  const { rows } = await sql<WaveRow>`
    ${WAVE_SELECT}
    where w.status = 'open' and u.level = 'district' and w.starts_at <= ${now} and w.ends_at > ${now}
    order by w.starts_at, w.id`.execute(db);
  return rows.map(waveOf);
}

/** Open waves of a plan (they have targets) running at `now`, soonest ending first. */
export async function listOpenPlannedWaves(db: Db | Tx, now: Date): Promise<ScheduledWave[]> {
  const { rows } = await sql<WaveRow>`
    ${WAVE_SELECT}
    where w.status = 'open' and w.plan_id is not null and w.starts_at <= ${now} and w.ends_at > ${now}
    order by w.ends_at, w.id`.execute(db);
  return rows.map(waveOf);
}

export interface BranchRecord {
  readonly id: string;
  readonly name: string;
  /** Its cluster, or the district when it has none; null at the root. */
  readonly parentId: string | null;
}

/** Every branch-level unit. */
export async function listBranches(db: Db | Tx): Promise<BranchRecord[]> {
  const rows = await db.selectFrom('units').select(['id', 'name', 'parent_id']).where('level', '=', 'branch').orderBy('name').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, parentId: r.parent_id }));
}

/** The unit tree as child -> parent, to find which branches a unit covers. */
export async function unitParents(db: Db | Tx): Promise<Map<string, string | null>> {
  const rows = await db.selectFrom('units').select(['id', 'parent_id']).execute();
  return new Map(rows.map((r) => [r.id, r.parent_id]));
}

export interface PersonRecord {
  readonly id: string;
  readonly fullName: string;
  readonly branchId: string;
}

/** Verified cadres of the branches (all branches when `branchIds` is undefined). */
export async function listCadres(db: Db | Tx, branchIds?: readonly string[]): Promise<PersonRecord[]> {
  if (branchIds !== undefined && branchIds.length === 0) return [];
  let query = db
    .selectFrom('members')
    .select(['id', 'full_name', 'branch_id'])
    .where('role', '=', 'cadre')
    .where('status', '=', 'verified')
    .where('branch_id', 'is not', null);
  if (branchIds !== undefined) query = query.where('branch_id', 'in', [...branchIds]);
  const rows = await query.orderBy('full_name').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, fullName: r.full_name ?? '(chưa có tên)', branchId: r.branch_id! }));
}

/** The flagged secretaries of the branches (verified members with is_branch_secretary). */
export async function listSecretaries(db: Db | Tx, branchIds: readonly string[]): Promise<PersonRecord[]> {
  if (branchIds.length === 0) return [];
  const rows = await db
    .selectFrom('members')
    .select(['id', 'full_name', 'branch_id'])
    .where('is_branch_secretary', '=', true)
    .where('status', '=', 'verified')
    .where('branch_id', 'in', [...branchIds])
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, fullName: r.full_name ?? '', branchId: r.branch_id! }));
}

export interface BranchWaveFigures {
  readonly branchId: string;
  readonly cadres: number;
  readonly cadresTookPart: number;
  readonly members: number;
  readonly membersTookPart: number;
}

/**
 * Per branch, its verified cadres and members and how many of them took part in the wave (sent a
 * proof that is not rejected: the same rule as the member's "Kết quả của tôi"). Each person counts
 * once, whatever channels they use.
 */
export async function figuresByBranch(db: Db | Tx, waveId: string, branchIds: readonly string[]): Promise<Map<string, BranchWaveFigures>> {
  if (branchIds.length === 0) return new Map();
  const { rows } = await sql<{ branch_id: string; cadres: number; cadres_took_part: number; members: number; members_took_part: number }>`
    select m.branch_id,
      count(*) filter (where m.role = 'cadre')::int as cadres,
      count(*) filter (where m.role = 'cadre' and p.id is not null)::int as cadres_took_part,
      count(*) filter (where m.role = 'member')::int as members,
      count(*) filter (where m.role = 'member' and p.id is not null)::int as members_took_part
    from members m
    left join participations p on p.wave_id = ${waveId} and p.member_id = m.id and p.state in ('proofSubmitted', 'approved')
    where m.branch_id = any(${[...branchIds]}::uuid[]) and m.status = 'verified' and m.role in ('cadre', 'member')
    group by m.branch_id`.execute(db);
  return new Map(
    rows.map((r) => [r.branch_id, { branchId: r.branch_id, cadres: r.cadres, cadresTookPart: r.cadres_took_part, members: r.members, membersTookPart: r.members_took_part }]),
  );
}

/** Names of the branch's verified cadres and members who have not taken part in the wave, cadres first. */
export async function missingNames(db: Db | Tx, waveId: string, branchId: string): Promise<string[]> {
  const { rows } = await sql<{ full_name: string | null }>`
    select m.full_name from members m
    where m.branch_id = ${branchId} and m.status = 'verified' and m.role in ('cadre', 'member')
      and not exists (select 1 from participations p where p.wave_id = ${waveId} and p.member_id = m.id and p.state in ('proofSubmitted', 'approved'))
    order by (m.role = 'cadre') desc, m.full_name, m.id`.execute(db);
  return rows.map((r) => r.full_name ?? '(chưa có tên)');
}

export interface PlanTargets {
  readonly cadreTargetPct: number;
  readonly memberTargetPct: number;
}

export async function planTargets(db: Db | Tx, planIds: readonly string[]): Promise<Map<string, PlanTargets>> {
  if (planIds.length === 0) return new Map();
  const rows = await db.selectFrom('plans').select(['id', 'cadre_target_pct', 'member_target_pct']).where('id', 'in', [...new Set(planIds)]).execute();
  return new Map(rows.map((r) => [r.id, { cadreTargetPct: r.cadre_target_pct, memberTargetPct: r.member_target_pct }]));
}

/** Members with a participation (any state) in the wave, of those given: who has joined. */
export async function joinedMembers(db: Db | Tx, waveId: string, memberIds: readonly string[]): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set();
  const rows = await db.selectFrom('participations').select('member_id').where('wave_id', '=', waveId).where('member_id', 'in', [...memberIds]).execute();
  return new Set(rows.map((r) => r.member_id));
}

/** Verified members of the theory club (CLB Lý luận trẻ). */
export async function listTheoryClub(db: Db | Tx): Promise<string[]> {
  const rows = await db.selectFrom('members').select('id').where('is_theory_club', '=', true).where('status', '=', 'verified').orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Of the branches, those with a good-news post reported for `day` (YYYY-MM-DD). */
export async function branchesReportedOn(db: Db | Tx, day: string): Promise<Set<string>> {
  const rows = await db.selectFrom('branch_reports').select('branch_id').distinct().where('report_date', '=', day).execute();
  return new Set(rows.map((r) => r.branch_id));
}
