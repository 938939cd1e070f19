import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { Database } from './types';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

const INT8_OID = 20;
const DATE_OID = 1082;

// Counts and identity ids are int8; they stay far below 2^53, so numbers are safe and simpler.
// `date` columns stay 'YYYY-MM-DD' strings: a JS Date would shift them by the server's time zone.
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    if (oid === DATE_OID) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface DbOptions {
  readonly maxConnections?: number;
  readonly applicationName?: string;
}

export function createPool(databaseUrl: string, options: DbOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'vung-xanh',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    types: typeParsers,
  });
  // A client losing its server (PostgreSQL restarted, the connection cut) emits 'error'; with no
  // listener that is an uncaught exception and the process exits. The pool listens to its idle
  // clients only: a client checked out (a query running, or a transaction between two queries)
  // has no listener of its own, so every client gets one for its whole life. Nothing is hidden:
  // the client's queries fail with the same error, and the pool discards a client that lost its
  // connection when it is released.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** The Kysely instance on a pool of createPool's. */
export function dbOnPool(pool: pg.Pool): Db {
  // The cursor lets `.stream()` read a large result in batches (exports) instead of all at once.
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
}

export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  return dbOnPool(createPool(databaseUrl, options));
}

/** Runs `work` in a transaction, or inside the caller's one when `db` already is a transaction. */
export async function withTransaction<T>(db: Db | Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Tx);
  return db.transaction().execute(work);
}
