import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { StaffRole, UnitLevel } from '../../db/types';

export interface StaffUserRecord {
  readonly id: string;
  readonly username: string;
  readonly displayName: string | null;
  readonly role: StaffRole;
  readonly branchId: string | null;
  readonly disabled: boolean;
}

export interface NewStaffUser {
  readonly username: string;
  readonly displayName: string | null;
  readonly role: StaffRole;
  readonly branchId: string | null;
  readonly clusterIds: readonly string[];
  readonly passwordHash: string;
}

const STAFF_COLUMNS = ['id', 'username', 'display_name', 'role', 'branch_id', 'disabled'] as const;

function staffOf(r: { id: string; username: string; display_name: string | null; role: StaffRole; branch_id: string | null; disabled: boolean }): StaffUserRecord {
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role, branchId: r.branch_id, disabled: r.disabled };
}

/** Inserts the account and its clusters; undefined when the username is taken. */
export async function insertStaffUser(tx: Tx, user: NewStaffUser): Promise<string | undefined> {
  const row = await tx
    .insertInto('staff_users')
    .values({ username: user.username, display_name: user.displayName, role: user.role, branch_id: user.branchId, password_hash: user.passwordHash })
    .onConflict((oc) => oc.column('username').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return undefined;
  if (user.clusterIds.length > 0) {
    await tx
      .insertInto('staff_user_clusters')
      .values(user.clusterIds.map((clusterId) => ({ staff_user_id: row.id, cluster_id: clusterId })))
      .execute();
  }
  return row.id;
}

export async function findStaffUserByUsername(db: Db | Tx, username: string): Promise<StaffUserRecord | undefined> {
  const row = await db.selectFrom('staff_users').select([...STAFF_COLUMNS]).where('username', '=', username).executeTakeFirst();
  return row && staffOf(row);
}

export async function findStaffUserById(db: Db | Tx, id: string): Promise<StaffUserRecord | undefined> {
  const row = await db.selectFrom('staff_users').select([...STAFF_COLUMNS]).where('id', '=', id).executeTakeFirst();
  return row && staffOf(row);
}

export async function listStaffClusterIds(db: Db | Tx, staffUserId: string): Promise<string[]> {
  const rows = await db.selectFrom('staff_user_clusters').select('cluster_id').where('staff_user_id', '=', staffUserId).orderBy('cluster_id').execute();
  return rows.map((r) => r.cluster_id);
}

/** The branches at or under the given units (a cluster's branches; a branch itself). */
export async function listBranchesUnder(db: Db | Tx, unitIds: readonly string[]): Promise<string[]> {
  if (unitIds.length === 0) return [];
  const { rows } = await sql<{ id: string }>`
    with recursive below(id, level) as (
      select id, level from units where id = any(${[...unitIds]}::uuid[])
      union
      select u.id, u.level from units u join below b on u.parent_id = b.id
    )
    select id from below where level = 'branch' order by id`.execute(db);
  return rows.map((r) => r.id);
}

export interface UnitRef {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly level: UnitLevel;
}

/** Units by id or by code (what a person types on the command line), each reference once. */
export async function findUnitsByIdOrCode(db: Db | Tx, refs: readonly string[]): Promise<Map<string, UnitRef>> {
  if (refs.length === 0) return new Map();
  const uuidLike = refs.filter((r) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(r));
  const rows = await db
    .selectFrom('units')
    .select(['id', 'code', 'name', 'level'])
    .where((eb) => eb.or([eb('code', 'in', refs.map((r) => r.toLowerCase())), ...(uuidLike.length > 0 ? [eb('id', 'in', uuidLike.map((r) => r.toLowerCase()))] : [])]))
    .execute();
  const found = new Map<string, UnitRef>();
  for (const ref of refs) {
    const key = ref.toLowerCase();
    const unit = rows.find((r) => r.code === key) ?? rows.find((r) => r.id === key);
    if (unit) found.set(ref, unit);
  }
  return found;
}
