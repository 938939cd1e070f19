/**
 * The processes the bench starts, and only those: each is remembered by its pid and stopped by it
 * (SIGTERM, a grace period, then SIGKILL), also when the bench itself is interrupted.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

const started = new Set<ChildProcess>();

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopProcess(child: ChildProcess, graceMs = 12_000): Promise<void> {
  if (alive(child)) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut && alive(child)) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  started.delete(child);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((child) => stopProcess(child, 5_000)));
}

/**
 * Forks one of the bench's own compiled scripts and waits for its `{ready, port}` message.
 * Its output goes to `logFile`.
 */
export async function forkReady(script: string, env: NodeJS.ProcessEnv, logFile: string, timeoutMs = 15_000): Promise<{ child: ChildProcess; port: number }> {
  const fd = openSync(logFile, 'a');
  const child = fork(script, [], { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd, 'ipc'] });
  closeSync(fd);
  started.add(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${timeoutMs} ms (see ${logFile})`)), timeoutMs);
    child.on('message', (message: { ready?: boolean; port?: number }) => {
      if (message.ready && message.port) {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready (see ${logFile})`));
    });
  });
  return { child, port };
}

/** Forks a load phase; `onEvent` hears its window-start/window-end marks; resolves with its result. */
export async function runLoadProcess<R>(script: string, config: unknown, logFile: string, onEvent: (event: string) => void, timeoutMs: number): Promise<R> {
  const fd = openSync(logFile, 'a');
  const child = fork(script, [JSON.stringify(config)], { stdio: ['ignore', fd, fd, 'ipc'] });
  closeSync(fd);
  started.add(child);
  try {
    return await new Promise<R>((resolve, reject) => {
      let result: R | undefined;
      const timer = setTimeout(() => reject(new Error(`load phase did not finish within ${timeoutMs} ms`)), timeoutMs);
      child.on('message', (message: { result?: R; event?: string }) => {
        if (message.event) onEvent(message.event);
        if (message.result) result = message.result;
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (result !== undefined) resolve(result);
        else reject(new Error(`load phase exited with ${code} and no result (see ${logFile})`));
      });
    });
  } finally {
    await stopProcess(child, 2_000);
  }
}

/** The node options of `npm start` (package.json), so that the app is measured as it runs. */
function startFlagsOf(root: string): string[] {
  const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  return start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** Starts `node <script>` as its own process (not forked: no IPC), output appended to `logFile`. */
export function spawnNode(script: string, env: NodeJS.ProcessEnv, logFile: string, cwd: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  // The app's processes run with npm start's options, and BENCH_APP_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
  const isApp = script.includes(`${sep}src${sep}main${sep}`);
  const appArgs = isApp ? [...startFlagsOf(cwd), ...(process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean)] : [];
  const child = spawn(process.execPath, [...appArgs, script], { cwd, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  started.add(child);
  return child;
}

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until GET url answers 200, the child is gone (throws) or the time is up (throws). */
export async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(child)) throw new Error(`the process exited (${child.exitCode ?? child.signalCode}) before ${url} answered`);
    try {
      const res = await request(url, { headersTimeout: 1_000, bodyTimeout: 1_000 });
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Waits until `logFile` holds `needle` (a process's "started" line). */
export async function waitForLogLine(logFile: string, needle: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(child)) throw new Error(`the process exited (${child.exitCode ?? child.signalCode}) before logging ${needle} (see ${logFile})`);
    if (readFileSync(logFile, 'utf8').includes(needle)) return;
    await sleep(200);
  }
  throw new Error(`no ${needle} in ${logFile} within ${timeoutMs} ms`);
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await request(url, { headersTimeout: 5_000, bodyTimeout: 5_000 });
  return (await res.body.json()) as T;
}

export async function postJson(url: string): Promise<void> {
  const res = await request(url, { method: 'POST', headersTimeout: 5_000, bodyTimeout: 5_000 });
  await res.body.dump();
}
