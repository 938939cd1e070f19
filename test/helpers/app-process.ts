import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TEST_REDIS_URL } from './redis';

/**
 * The whole app as production runs it (`src/main/all.ts`, under tsx so the tests always run the
 * current source, never a stale build), in a child process of its own, with only the settings
 * given. Its JSON log lines are kept for the test to wait on and to print when something fails.
 */

export type AppLogLine = Record<string, unknown> & { msg?: string; level?: string };
export type AppRole = 'all' | 'api' | 'worker';
export interface AppExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
}

export interface AppProcess {
  readonly child: ChildProcess;
  readonly role: AppRole;
  /** The bound HTTP port (api and all); for a worker, the api port it was told (its clients call there). */
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  readonly lines: AppLogLine[];
  readonly exited: Promise<AppExit>;
  stderr(): string;
  /** Resolves with the first log line (past or future) that matches; rejects on timeout or exit. */
  waitForLog(match: (line: AppLogLine) => boolean, timeoutMs?: number): Promise<AppLogLine>;
  /** Lines at warn level or worse, for a failing test to show. */
  problems(): AppLogLine[];
  /** SIGTERM and wait for the exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<AppExit>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<AppExit>;
}

export interface StartAppOptions {
  readonly databaseUrl: string;
  readonly queuePrefix: string;
  readonly role?: AppRole;
  /** 0 (the default) lets the api bind any free port; a worker must be given the api's port. */
  readonly port?: number;
  /** info by default (the 'started' line the start waits for is info); debug lines cost a lot under load. */
  readonly logLevel?: 'debug' | 'info';
  readonly env?: Readonly<Record<string, string>>;
  /** Extra node flags (a --cpu-prof when looking into a slow run). */
  readonly nodeArgs?: readonly string[];
  readonly startTimeoutMs?: number;
}

const REPO_ROOT = resolve(__dirname, '../..');
const ENTRY = join(REPO_ROOT, 'src/main/all.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const WARN_LEVELS = new Set(['warn', 'error', 'fatal']);
const MAX_KEPT_LINES = 200_000;
const LOG_POLL_MS = 50;

function spawnApp(options: StartAppOptions): { child: ChildProcess; cwd: string; logPath: string } {
  // An empty working directory: nothing of the developer's checkout (an .env) leaks in.
  const cwd = mkdtempSync(join(tmpdir(), 'vx-app-'));
  // The log goes to a file, not a pipe: pino writes stdout synchronously, so a pipe that the busy
  // test process reads late would stall the app under load.
  const logPath = join(cwd, 'app.log');
  const logFd = openSync(logPath, 'w');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', TSX, ENTRY], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: String(options.port ?? 0),
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_URL: options.databaseUrl,
      QUEUE_PREFIX: options.queuePrefix,
      ROLE: options.role ?? 'all',
      LOG_LEVEL: options.logLevel ?? 'info',
      LOG_PRETTY: '0',
      // Replies must go out whatever the hour the tests run at.
      QUIET_HOURS: 'off',
      ...options.env,
    },
    stdio: ['ignore', logFd, 'pipe'],
  });
  closeSync(logFd);
  return { child, cwd, logPath };
}

/** Starts the app and resolves once it logged 'started' (its port is then known). */
export async function startApp(options: StartAppOptions): Promise<AppProcess> {
  const role = options.role ?? 'all';
  const { child, cwd, logPath } = spawnApp(options);
  const lines: AppLogLine[] = [];
  const waiters: { match: (l: AppLogLine) => boolean; resolve: (l: AppLogLine) => void }[] = [];
  let stderr = '';
  let pending = '';
  let offset = 0;
  const chunk = Buffer.alloc(1 << 20);
  const readLog = () => {
    let fd: number;
    try {
      fd = openSync(logPath, 'r');
    } catch {
      return;
    }
    try {
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, offset);
        if (n <= 0) break;
        offset += n;
        pending += chunk.toString('utf8', 0, n);
      }
    } finally {
      closeSync(fd);
    }
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const text of parts) {
      if (text === '') continue;
      let line: AppLogLine;
      try {
        line = JSON.parse(text) as AppLogLine;
      } catch {
        line = { msg: text, raw: true };
      }
      if (lines.length < MAX_KEPT_LINES) lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  const poll = setInterval(readLog, LOG_POLL_MS);
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  // Never outlive the test process (a test that throws before its afterAll, a jest worker torn down).
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<AppExit>((done) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      clearInterval(poll);
      readLog();
      rmSync(cwd, { recursive: true, force: true });
      done({ code, signal, at: Date.now() });
    });
  });
  const tail = () => lines.slice(-40).map((l) => JSON.stringify(l).slice(0, 600)).join('\n');

  const waitForLog = (match: (line: AppLogLine) => boolean, timeoutMs = 30_000): Promise<AppLogLine> => {
    const found = lines.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolveLine, reject) => {
      const waiter = {
        match,
        resolve: (line: AppLogLine) => {
          clearTimeout(timer);
          resolveLine(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`${role}: no matching log line within ${timeoutMs} ms; stderr: ${stderr}\nlast lines:\n${tail()}`));
      }, timeoutMs);
      waiters.push(waiter);
      void exited.then(() => {
        if (!waiters.includes(waiter)) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        clearTimeout(timer);
        reject(new Error(`${role}: the process exited before the log line; stderr: ${stderr}\nlast lines:\n${tail()}`));
      });
    });
  };

  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const kill = async (): Promise<AppExit> => {
    if (isRunning()) child.kill('SIGKILL');
    return exited;
  };
  const stop = async (timeoutMs = 15_000): Promise<AppExit> => {
    if (!isRunning()) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  let started: AppLogLine;
  try {
    started = await waitForLog((l) => l.msg === 'started', options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await kill();
    throw error;
  }
  const port = typeof started.port === 'number' ? started.port : (options.port ?? 0);
  return {
    child,
    role,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    lines,
    exited,
    stderr: () => stderr,
    waitForLog,
    problems: () => lines.filter((l) => WARN_LEVELS.has(String(l.level))),
    stop,
    kill,
  };
}

/** Stops every process given (SIGKILL for those that do not stop in time); for afterAll. */
export async function stopAll(apps: readonly (AppProcess | undefined)[]): Promise<void> {
  await Promise.all(apps.map((app) => app?.stop(10_000)));
}
