import { sql } from 'kysely';
import type { Db } from '../../db/database';
import type { BranchKind, UnitLevel } from '../../db/types';

export interface UnitRecord {
  readonly id: string;
  readonly parentId: string | null;
  readonly level: UnitLevel;
  readonly kind: BranchKind | null;
  readonly code: string;
  readonly name: string;
}

export interface UnitFields {
  readonly parentId: string | null;
  readonly level: UnitLevel;
  readonly kind: BranchKind | null;
  readonly code: string;
  readonly name: string;
}

const COLUMNS = ['id', 'parent_id', 'level', 'kind', 'code', 'name'] as const;

function toRecord(row: { id: string; parent_id: string | null; level: UnitLevel; kind: BranchKind | null; code: string; name: string }): UnitRecord {
  return { id: row.id, parentId: row.parent_id, level: row.level, kind: row.kind, code: row.code, name: row.name };
}

/** Every unit; a deployment has a few hundred, so callers index them in memory. */
export async function listUnits(db: Db): Promise<UnitRecord[]> {
  const rows = await db.selectFrom('units').select(COLUMNS).orderBy('code').execute();
  return rows.map(toRecord);
}

export async function insertUnit(db: Db, fields: UnitFields): Promise<string> {
  const row = await db
    .insertInto('units')
    .values({ parent_id: fields.parentId, level: fields.level, kind: fields.kind, code: fields.code, name: fields.name })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateUnit(db: Db, id: string, fields: UnitFields): Promise<void> {
  await db
    .updateTable('units')
    .set({ parent_id: fields.parentId, level: fields.level, kind: fields.kind, code: fields.code, name: fields.name, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** Of `ids`, those that have units under them or members in them. */
export async function unitsWithDependants(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    select id from units u
    where u.id = any(${[...ids]}::uuid[])
      and (exists (select 1 from units c where c.parent_id = u.id) or exists (select 1 from members m where m.branch_id = u.id))`.execute(db);
  return new Set(rows.map((r) => r.id));
}
