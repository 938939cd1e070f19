/**
 * `node dist/scripts/bench/cost.js`: what one member message costs the app, counted rather than
 * timed (stable on a shared machine). Starts the stand-in platform and the app (ROLE=all, with
 * count-preload), sends COST_EVENTS webhooks at COST_RATE/s, waits until every event is processed
 * and every reply finished, and prints per event: SQL statements, transactions, Redis commands
 * (sent by the app; and executed by the server, all clients), app CPU ms and PG CPU ms of the
 * app's backends. Env: COST_RATE (200), COST_SECONDS (10), COST_ROLE_SPLIT (0).
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { appEnvironment, backendPids, deleteRedisKeys, dropDatabase, waitForDrain, withDatabase, type AppTarget } from './app-checks';
import type { LoadResult } from './load';
import { cpuSecondsOf, memoryOf } from './proc';
import { forkReady, freePort, runLoadProcess, spawnNode, stopAll, stopProcess, waitForHttp, waitForLogLine } from './processes';

const ROOT = resolve(__dirname, '..', '..', '..');
const SCRIPTS = join(ROOT, 'dist', 'scripts', 'bench');
const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = 'redis://127.0.0.1:6379';
const STAMP = Date.now().toString(36);
const LOGS = join(tmpdir(), `vx-cost-${STAMP}`);
const rate = Number(process.env.COST_RATE ?? '200');
const seconds = Number(process.env.COST_SECONDS ?? '10');

async function redisCalls(): Promise<number> {
  const r = new Redis(REDIS_URL);
  const info = await r.info('commandstats');
  r.disconnect();
  let total = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) total += Number(m[1]);
  return total;
}

async function dbStats(url: string, name: string): Promise<{ commits: number; rollbacks: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query<{ xact_commit: string; xact_rollback: string }>('select xact_commit, xact_rollback from pg_stat_database where datname = $1', [name]);
  await c.end();
  return { commits: Number(rows[0]?.xact_commit ?? 0), rollbacks: Number(rows[0]?.xact_rollback ?? 0) };
}

type Counts = { sql: Record<string, number>; statements: number; begins: number; commits: number; rollbacks: number; savepoints: number; redisCommands: number; redis: Record<string, number> };

async function main(): Promise<void> {
  mkdirSync(LOGS, { recursive: true });
  const stand = await forkReady(join(SCRIPTS, 'platform-stand-in.js'), { BENCH_PLATFORM_LATENCY_MS: '20', BENCH_PLATFORM_PORT: '0' }, join(LOGS, 'platform.log'));
  const base = `http://127.0.0.1:${stand.port}`;
  const databaseName = `vx_bench_cost_${STAMP}`;
  const target: AppTarget = { databaseName, databaseUrl: withDatabase(ADMIN, databaseName), queuePrefix: `vxbenchcost${STAMP}`, redisUrl: REDIS_URL };
  const port = await freePort();
  const countsFile = join(LOGS, 'counts.json');
  const env = {
    ...appEnvironment(target, base, port, (process.env.COST_ROLE ?? 'all') as 'all' | 'api', { session: randomBytes(32).toString('hex'), key: randomBytes(32).toString('hex') }),
    NODE_OPTIONS: `--require ${join(SCRIPTS, "count-preload.js")}`,
    COST_OUT: countsFile,
  };
  const logFile = join(LOGS, 'app.log');
  const prof = process.env.COST_PROF_DIR;
  const app = prof
    ? spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${prof}`, join(ROOT, 'dist', 'src', 'main', 'all.js')], { cwd: ROOT, env, stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] })
    : spawnNode(join(ROOT, 'dist', 'src', 'main', 'all.js'), env, logFile, ROOT);
  try {
    await waitForLogLine(logFile, '"msg":"started"', app, 60_000);
    const origin = `http://127.0.0.1:${port}`;
    await waitForHttp(`${origin}/readyz`, app, 30_000);
    // Warm up (JIT, pools, first identities) and let it settle.
    await runLoadProcess<LoadResult>(join(SCRIPTS, 'load.js'), { mode: 'open', origin, users: 5000, runId: `w${STAMP}`, connections: 32, rate: 100, durationS: 3 }, join(LOGS, 'load.log'), () => undefined, 120_000);
    if (!process.env.COST_ROLE) await waitForDrain(target.databaseUrl, 120_000);
    await new Promise((r) => setTimeout(r, 1_500));
    const read = (): Counts => JSON.parse(readFileSync(countsFile, 'utf8')) as Counts;
    const pids0 = await backendPids(ADMIN, databaseName);
    const a = { counts: read(), cpu: cpuSecondsOf(app.pid!), pg: new Map(pids0.map((p) => [p, cpuSecondsOf(p)])), redis: await redisCalls(), db: await dbStats(ADMIN, databaseName), t: Date.now() };
    const load = await runLoadProcess<LoadResult>(join(SCRIPTS, 'load.js'), { mode: 'open', origin, users: 5000, runId: `m${STAMP}`, connections: 32, rate, durationS: seconds }, join(LOGS, 'load.log'), () => undefined, 600_000);
    const drain = process.env.COST_ROLE ? { drained: false } : await waitForDrain(target.databaseUrl, 600_000);
    console.error(`ack p50 ${load.latency.p50} p99 ${load.latency.p99} ms; acked ${load.acked}`);
    await new Promise((r) => setTimeout(r, 1_500));
    const pids1 = await backendPids(ADMIN, databaseName);
    let pgCpu = 0;
    for (const p of pids1) pgCpu += cpuSecondsOf(p) - (a.pg.get(p) ?? 0);
    const b = { counts: read(), cpu: cpuSecondsOf(app.pid!), redis: await redisCalls(), db: await dbStats(ADMIN, databaseName), t: Date.now() };
    const n = load.acked;
    const per = (x: number) => Math.round((x / n) * 100) / 100;
    const redisByCmd: Record<string, number> = {};
    for (const [k, v] of Object.entries(b.counts.redis)) {
      const d = v - (a.counts.redis[k] ?? 0);
      if (d > 0) redisByCmd[k] = per(d);
    }
    const sqlByShape: Record<string, number> = {};
    for (const [k, v] of Object.entries(b.counts.sql)) {
      const d = v - (a.counts.sql[k] ?? 0);
      if (d / n >= 0.05) sqlByShape[k] = per(d);
    }
    const result = {
      sqlByShape,
      events: n,
      rate,
      drained: drain.drained,
      wallS: (b.t - a.t) / 1000,
      perEvent: {
        statements: per(b.counts.statements - a.counts.statements),
        transactions: per(b.counts.begins - a.counts.begins),
        commitsClient: per(b.counts.commits - a.counts.commits),
        commitsServer: per(b.db.commits - a.db.commits),
        savepoints: per(b.counts.savepoints - a.counts.savepoints),
        redisCommandsSent: per(b.counts.redisCommands - a.counts.redisCommands),
        redisCallsServerAllClients: per(b.redis - a.redis),
        appCpuMs: per((b.cpu - a.cpu) * 1000),
        pgCpuMs: per(pgCpu * 1000),
      },
      redisByCommand: redisByCmd,
      peakRssMb: memoryOf(app.pid!).peakRssMb,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await stopProcess(app);
    await stopProcess(stand.child);
    await dropDatabase(ADMIN, databaseName).catch(() => undefined);
    await deleteRedisKeys(REDIS_URL, target.queuePrefix).catch(() => undefined);
  }
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
