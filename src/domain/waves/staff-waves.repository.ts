import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { UnitLevel, WaveAction, WaveStatus } from '../../db/types';

/** A wave as staff tools see it: with its owner and plan. */
export interface StaffWave {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly action: WaveAction;
  readonly hashtags: readonly string[];
  readonly assetUrl: string | null;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly status: WaveStatus;
  readonly ownerUnitId: string;
  readonly planId: string | null;
}

export interface NewStaffWave {
  readonly title: string;
  readonly description: string;
  readonly action: WaveAction;
  readonly hashtags: readonly string[];
  readonly assetUrl: string | null;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly status: 'draft' | 'open';
  readonly ownerUnitId: string;
  readonly planId: string | null;
  readonly createdByStaffId: string;
}

const COLUMNS = ['id', 'title', 'description', 'action_kind', 'hashtags', 'asset_url', 'starts_at', 'ends_at', 'status', 'owner_unit_id', 'plan_id'] as const;

function waveOf(r: {
  id: string; title: string; description: string; action_kind: WaveAction; hashtags: string[]; asset_url: string | null;
  starts_at: Date; ends_at: Date; status: WaveStatus; owner_unit_id: string; plan_id: string | null;
}): StaffWave {
  return {
    id: r.id, title: r.title, description: r.description, action: r.action_kind, hashtags: r.hashtags, assetUrl: r.asset_url,
    startsAt: r.starts_at, endsAt: r.ends_at, status: r.status, ownerUnitId: r.owner_unit_id, planId: r.plan_id,
  };
}

export async function insertStaffWave(db: Db | Tx, wave: NewStaffWave): Promise<StaffWave> {
  const row = await db
    .insertInto('waves')
    .values({
      plan_id: wave.planId,
      owner_unit_id: wave.ownerUnitId,
      title: wave.title,
      description: wave.description,
      action_kind: wave.action,
      hashtags: [...wave.hashtags],
      asset_url: wave.assetUrl,
      starts_at: wave.startsAt,
      ends_at: wave.endsAt,
      status: wave.status,
      created_by_staff_id: wave.createdByStaffId,
    })
    .returning([...COLUMNS])
    .executeTakeFirstOrThrow();
  return waveOf(row);
}

export interface WaveListFilter {
  /** Null: every wave. Otherwise waves owned by these units. */
  readonly ownerUnitIds: readonly string[] | null;
  readonly status?: WaveStatus;
  /** Only the waves of this owner unit (already within ownerUnitIds, or it finds nothing). */
  readonly ownerUnitId?: string;
  /** Only waves owned by units of this level ('branch': the branches' own trends). */
  readonly ownerLevel?: UnitLevel;
  readonly limit: number;
  readonly offset: number;
}

/** Newest start first. */
export async function listStaffWaves(db: Db | Tx, filter: WaveListFilter): Promise<{ total: number; waves: StaffWave[] }> {
  if (filter.ownerUnitIds !== null && filter.ownerUnitIds.length === 0) return { total: 0, waves: [] };
  let query = db.selectFrom('waves');
  if (filter.ownerUnitIds !== null) query = query.where('owner_unit_id', 'in', [...filter.ownerUnitIds]);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.ownerUnitId !== undefined) query = query.where('owner_unit_id', '=', filter.ownerUnitId);
  if (filter.ownerLevel !== undefined) {
    const level = filter.ownerLevel;
    query = query.where('owner_unit_id', 'in', (eb) => eb.selectFrom('units').select('units.id').where('units.level', '=', level));
  }
  const [{ n }, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    query.select([...COLUMNS]).orderBy('starts_at', 'desc').orderBy('id').limit(filter.limit).offset(filter.offset).execute(),
  ]);
  return { total: Number(n), waves: rows.map(waveOf) };
}

export async function findStaffWave(db: Db | Tx, id: string): Promise<StaffWave | undefined> {
  const row = await db.selectFrom('waves').select([...COLUMNS]).where('id', '=', id).executeTakeFirst();
  return row && waveOf(row);
}

export interface UnitInfo {
  readonly id: string;
  readonly level: UnitLevel;
  readonly parentId: string | null;
}

export async function findUnit(db: Db | Tx, id: string): Promise<UnitInfo | undefined> {
  const row = await db.selectFrom('units').select(['id', 'level', 'parent_id']).where('id', '=', id).executeTakeFirst();
  return row && { id: row.id, level: row.level, parentId: row.parent_id };
}

/** The root unit (the district this deployment serves). */
export async function findDistrictUnit(db: Db | Tx): Promise<UnitInfo | undefined> {
  const row = await db.selectFrom('units').select(['id', 'level', 'parent_id']).where('level', '=', 'district').where('parent_id', 'is', null).orderBy('created_at').limit(1).executeTakeFirst();
  return row && { id: row.id, level: row.level, parentId: row.parent_id };
}

/** The given branches and every unit above them (their clusters, the district). */
export async function listUnitsAtOrAbove(db: Db | Tx, branchIds: readonly string[]): Promise<string[]> {
  if (branchIds.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
    with recursive up(id, parent_id) as (
      select id, parent_id from units where id = any(${[...branchIds]}::uuid[])
      union
      select u.id, u.parent_id from units u join up on u.id = up.parent_id
    )
    select id from up`.execute(db);
  return rows.map((r) => r.id);
}

export interface WaveChanges {
  readonly title: string;
  readonly description: string;
  readonly action: WaveAction;
  readonly hashtags: readonly string[];
  readonly assetUrl: string | null;
  readonly startsAt: Date;
  readonly endsAt: Date;
}

/** Rewrites the wave's editable fields; undefined when it is gone. */
export async function updateStaffWave(db: Db | Tx, id: string, changes: WaveChanges): Promise<StaffWave | undefined> {
  const row = await db
    .updateTable('waves')
    .set({
      title: changes.title,
      description: changes.description,
      action_kind: changes.action,
      hashtags: [...changes.hashtags],
      asset_url: changes.assetUrl,
      starts_at: changes.startsAt,
      ends_at: changes.endsAt,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returning([...COLUMNS])
    .executeTakeFirst();
  return row && waveOf(row);
}

/**
 * Moves the wave from one of `from` to `to`, conditionally: of two staff members opening the same
 * draft at once exactly one moves it; the other gets undefined.
 */
export async function moveStaffWaveStatus(db: Db | Tx, id: string, from: readonly WaveStatus[], to: WaveStatus): Promise<StaffWave | undefined> {
  const row = await db
    .updateTable('waves')
    .set({ status: to, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .returning([...COLUMNS])
    .executeTakeFirst();
  return row && waveOf(row);
}
