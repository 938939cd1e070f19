import { sql } from 'kysely';
import type { Db } from '../db/database';

/** Statuses of inbound events whose work is over; anything else may still be retried or inspected. */
export const FINISHED_INBOUND_STATUSES = ['processed', 'ignored'] as const;

/**
 * Deletes up to `limit` finished inbound events received before `before`, oldest first, and
 * returns how many went. Small batches keep each transaction and its row locks short, so the
 * webhook path writing into the same table never waits long.
 */
export async function deleteFinishedInboundEvents(db: Db, before: Date, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('inbound_events')
    .where('id', 'in', (qb) =>
      qb
        .selectFrom('inbound_events')
        .select('id')
        .where('status', 'in', [...FINISHED_INBOUND_STATUSES])
        .where('received_at', '<', before)
        .orderBy('id')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Folds the delta rows of up to `keysPerTally` keys of each tally into one row per key
 * (migration 1100's tally_compact, one transaction) and returns how many rows it folded. Rows
 * another compaction holds are skipped; writers only insert, so neither waits for the other.
 */
export async function compactTallies(db: Db, keysPerTally: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`select tally_compact(${keysPerTally}::int) as n`.execute(db);
  return rows[0]?.n ?? 0;
}
