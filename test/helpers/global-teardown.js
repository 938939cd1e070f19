// Drops test databases left behind by a crashed or interrupted run of this machine's tests.
const pg = require('pg');

module.exports = async function globalTeardown() {
  const server = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
  const client = new pg.Client({ connectionString: `${server}/postgres` });
  try {
    await client.connect();
    const { rows } = await client.query("select datname from pg_database where datname like 'vx\\_test\\_%'");
    for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
  } catch {
    // A teardown that cannot reach PostgreSQL has nothing to clean.
  } finally {
    await client.end().catch(() => undefined);
  }
};
