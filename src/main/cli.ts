import { ConfigError, loadConfigFromProcess, type Config } from '../config/config';
import { createDb, type Db } from '../db/database';
import { ensureDatabase } from '../db/ensure-database';
import { migrateToLatest } from '../db/migrate';
import { isAppError } from '../errors/app-error';
import { createLogger, type Logger } from '../logging/logger';

export interface ScriptContext {
  readonly config: Config;
  readonly db: Db;
  readonly logger: Logger;
  /** The arguments after `npm run <script> --`. */
  readonly args: readonly string[];
}

/**
 * Runs a command-line job (scripts/): settings, a migrated database and a logger, then `job`.
 * The exit code is the job's (0 when it returns nothing). An AppError prints its message alone
 * (it is meant for the person at the terminal); anything else prints its stack. Both exit 1.
 */
export function runScript(name: string, job: (ctx: ScriptContext) => Promise<number | void>): void {
  void (async () => {
    let db: Db | undefined;
    let code: number;
    try {
      const config = loadConfigFromProcess();
      const logger = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level, pretty: config.log.pretty, name });
      await ensureDatabase(config.databaseUrl);
      db = createDb(config.databaseUrl, { maxConnections: 4, applicationName: `vung-xanh-${name}` });
      await migrateToLatest(db);
      code = (await job({ config, db, logger, args: process.argv.slice(2) })) ?? 0;
    } catch (error) {
      if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
      else if (isAppError(error)) process.stderr.write(`${error.message}\n`);
      else process.stderr.write(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      code = 1;
    } finally {
      await db?.destroy().catch(() => undefined);
    }
    process.exitCode = code;
  })();
}
