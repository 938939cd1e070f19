// Drops the test databases this run left behind (a test file that crashed before its own drop),
// and those of runs whose process is gone. Databases of other live runs on the machine are theirs.
const pg = require('pg');

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

module.exports = async function globalTeardown() {
  const server = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
  const client = new pg.Client({ connectionString: `${server}/postgres` });
  try {
    await client.connect();
    const { rows } = await client.query("select datname from pg_database where datname like 'vx\\_test\\_%'");
    for (const { datname } of rows) {
      const pid = Number(/^vx_test_(\d+)_/.exec(datname)?.[1]);
      if (pid === process.pid || !isAlive(pid)) await client.query(`drop database if exists "${datname}" with (force)`);
    }
  } catch {
    // A teardown that cannot reach PostgreSQL has nothing to clean.
  } finally {
    await client.end().catch(() => undefined);
  }
};
