import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db, Tx } from '../db/database';

/**
 * The transaction a turn runs in. Everything a turn changes (dialog state, domain rows, the
 * replies it queues, the event marked processed) commits together or not at all, so a worker
 * killed mid-turn leaves nothing half-done and the retried turn applies nothing twice. Storage
 * has no turn context in its signature, hence an async-local scope rather than a parameter.
 */
const scope = new AsyncLocalStorage<Tx>();

export function runInTurnTransaction<T>(tx: Tx, work: () => Promise<T>): Promise<T> {
  return scope.run(tx, work);
}

/** The current turn's transaction, or `fallback` outside a turn. */
export function turnDb(fallback: Db): Db | Tx {
  return scope.getStore() ?? fallback;
}
