import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder-core';
import type { Db } from '../db/database';
import { deleteStates, insertStateIfAbsent, readStates, writeState, writeStateIfUnchanged } from './bot-state.repository';
import { turnDb, turnStateBuffer, type TurnStateBuffer } from './turn-scope';

/** A write lost to a concurrent one: the turn is retried on fresh state, never silently overwritten. */
export class StateConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'StateConflictError';
  }
}

/** What the batch knows of `key` as the current turn sees it; undefined when the batch did not read it ahead. */
function known(buffer: TurnStateBuffer | undefined, key: string): { json: string | null; etag: string } | null | undefined {
  if (!buffer) return undefined;
  const written = buffer.writes.get(key);
  if (written) return written.json === null ? null : written;
  return buffer.cache.get(key);
}

/**
 * botbuilder Storage on the `bot_state` table with MemoryStorage's etag rules: no etag or '*'
 * writes unconditionally; a known etag writes only if it is still current; an item read as
 * absent (no etag) is created only if still absent. Reads and writes go through the current
 * turn's transaction when there is one. In a batch of turns (turn-scope.ts), the keys the batch
 * read ahead are served from it and written back to it, with the same etag rules; the batch
 * writes them to the table at its end, checking each row is still what it read.
 */
export class PostgresStorage implements Storage {
  constructor(private readonly db: Db) {}

  async read(keys: string[]): Promise<StoreItems> {
    const buffer = turnStateBuffer();
    const items: StoreItems = {};
    const missing: string[] = [];
    for (const key of keys) {
      const item = known(buffer, key);
      if (item === undefined) missing.push(key);
      else if (item !== null && item.json !== null) items[key] = { ...(JSON.parse(item.json) as Record<string, unknown>), eTag: item.etag };
    }
    if (missing.length > 0) {
      const rows = await readStates(turnDb(this.db), missing);
      for (const row of rows) items[row.key] = { ...row.data, eTag: row.etag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const buffer = turnStateBuffer();
    const db = turnDb(this.db);
    for (const [key, item] of Object.entries(changes) as [string, Record<string, unknown> & { eTag?: string }][]) {
      const { eTag, ...data } = item;
      const current = known(buffer, key);
      if (buffer && current !== undefined) {
        const ok = eTag === '*' || (eTag === undefined || eTag === '' ? current === null : current !== null && current.etag === eTag);
        if (!ok) throw new StateConflictError(key);
        const etag = randomUUID();
        buffer.writes.set(key, { json: JSON.stringify(data), etag });
        item.eTag = etag;
        continue;
      }
      let etag: string | undefined;
      if (eTag === '*') etag = await writeState(db, key, data);
      else if (eTag === undefined || eTag === '') etag = await insertStateIfAbsent(db, key, data);
      else etag = await writeStateIfUnchanged(db, key, data, eTag);
      if (etag === undefined) throw new StateConflictError(key);
      item.eTag = etag;
    }
  }

  async delete(keys: string[]): Promise<void> {
    const buffer = turnStateBuffer();
    if (buffer) for (const key of keys) if (known(buffer, key) !== undefined) buffer.writes.set(key, { json: null, etag: '' });
    await deleteStates(turnDb(this.db), keys);
  }
}
