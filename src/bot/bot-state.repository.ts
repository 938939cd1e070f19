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

/** Dialog state a batch of turns read ahead: every key, null when it has no row. */
export async function prefetchStates(db: Db | Tx, keys: readonly string[]): Promise<Map<string, { json: string; etag: string } | null>> {
  const found = new Map<string, { json: string; etag: string } | null>();
  if (keys.length === 0) return found;
  const { rows } = await sql<{ key: string; json: string; etag: string }>`select key, data::text as json, etag from bot_state where key = any(${[...keys]}::text[])`.execute(db);
  for (const key of keys) found.set(key, null);
  for (const r of rows) found.set(r.key, { json: r.json, etag: r.etag });
  return found;
}

/** A batch's write of one key: `expected` is the etag it read (null: it read no row). */
export interface BatchStateWrite {
  readonly key: string;
  readonly json: string;
  readonly etag: string;
  readonly expected: string | null;
}

/**
 * Writes a batch's dialog state in two statements: rows it read are updated only if their etag
 * is still the one read, absent ones created only if still absent. Returns the keys that were
 * not written (another writer got there first): the batch must not commit then.
 */
export async function writeBatchStates(db: Db | Tx, writes: readonly BatchStateWrite[]): Promise<string[]> {
  const updates = writes.filter((w) => w.expected !== null);
  const inserts = writes.filter((w) => w.expected === null);
  const written = new Set<string>();
  if (updates.length > 0) {
    const { rows } = await sql<{ key: string }>`
      update bot_state b set data = v.data::jsonb, etag = v.etag, updated_at = now()
      from unnest(${updates.map((w) => w.key)}::text[], ${updates.map((w) => w.json)}::text[], ${updates.map((w) => w.etag)}::text[], ${updates.map((w) => w.expected)}::text[]) as v(key, data, etag, expected)
      where b.key = v.key and b.etag = v.expected
      returning b.key`.execute(db);
    for (const r of rows) written.add(r.key);
  }
  if (inserts.length > 0) {
    const { rows } = await sql<{ key: string }>`
      insert into bot_state (key, data, etag)
      select key, data::jsonb, etag from unnest(${inserts.map((w) => w.key)}::text[], ${inserts.map((w) => w.json)}::text[], ${inserts.map((w) => w.etag)}::text[]) as v(key, data, etag)
      on conflict (key) do nothing
      returning key`.execute(db);
    for (const r of rows) written.add(r.key);
  }
  return writes.filter((w) => !written.has(w.key)).map((w) => w.key);
}
