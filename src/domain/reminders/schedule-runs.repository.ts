import type { Db, Tx } from '../../db/database';

/** The only SQL for `schedule_runs`: the ledger of scheduled steps that happened, one row per key. */

export interface ScheduleRun {
  readonly key: string;
  readonly ranAt: Date;
  readonly broadcastId: string | null;
}

/** The runs recorded under any of `keys`. */
export async function findRuns(db: Db | Tx, keys: readonly string[]): Promise<Map<string, ScheduleRun>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('schedule_runs').select(['key', 'ran_at', 'broadcast_id']).where('key', 'in', [...keys]).execute();
  return new Map(rows.map((r) => [r.key, { key: r.key, ranAt: r.ran_at, broadcastId: r.broadcast_id }]));
}

/**
 * Records that the step `key` ran; false when it was already recorded (by this run earlier or by
 * another worker). Inside a transaction, a concurrent second insert of the same key waits for the
 * first to commit, then finds it.
 */
export async function recordRun(db: Db | Tx, run: { key: string; ranAt: Date; broadcastId?: string | null; messages?: number }): Promise<boolean> {
  const row = await db
    .insertInto('schedule_runs')
    .values({ key: run.key, ran_at: run.ranAt, broadcast_id: run.broadcastId ?? null, messages: run.messages ?? 0 })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setRunMessages(db: Db | Tx, key: string, messages: number): Promise<void> {
  await db.updateTable('schedule_runs').set({ messages }).where('key', '=', key).execute();
}
