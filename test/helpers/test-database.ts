import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../src/db/database';
import { ensureDatabase } from '../../src/db/ensure-database';
import { migrateToLatest } from '../../src/db/migrate';

/** The server the tests use; each test file gets a database of its own on it. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
export const TEST_DATABASE_PREFIX = 'vx_test_';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  readonly db: Db;
  drop(): Promise<void>;
}

export function testDatabaseUrl(name: string): string {
  return `${TEST_SERVER_URL}/${name}`;
}

export function uniqueTestDatabaseName(): string {
  return `${TEST_DATABASE_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${TEST_SERVER_URL}/postgres` });
  await client.connect();
  try {
    await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}

/** A fresh database for one test file; `migrate: false` leaves it empty. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = uniqueTestDatabaseName();
  const url = testDatabaseUrl(name);
  await ensureDatabase(url);
  const db = createDb(url, { maxConnections: 5, applicationName: 'vung-xanh-test' });
  if (options.migrate !== false) await migrateToLatest(db);
  return {
    url,
    name,
    db,
    async drop() {
      await db.destroy();
      await dropDatabase(name);
    },
  };
}
