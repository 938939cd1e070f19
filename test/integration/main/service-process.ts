import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TEST_REDIS_URL } from '../../helpers/redis';

export type ProcessLogLine = Record<string, unknown> & { msg?: string; level?: string };

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly lines: ProcessLogLine[];
  stderr(): string;
  /** Resolves with the first log line (past or future) that matches. */
  waitForLog(match: (line: ProcessLogLine) => boolean, timeoutMs?: number): Promise<ProcessLogLine>;
  /** Settles when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const ENTRY = resolve(__dirname, '../../../src/main/all.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

/**
 * Runs `src/main/all.ts` the way production runs it, in a child process under tsx, in an empty
 * working directory (so no developer's .env leaks in) and with only the settings given.
 */
export function startService(settings: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', TSX, ENTRY], {
    cwd: mkdtempSync(join(tmpdir(), 'vx-service-')),
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: '0',
      REDIS_URL: TEST_REDIS_URL,
      LOG_LEVEL: 'debug',
      LOG_PRETTY: '0',
      ...settings,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: ProcessLogLine[] = [];
  const waiters: { match: (l: ProcessLogLine) => boolean; resolve: (l: ProcessLogLine) => void }[] = [];
  let stderr = '';
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const text of parts.filter(Boolean)) {
      let line: ProcessLogLine;
      try {
        line = JSON.parse(text) as ProcessLogLine;
      } catch {
        line = { msg: text, raw: true };
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((done) => {
    child.once('exit', (code, signal) => done({ code, signal, at: Date.now() }));
  });

  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitForLog(match, timeoutMs = 30_000) {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no matching log line within ${timeoutMs} ms; stderr: ${stderr}\nstdout: ${lines.map((l) => JSON.stringify(l)).join('\n')}`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (line: ProcessLogLine) => {
            clearTimeout(timer);
            resolveLine(line);
          },
        };
        waiters.push(waiter);
        void exited.then(() => {
          if (!waiters.includes(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`the process exited before the log line; stderr: ${stderr}\nstdout: ${lines.map((l) => JSON.stringify(l)).join('\n')}`));
        });
      });
    },
  };
}

/** Stops a process a test left running (a failed assertion), so jest is not held open. */
export async function killIfRunning(service: ServiceProcess | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGKILL');
  await service.exited;
}
