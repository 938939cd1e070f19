import type { Storage, StoreItems } from 'botbuilder-core';
import type { Db } from '../db/database';
import { deleteStates, insertStateIfAbsent, readStates, writeState, writeStateIfUnchanged } from './bot-state.repository';
import { turnDb } from './turn-scope';

/** A write lost to a concurrent one: the turn is retried on fresh state, never silently overwritten. */
export class StateConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'StateConflictError';
  }
}

/**
 * botbuilder Storage on the `bot_state` table with MemoryStorage's etag rules: no etag or '*'
 * writes unconditionally; a known etag writes only if it is still current; an item read as
 * absent (no etag) is created only if still absent. Reads and writes go through the current
 * turn's transaction when there is one.
 */
export class PostgresStorage implements Storage {
  constructor(private readonly db: Db) {}

  async read(keys: string[]): Promise<StoreItems> {
    const rows = await readStates(turnDb(this.db), keys);
    const items: StoreItems = {};
    for (const row of rows) items[row.key] = { ...row.data, eTag: row.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const db = turnDb(this.db);
    for (const [key, item] of Object.entries(changes) as [string, Record<string, unknown> & { eTag?: string }][]) {
      const { eTag, ...data } = item;
      let etag: string | undefined;
      if (eTag === '*') etag = await writeState(db, key, data);
      else if (eTag === undefined || eTag === '') etag = await insertStateIfAbsent(db, key, data);
      else etag = await writeStateIfUnchanged(db, key, data, eTag);
      if (etag === undefined) throw new StateConflictError(key);
      item.eTag = etag;
    }
  }

  async delete(keys: string[]): Promise<void> {
    await deleteStates(turnDb(this.db), keys);
  }
}
