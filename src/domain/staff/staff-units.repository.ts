import type { Db } from '../../db/database';
import type { StaffScope } from '../broadcasts/broadcast.types';

export interface UnitChoice {
  readonly id: string;
  readonly name: string;
}

/** The branches a staff member may pick (their scope), by name. */
export async function listBranchChoices(db: Db, scope: StaffScope): Promise<UnitChoice[]> {
  if (scope !== null && scope.branchIds.length === 0) return [];
  let query = db.selectFrom('units').select(['id', 'name']).where('level', '=', 'branch').orderBy('name');
  if (scope !== null) query = query.where('id', 'in', [...scope.branchIds]);
  return query.execute();
}

/** Clusters by id (null: every cluster), by name. */
export async function listClusterChoices(db: Db, clusterIds: readonly string[] | null): Promise<UnitChoice[]> {
  if (clusterIds !== null && clusterIds.length === 0) return [];
  let query = db.selectFrom('units').select(['id', 'name']).where('level', '=', 'cluster').orderBy('name');
  if (clusterIds !== null) query = query.where('id', 'in', [...clusterIds]);
  return query.execute();
}

/** The names of these units, by id. */
export async function unitNamesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('units').select(['id', 'name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The root unit (the district this deployment serves), by name. */
export async function findDistrictChoice(db: Db): Promise<UnitChoice | undefined> {
  return db.selectFrom('units').select(['id', 'name']).where('level', '=', 'district').where('parent_id', 'is', null).orderBy('created_at').limit(1).executeTakeFirst();
}
