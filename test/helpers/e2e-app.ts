import { startApp, type AppProcess } from './app-process';
import { closeHttp } from './e2e';
import { deleteQueuePrefix, uniqueQueuePrefix } from './redis';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface AppForFile {
  readonly t: TestDatabase;
  readonly app: AppProcess;
  readonly prefix: string;
}

export interface AppForFileOptions {
  /** Runs on the fresh, migrated database before the app starts (units, a roster, a wave…). */
  readonly seed?: (t: TestDatabase) => Promise<void>;
  /** After each test, print the app's warnings and errors (a failing test then shows why). */
  readonly reportProblems?: boolean;
}

/**
 * The running app an end-to-end test file talks to: its own database and queue prefix, started
 * once before the file's tests and stopped (database dropped, queue keys deleted) after them.
 * Registers the jest hooks; `started` is called with the app once it runs, so the file can keep
 * its own `t` and `app` variables.
 */
export function runAppForFile(started: (running: AppForFile) => void, options: AppForFileOptions = {}): void {
  const prefix = uniqueQueuePrefix();
  let t: TestDatabase | undefined;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    t = await createTestDatabase();
    await options.seed?.(t);
    app = await startApp({ databaseUrl: t.url, queuePrefix: prefix });
    started({ t, app, prefix });
  });

  afterAll(async () => {
    await app?.stop();
    await closeHttp();
    await t?.drop();
    await deleteQueuePrefix(prefix);
  });

  if (options.reportProblems) {
    afterEach(() => {
      const problems = (app?.problems() ?? []).filter((l) => l.level !== 'warn' || !String(l.msg).startsWith('SESSION_SECRET'));
      if (problems.length > 0) console.log('app warnings/errors:\n', problems.map((l) => JSON.stringify(l).slice(0, 500)).join('\n'));
    });
  }
}
