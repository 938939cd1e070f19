import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db, Tx } from '../db/database';

/**
 * The transaction a turn runs in. Everything a turn changes (dialog state, domain rows, the
 * replies it queues, the event marked processed) commits together or not at all, so a worker
 * killed mid-turn leaves nothing half-done and the retried turn applies nothing twice. Storage
 * has no turn context in its signature, hence an async-local scope rather than a parameter.
 *
 * Turns run in batches (turn-pipeline.ts): many conversations' turns, one after another, in one
 * transaction, each turn behind its own savepoint. A batch reads the dialog state of all its
 * turns ahead in one statement and writes it back in one; while a turn runs, PostgresStorage
 * serves that state from the batch (`TurnStateBuffer`) rather than from the database.
 */
interface TurnScope {
  readonly tx: Tx;
  /** Deliveries (to anyone: the member told of a review, a cadre nudged) to hand to the outbox once the turn commits. */
  readonly deliveriesAfterCommit: number[];
  /** Work to start once the turn commits (enqueue a job for a row the turn wrote). */
  readonly tasksAfterCommit: (() => Promise<void>)[];
  readonly state: TurnStateBuffer | undefined;
}

/** What a turn asked for after its commit: the caller runs it (see enqueueAfterTurn, afterTurnCommit). */
export interface AfterCommit {
  readonly deliveriesAfterCommit: number[];
  readonly tasksAfterCommit: (() => Promise<void>)[];
}

export type CachedState = { readonly json: string; readonly etag: string } | null;

/**
 * The dialog state a batch read ahead (`cache`: every key of it is known, null meaning absent)
 * and what the current turn wrote (`writes`: JSON and the new etag; null json: deleted). The
 * batch keeps a turn's writes only if the turn succeeds.
 */
export interface TurnStateBuffer {
  readonly cache: ReadonlyMap<string, CachedState>;
  readonly writes: Map<string, { readonly json: string | null; readonly etag: string }>;
}

const scope = new AsyncLocalStorage<TurnScope>();

export interface TurnOptions {
  /** The batch's dialog state (turn-pipeline.ts); without it, storage reads and writes the database. */
  readonly state?: TurnStateBuffer;
}

/** Runs `work` as a turn in `tx`; returns its result and the deliveries it queued for after the commit. */
export async function runInTurnTransaction<T>(tx: Tx, work: () => Promise<T>, options: TurnOptions = {}): Promise<{ result: T } & AfterCommit> {
  const turn: TurnScope = { tx, deliveriesAfterCommit: [], tasksAfterCommit: [], state: options.state };
  const result = await scope.run(turn, work);
  return { result, deliveriesAfterCommit: turn.deliveriesAfterCommit, tasksAfterCommit: turn.tasksAfterCommit };
}

/** The current turn's transaction, or `fallback` outside a turn. */
export function turnDb(fallback: Db): Db | Tx {
  return scope.getStore()?.tx ?? fallback;
}

/** The current turn's share of its batch's dialog state, if it runs in a batch. For PostgresStorage. */
export function turnStateBuffer(): TurnStateBuffer | undefined {
  return scope.getStore()?.state;
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
