/**
 * The outbox port: how domain and bot code hands deliveries to the outbound workers.
 *
 * Use: insert the deliveries (deliveries.repository.ts, `insertDeliveries`) inside your
 * transaction; after it COMMITS, call `enqueue` with the returned ids. Never enqueue before the
 * commit: a job could run before its row is visible, find nothing and complete.
 *
 * Enqueueing is idempotent (one job per delivery at a time) and best effort: if the process dies
 * between the commit and `enqueue`, or `enqueue` fails, the outbox relay finds the row still
 * 'queued' after about 30 s and enqueues it then. A caller may therefore log an `enqueue` error
 * and carry on; nothing is lost. A delivery is sent at most once whatever happens here: the
 * worker claims the row before sending.
 */
export interface Outbox {
  enqueue(deliveryIds: readonly number[]): Promise<void>;
}
