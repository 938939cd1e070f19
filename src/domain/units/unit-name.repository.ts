import type { Db, Tx } from '../../db/database';

/** A unit's name as members read it, or undefined for an unknown id. */
export async function findUnitName(db: Db | Tx, unitId: string): Promise<string | undefined> {
  const row = await db.selectFrom('units').select('name').where('id', '=', unitId).executeTakeFirst();
  return row?.name;
}
