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
  /** Work to start once the turn commits (enqueue a job for a row the turn wrote). */
  readonly tasksAfterCommit: (() => Promise<void>)[];
}

/** What a turn asked for after its commit: the caller runs it (see enqueueAfterTurn, afterTurnCommit). */
export interface AfterCommit {
  readonly deliveriesAfterCommit: number[];
  readonly tasksAfterCommit: (() => Promise<void>)[];
}

const scope = new AsyncLocalStorage<TurnScope>();

/** Runs `work` as a turn in `tx`; returns its result and the deliveries it queued for after the commit. */
export async function runInTurnTransaction<T>(tx: Tx, work: () => Promise<T>): Promise<{ result: T } & AfterCommit> {
  const turn: TurnScope = { tx, deliveriesAfterCommit: [], tasksAfterCommit: [] };
  const result = await scope.run(turn, work);
  return { result, deliveriesAfterCommit: turn.deliveriesAfterCommit, tasksAfterCommit: turn.tasksAfterCommit };
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

/**
 * Runs `task` once the current turn commits (never if it rolls back), e.g. adding a job for a row
 * the turn wrote. Best effort, like the outbox: a task must be safe to lose (a sweeper finds what
 * it should have started) and must not throw into the caller (errors are logged by the pipeline).
 * Outside a turn it runs at once.
 */
export function afterTurnCommit(task: () => Promise<void>): void {
  const turn = scope.getStore();
  if (turn) turn.tasksAfterCommit.push(task);
  else void task();
}
