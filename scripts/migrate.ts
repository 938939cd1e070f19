/**
 * `npm run migrate`: creates the database when missing and applies every pending migration.
 * `npm run migrate -- --down` undoes the last one; `-- --reset` undoes all of them.
 * Prints each migration it ran; exits 1 with a one-line reason when it cannot.
 * (Not runScript from src/main/cli.ts: that one migrates to latest before its job runs.)
 */
import type { MigrationResult } from 'kysely';
import { ConfigError, loadConfigFromProcess } from '../src/config/config';
import { createDb, type Db } from '../src/db/database';
import { ensureDatabase } from '../src/db/ensure-database';
import { migrateDown, migrateToEmpty, migrateToLatest, migrationNames } from '../src/db/migrate';
import { describeError, describePostgresUrl } from '../src/main/startup-error';

type Direction = 'up' | 'down' | 'reset';

function parseDirection(args: readonly string[]): Direction | undefined {
  if (args.length === 0) return 'up';
  if (args.length === 1 && args[0] === '--down') return 'down';
  if (args.length === 1 && args[0] === '--reset') return 'reset';
  return undefined;
}

function report(direction: Direction, results: readonly MigrationResult[]): void {
  if (results.length === 0) {
    const what = direction === 'up' ? `up to date (${migrationNames().length} migrations)` : 'nothing to undo';
    process.stdout.write(`${what}\n`);
    return;
  }
  for (const r of results) process.stdout.write(`${r.direction === 'Up' ? 'applied' : 'undone'}  ${r.migrationName}\n`);
}

async function main(): Promise<number> {
  const direction = parseDirection(process.argv.slice(2));
  if (!direction) {
    process.stderr.write('usage: npm run migrate [-- --down | -- --reset]\n');
    return 2;
  }
  const config = loadConfigFromProcess();
  const where = describePostgresUrl(config.databaseUrl);
  try {
    if (await ensureDatabase(config.databaseUrl)) process.stdout.write(`created database ${where}\n`);
  } catch (error) {
    process.stderr.write(`Cannot reach PostgreSQL at ${where}: ${describeError(error)}. Is it running, and is DATABASE_URL right?\n`);
    return 1;
  }
  const db: Db = createDb(config.databaseUrl, { maxConnections: 2, applicationName: 'vung-xanh-migrate' });
  try {
    const run = { up: migrateToLatest, down: migrateDown, reset: migrateToEmpty }[direction];
    report(direction, await run(db));
    return 0;
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    return 1;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `migrate failed: ${describeError(error)}\n`);
    process.exitCode = 1;
  },
);
