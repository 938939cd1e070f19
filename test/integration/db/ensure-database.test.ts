import pg from 'pg';
import { ensureDatabase } from '../../../src/db/ensure-database';
import { dropDatabase, testDatabaseUrl, TEST_SERVER_URL, uniqueTestDatabaseName } from '../../helpers/test-database';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: `${TEST_SERVER_URL}/postgres` });
  await client.connect();
  try {
    return ((await client.query('select 1 from pg_database where datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

describe('ensureDatabase', () => {
  const name = uniqueTestDatabaseName();
  afterAll(async () => {
    await dropDatabase(name);
  });

  it('When the database is missing and three processes ask for it at once, then it is created once and none fails', async () => {
    expect(await databaseExists(name)).toBe(false);
    const created = await Promise.all([1, 2, 3].map(() => ensureDatabase(testDatabaseUrl(name))));
    expect(created.filter(Boolean)).toHaveLength(1);
    expect(await databaseExists(name)).toBe(true);
  });

  it('When the database exists, then nothing happens', async () => {
    expect(await ensureDatabase(testDatabaseUrl(name))).toBe(false);
  });
});
