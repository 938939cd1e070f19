import { sql } from 'kysely';
import type { Db, Tx } from '../db/database';

export interface StoredState {
  readonly key: string;
  readonly data: Record<string, unknown>;
  readonly etag: string;
}

export async function readStates(db: Db | Tx, keys: readonly string[]): Promise<StoredState[]> {
  if (keys.length === 0) return [];
  return db.selectFrom('bot_state').select(['key', 'data', 'etag']).where('key', 'in', [...keys]).execute();
}

/** Writes unconditionally; returns the new etag. */
export async function writeState(db: Db | Tx, key: string, data: Record<string, unknown>): Promise<string> {
  const json = JSON.stringify(data);
  const row = await db
    .insertInto('bot_state')
    .values({ key, data: json, etag: sql<string>`gen_random_uuid()::text` })
    .onConflict((oc) => oc.column('key').doUpdateSet({ data: json, etag: sql<string>`gen_random_uuid()::text`, updated_at: sql<Date>`now()` }))
    .returning('etag')
    .executeTakeFirstOrThrow();
  return row.etag;
}

/** Writes only if the stored etag is still `expected`; undefined means someone else wrote first. */
export async function writeStateIfUnchanged(db: Db | Tx, key: string, data: Record<string, unknown>, expected: string): Promise<string | undefined> {
  const json = JSON.stringify(data);
  const row = await db
    .updateTable('bot_state')
    .set({ data: json, etag: sql<string>`gen_random_uuid()::text`, updated_at: sql<Date>`now()` })
    .where('key', '=', key)
    .where('etag', '=', expected)
    .returning('etag')
    .executeTakeFirst();
  return row?.etag;
}

/** Writes only if no row exists yet; undefined means someone else created it first. */
export async function insertStateIfAbsent(db: Db | Tx, key: string, data: Record<string, unknown>): Promise<string | undefined> {
  const row = await db
    .insertInto('bot_state')
    .values({ key, data: JSON.stringify(data), etag: sql<string>`gen_random_uuid()::text` })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('etag')
    .executeTakeFirst();
  return row?.etag;
}

export async function deleteStates(db: Db | Tx, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.deleteFrom('bot_state').where('key', 'in', [...keys]).execute();
}

/** Every key of one user or conversation (`zalo/users/123/`), for erasure. */
export async function deleteStatesWithPrefix(db: Db | Tx, prefix: string): Promise<number> {
  const result = await db.deleteFrom('bot_state').where('key', 'like', `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
