import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { closedPort } from '../helpers/redis';
import { sleep, until } from '../helpers/e2e';

/**
 * A PostgreSQL cluster and a redis-server of the fault suite's own, on free ports, that a scenario
 * may stop and start at will: the machine's shared ones (5432, 6379) are never touched.
 */

const PG_BIN = (() => {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
})();

/** initdb refuses to run as root: run the server as the `postgres` user then. */
const AS_ROOT = process.getuid?.() === 0;

function pgUid(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

function runPg(binary: string, args: readonly string[]): { status: number | null; output: string } {
  const command = AS_ROOT ? 'runuser' : join(PG_BIN, binary);
  const argv = AS_ROOT ? ['-u', 'postgres', '--', join(PG_BIN, binary), ...args] : [...args];
  const r = spawnSync(command, argv, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

export interface OwnPostgres {
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  urlOf(database: string): string;
  /** Stops the server (fast: open sessions are cut, as when a database host goes away). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'vx-faults-pg-'));
  chmodSync(dir, 0o700);
  if (AS_ROOT) {
    const { uid, gid } = pgUid();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const init = runPg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.output}`);
  const port = await closedPort();
  // fsync stays on (the default): a stop and start must keep what was committed, as in production.
  writeFileSync(join(data, 'postgresql.auto.conf'), [`port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`, 'max_connections = 100', "shared_buffers = '128MB'", ''].join('\n'));
  if (AS_ROOT) {
    const { uid, gid } = pgUid();
    chownSync(join(data, 'postgresql.auto.conf'), uid, gid);
  }
  const log = join(dir, 'server.log');

  const isUp = async () => {
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const start = async () => {
    const r = runPg('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
    if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.output}`);
    await until('the fault suite PostgreSQL to answer', isUp, 60_000, 200);
  };
  const stop = async () => {
    const r = runPg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    if (r.status !== 0) throw new Error(`pg_ctl stop failed: ${r.output}`);
  };
  await start();
  return {
    port,
    urlOf: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop,
    start,
    async destroy() {
      runPg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** SHUTDOWN (with the append-only file flushed when it is on), then the process is gone. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** `appendOnly`: whether what Redis held survives a stop and start (AOF, fsync every second). */
export async function startOwnRedis(options: { appendOnly: boolean }): Promise<OwnRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'vx-faults-redis-'));
  const port = await closedPort();
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const url = `redis://127.0.0.1:${port}`;

  const ping = async () => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1_000, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  };
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', options.appendOnly ? 'yes' : 'no', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--logfile', join(dir, 'redis.log')], { stdio: 'ignore' });
    const c = child;
    exited = new Promise((done) => c.once('exit', () => done()));
    await until('the fault suite Redis to answer', ping, 30_000, 100);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // SIGTERM: redis-server shuts down as on SHUTDOWN (AOF flushed when on; nothing saved when off).
    child.kill('SIGTERM');
    await exited;
    await sleep(50);
  };
  await start();
  return {
    port,
    url,
    stop,
    start,
    async destroy() {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
