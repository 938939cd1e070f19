import type pg from 'pg';
import { createPool, dbOnPool, type Db } from '../../src/db/database';

/**
 * What becomes of one statement:
 * - answer: it runs and its answer comes back, as ever;
 * - loseAnswer: it runs (outside a transaction: it commits), then the caller gets the error pg
 *   gives when the connection drops ("Connection terminated unexpectedly"), which
 *   withDatabasePatience takes for an outage: the answer of a committed statement lost, as an
 *   instant network cut can do (RELIABILITY.md, Faults), but every time, not one run in two;
 * - fail: it does not run, and the caller gets an error that is not an outage.
 */
export type Fate = 'answer' | 'loseAnswer' | 'fail';

export interface LossyDb {
  readonly db: Db;
  /** Decides each statement's fate from its SQL; change it at any time. Answers everything at first. */
  fate: (sql: string) => Fate;
  /** The SQL of every statement whose answer was lost, in order. */
  readonly lost: string[];
}

/** A Db on `databaseUrl` (as createDb makes it) whose statements meet the fate `fate` gives them. */
export function createLossyDb(databaseUrl: string): LossyDb {
  const pool = createPool(databaseUrl, { maxConnections: 8, applicationName: 'vung-xanh-lossy-test' });
  const lossy: LossyDb = { db: undefined as unknown as Db, fate: () => 'answer', lost: [] };
  pool.on('connect', (client: pg.PoolClient) => {
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      // Kysely sends (sql, parameters); anything else (a cursor, pg's own calls) passes through.
      if (typeof args[0] !== 'string') return query(...args);
      const sql = args[0];
      const fate = lossy.fate(sql);
      if (fate === 'fail') return Promise.reject(new Error('injected failure (not an outage)'));
      if (fate === 'answer') return query(...args);
      return query(...args).then(() => {
        lossy.lost.push(sql);
        throw new Error('Connection terminated unexpectedly');
      });
    };
  });
  (lossy as { db: Db }).db = dbOnPool(pool);
  return lossy;
}

/** A fate that loses the answer of the first `times` statements that `matches`, and answers the rest. */
export function loseFirstAnswers(matches: (sql: string) => boolean, times = 1): (sql: string) => Fate {
  let left = times;
  return (sql) => {
    if (left > 0 && matches(sql)) {
      left -= 1;
      return 'loseAnswer';
    }
    return 'answer';
  };
}
