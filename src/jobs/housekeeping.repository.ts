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
