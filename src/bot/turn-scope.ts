import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db, Tx } from '../db/database';

/**
 * The transaction a turn runs in. Everything a turn changes (dialog state, domain rows, the
 * replies it queues, the event marked processed) commits together or not at all, so a worker
 * killed mid-turn leaves nothing half-done and the retried turn applies nothing twice. Storage
 * has no turn context in its signature, hence an async-local scope rather than a parameter.
 */
interface TurnScope {
  readonly tx: Tx;
  /** Deliveries (to anyone: the member told of a review, a cadre nudged) to hand to the outbox once the turn commits. */
  readonly deliveriesAfterCommit: number[];
}

const scope = new AsyncLocalStorage<TurnScope>();

/** Runs `work` as a turn in `tx`; returns its result and the deliveries it queued for after the commit. */
export async function runInTurnTransaction<T>(tx: Tx, work: () => Promise<T>): Promise<{ result: T; deliveriesAfterCommit: number[] }> {
  const turn: TurnScope = { tx, deliveriesAfterCommit: [] };
  const result = await scope.run(turn, work);
  return { result, deliveriesAfterCommit: turn.deliveriesAfterCommit };
}

/** The current turn's transaction, or `fallback` outside a turn. */
export function turnDb(fallback: Db): Db | Tx {
  return scope.getStore()?.tx ?? fallback;
}

/**
 * Hands deliveries inserted in the current turn's transaction to the outbox after it commits
 * (never before: a worker could look for a row not yet visible). Outside a turn, or if the
 * process dies first, the outbox relay finds the rows still queued and sends them a little later.
 */
export function enqueueAfterTurn(deliveryIds: readonly number[]): void {
  scope.getStore()?.deliveriesAfterCommit.push(...deliveryIds);
}
