import type { Insertable } from 'kysely';
import type { Db } from '../../db/database';
import type { ContentKind, NewUnit, NewWave, PlansTable, UnitLevel } from '../../db/types';

/** Inserts the unit unless its code (or its name under the same parent) is taken; the new id, or undefined. */
export async function insertUnitIfAbsent(db: Db, unit: NewUnit): Promise<string | undefined> {
  const row = await db.insertInto('units').values(unit).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
  return row?.id;
}

export async function findUnitByCode(db: Db, code: string): Promise<{ id: string; level: UnitLevel } | undefined> {
  return db.selectFrom('units').select(['id', 'level']).where('code', '=', code).executeTakeFirst();
}

/** Inserts the plan unless the owner already has one for that year; the new id, or undefined. */
export async function insertPlanIfAbsent(db: Db, plan: Insertable<PlansTable>): Promise<string | undefined> {
  const row = await db
    .insertInto('plans')
    .values(plan)
    .onConflict((oc) => oc.columns(['owner_unit_id', 'year']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function findPlanId(db: Db, ownerUnitId: string, year: number): Promise<string | undefined> {
  const row = await db.selectFrom('plans').select('id').where('owner_unit_id', '=', ownerUnitId).where('year', '=', year).executeTakeFirst();
  return row?.id;
}

/** Inserts the wave unless its plan already has one from the same template; the new id, or undefined. */
export async function insertWaveIfAbsent(db: Db, wave: NewWave): Promise<string | undefined> {
  const row = await db
    .insertInto('waves')
    .values(wave)
    .onConflict((oc) => oc.columns(['plan_id', 'template_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Inserts a seeded content item unless one with its seed_key exists (staff may have edited or approved it); true when inserted. */
export async function insertSeededContentIfAbsent(db: Db, item: { seedKey: string; kind: ContentKind; body: string; source: string }): Promise<boolean> {
  const row = await db
    .insertInto('content_items')
    .values({ seed_key: item.seedKey, kind: item.kind, body: item.body, source: item.source, approval: 'pending' })
    .onConflict((oc) => oc.column('seed_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
