/**
 * `npm run bench`: the ingest benchmark of issue 3 (item 8). Bounded and self-stopping, loopback only.
 *
 *  1. starts the stand-in platform (Graph + Zalo OA API, answering after 20 ms);
 *  2. measures the bare baseline (node:http: verify, 200, echo with undici.request);
 *  3. measures the app, compiled (`node dist/src/main/all.js`), ROLE=all, on a fresh database
 *     `vx_bench_<stamp>` (dropped afterwards) and its own QUEUE_PREFIX (keys deleted afterwards);
 *     with BENCH_SPLIT=1 also as two processes, ROLE=api + ROLE=worker (about 3 minutes more);
 *  each with the same load processes: a smoke test, an open loop at 500 events/s for 20 s (latency
 *  from each request's scheduled time), then a closed loop (64 connections, 5 s warm-up + 20 s
 *  measured); the app's backlog drains after each (for a bounded time), then the app is stopped
 *  and every event is checked for exactly one reply set at the stand-in platform;
 *  4. writes bench/results/ingest-<stamp>.json and bench/results/latest.md, prints the table;
 *  5. the broadcast part (issue 5, broadcast.ts): one broadcast to 100,000 recipients, its fan-out
 *     time, send rate against the limit, peak RSS, duplicates and losses; writes
 *     bench/results/broadcast-<stamp>.json and bench/results/broadcast-latest.md;
 *  6. the reports part (issue 6, reports.ts): report queries and wave exports on a district of
 *     50,000 members.
 *  BENCH_ONLY=ingest, BENCH_ONLY=broadcast or BENCH_ONLY=reports runs one part alone.
 *
 * Settings (env): BENCH_CONNECTIONS 64, BENCH_WARMUP_S 5, BENCH_DURATION_S 20, BENCH_RATES "500",
 * BENCH_RATE_DURATION_S 20, BENCH_USERS 5000, BENCH_PLATFORM_LATENCY_MS 20, BENCH_SPLIT 0,
 * BENCH_BASELINE 1, BENCH_DRAIN_BETWEEN_S 30, BENCH_DRAIN_TIMEOUT_S 90, BENCH_ADMIN_DATABASE_URL (a database to connect to
 * for create/drop; default postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL,
 * BENCH_LOG_LEVEL (the app's LOG_LEVEL, default info).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { appEnvironment, backendPids, deleteRedisKeys, dropDatabase, verify, waitForDrain, windowFigures, withDatabase, type AppTarget } from './app-checks';
import type { LoadConfig, LoadResult } from './load';
import { cpuSecondsNamed, cpuSecondsOf, everyProcessCpu, machineBusy, machineCpu, memoryOf, topProcesses, type MachineCpu } from './proc';
import { forkReady, freePort, getJson, postJson, runLoadProcess, spawnNode, stopAll, stopProcess, waitForHttp, waitForLogLine } from './processes';
import { runReportsBench } from './reports';
import { checkTargets, markdown, type PhaseRecord, type ProcessRecord, type SystemRecord } from './report';
import { broadcastMarkdown, runBroadcastBench } from './broadcast';

const env = (name: string, fallback: string) => process.env[name] || fallback;
const SETTINGS = {
  connections: Number(env('BENCH_CONNECTIONS', '64')),
  warmupS: Number(env('BENCH_WARMUP_S', '5')),
  durationS: Number(env('BENCH_DURATION_S', '20')),
  rates: env('BENCH_RATES', '500').split(/[\s,]+/).map(Number).filter((r) => r > 0),
  rateDurationS: Number(env('BENCH_RATE_DURATION_S', '20')),
  users: Number(env('BENCH_USERS', '5000')),
  platformLatencyMs: Number(env('BENCH_PLATFORM_LATENCY_MS', '20')),
  split: env('BENCH_SPLIT', '0') === '1',
  baseline: env('BENCH_BASELINE', '1') !== '0',
  /** After the last phase: how long the backlog may take to drain before the run moves on. */
  drainTimeoutS: Number(env('BENCH_DRAIN_TIMEOUT_S', '90')),
  /** After each fixed-rate phase. */
  drainBetweenS: Number(env('BENCH_DRAIN_BETWEEN_S', '30')),
  appLogLevel: env('BENCH_LOG_LEVEL', 'info'),
};
const ADMIN_DATABASE_URL = env('BENCH_ADMIN_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres');
const REDIS_URL = env('BENCH_REDIS_URL', 'redis://127.0.0.1:6379');

const ROOT = resolve(__dirname, '..', '..', '..');
const DIST = join(ROOT, 'dist');
const SCRIPTS = join(DIST, 'scripts', 'bench');
const APP_MAIN = join(DIST, 'src', 'main', 'all.js');
const RESULTS = join(ROOT, 'bench', 'results');
const STAMP = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
const LOGS = join(tmpdir(), `vx-bench-${STAMP}`);

let standIn: { child: ChildProcess; port: number; base: string } | undefined;
let runSeq = 0;

function log(message: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

interface Snapshot {
  readonly t: number;
  readonly app: number[];
  readonly pg: number;
  /** CPU seconds of each PostgreSQL backend serving the app's database. */
  readonly pgOurs: ReadonlyMap<number, number>;
  readonly redis: number;
  readonly standIn: number;
  readonly machine: MachineCpu;
  readonly every: Map<number, { name: string; cpuS: number }>;
}

/** The backends of the app's database, refreshed every second while an app is measured. */
let ourBackends: readonly number[] = [];

function snapshot(pids: readonly number[]): Snapshot {
  return {
    t: performance.now(),
    app: pids.map(cpuSecondsOf),
    pg: cpuSecondsNamed(['postgres']),
    pgOurs: new Map(ourBackends.map((pid) => [pid, cpuSecondsOf(pid)])),
    redis: cpuSecondsNamed(['redis-server']),
    standIn: standIn?.child.pid ? cpuSecondsOf(standIn.child.pid) : 0,
    machine: machineCpu(),
    every: everyProcessCpu(),
  };
}

function ourBackendsCpu(a: Snapshot, b: Snapshot): number {
  let total = 0;
  for (const [pid, cpu] of b.pgOurs) total += cpu - (a.pgOurs.get(pid) ?? cpu);
  return total;
}

const pct = (cpuS: number, wallS: number) => Math.round((cpuS / wallS) * 1000) / 10;

/** One load phase against `origin`, with CPU sampled at its window's edges. */
async function phase(origin: string, pids: readonly number[], config: Omit<LoadConfig, 'origin' | 'users' | 'runId'>): Promise<Omit<PhaseRecord, 'replySetsPerSecond' | 'endToEndMs' | 'drain'>> {
  let a: Snapshot | undefined;
  let b: Snapshot | undefined;
  const runId = `${STAMP.slice(11, 19).replace(/-/g, '')}${(runSeq++).toString(36)}`;
  const full: LoadConfig = { ...config, origin, users: SETTINGS.users, runId };
  const boundMs = ((config.warmupS ?? 0) + config.durationS) * 1_000 + 60_000;
  const load = await runLoadProcess<LoadResult>(join(SCRIPTS, 'load.js'), full, join(LOGS, 'load.log'), (event) => {
    if (event === 'window-start') a = snapshot(pids);
    if (event === 'window-end') b = snapshot(pids);
  }, boundMs);
  const start = a ?? snapshot(pids);
  const end = b ?? snapshot(pids);
  const wallS = (end.t - start.t) / 1_000 || 1;
  const windowS = (load.windowEnd - load.windowStart) / 1_000;
  const timeline = await getJson<{ sends: number }>(`${standIn!.base}/stats/timeline?from=${load.windowStart}&to=${load.windowEnd}`);
  const machine = machineBusy(start.machine, end.machine);
  const cpuPercent = pids.map((_, i) => pct(end.app[i]! - start.app[i]!, wallS));
  const postgresCpuPercent = pct(end.pg - start.pg, wallS);
  const redisCpuPercent = pct(end.redis - start.redis, wallS);
  const loadGenCpuPercent = pct(load.cpuSeconds, windowS);
  const standInCpuPercent = pct(end.standIn - start.standIn, wallS);
  const known = cpuPercent.reduce((x, y) => x + y, 0) + postgresCpuPercent + redisCpuPercent + loadGenCpuPercent + standInCpuPercent;
  return {
    load,
    windowS,
    cpuPercent,
    postgresCpuPercent,
    postgresOursCpuPercent: pct(ourBackendsCpu(start, end), wallS),
    redisCpuPercent,
    loadGenCpuPercent,
    standInCpuPercent,
    otherCpuPercent: Math.max(0, Math.round(machine.busyPercent * cpus().length - known)),
    // Everything else that ran during the window (other work on a shared machine shows here).
    otherProcesses: topProcesses(start.every, end.every, wallS, new Set([...pids, ...ourBackends, standIn?.child.pid ?? 0, process.pid]), 5).filter((p) => p.cpuPercent >= 2),
    machineBusyPercent: machine.busyPercent,
    stealPercent: machine.stealPercent,
    platformMessages: timeline.sends,
    platformMessagesPerSecond: Math.round(timeline.sends / windowS),
  };
}

interface Started {
  readonly processes: { role: string; child: ChildProcess; logFile: string }[];
  readonly origin: string;
}

/** Waits until every smoke user has a message at the platform (the echo, or the bot's reply). */
async function awaitSmokeReplies(load: LoadResult, timeoutMs: number): Promise<void> {
  if (load.acked !== 2) throw new Error(`smoke webhooks were not accepted: ${JSON.stringify(load.smoke)}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await getJson<{ recipients: Record<string, number> }>(`${standIn!.base}/stats?recipients=1`);
    if ((load.smoke ?? []).every((s) => (stats.recipients[`${s.channel}:${s.userId}`] ?? 0) > 0)) return;
    if (Date.now() > deadline) throw new Error(`no reply reached the platform within ${timeoutMs} ms for ${JSON.stringify(load.smoke)}`);
    await sleep(100);
  }
}

/** Baseline has no database: waits until the platform has as many echoes as acknowledged webhooks, or goes quiet. */
async function awaitEchoes(acked: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    const { sends } = await getJson<{ sends: number }>(`${standIn!.base}/stats`);
    if (sends >= acked) return;
    if (sends !== last) {
      last = sends;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > 2_000) return;
    await sleep(200);
  }
}

async function measure(name: string, label: string, start: () => Promise<Started>, app: AppTarget | undefined): Promise<SystemRecord> {
  await postJson(`${standIn!.base}/stats/reset`);
  log(`=== ${label}`);
  const t0 = performance.now();
  const { processes, origin } = await start();
  const startMs = Math.round(performance.now() - t0);
  const pids = processes.map((p) => p.child.pid!);
  log(`up in ${startMs} ms (pids ${pids.join(', ')})`);
  const stopWatching = app ? watchBackends(app) : () => undefined;
  try {
    const smoke = (await phase(origin, pids, { mode: 'smoke', connections: 1, durationS: 1 })).load;
    await awaitSmokeReplies(smoke, 15_000);
    let acked = smoke.acked;

    // The fixed rates first, on an app without a backlog; then the closed loop, which leaves one.
    const open: (PhaseRecord & { rate: number })[] = [];
    for (const rate of SETTINGS.rates) {
      log(`open loop: ${rate} events/s for ${SETTINGS.rateDurationS} s`);
      const raw = await phase(origin, pids, { mode: 'open', connections: SETTINGS.connections, rate, durationS: SETTINGS.rateDurationS });
      acked += raw.load.acked;
      log(`ack p50 ${raw.load.latency.p50} ms, p99 ${raw.load.latency.p99} ms`);
      open.push({ ...(await afterPhase(raw, app, acked, SETTINGS.drainBetweenS)), rate });
    }

    log(`closed loop: ${SETTINGS.connections} connections, ${SETTINGS.warmupS} s warm-up + ${SETTINGS.durationS} s`);
    const closedRaw = await phase(origin, pids, { mode: 'closed', connections: SETTINGS.connections, warmupS: SETTINGS.warmupS, durationS: SETTINGS.durationS });
    acked += closedRaw.load.acked;
    log(`accepted ${closedRaw.load.ackedPerSecond}/s; platform ${closedRaw.platformMessagesPerSecond} messages/s`);
    const closed = await afterPhase(closedRaw, app, acked, SETTINGS.drainTimeoutS);

    const procs: ProcessRecord[] = processes.map((p) => ({ role: p.role, pid: p.child.pid!, peakRssMb: memoryOf(p.child.pid!).peakRssMb, cpuSeconds: cpuSecondsOf(p.child.pid!) }));
    // Stopped (gracefully: sends in flight finish) before the platform and the database are compared.
    stopWatching();
    for (const p of processes) await stopProcess(p.child);
    const platform = await getJson<{ sends: number; recipients: Record<string, number> }>(`${standIn!.base}/stats?recipients=1`);
    const verification = app ? await verify(app.databaseUrl, platform.recipients) : undefined;
    const logLines = app ? processes.reduce((n, p) => n + readFileSync(p.logFile, 'utf8').split('\n').length - 1, 0) : undefined;
    return { name, label, startMs, processes: procs, closed, open, acked, ...(verification ? { verification } : {}), platformMessagesTotal: platform.sends, ...(logLines === undefined ? {} : { logLines }) };
  } finally {
    stopWatching();
    // The api stops first, so that nothing new is queued while the worker drains.
    for (const p of processes) await stopProcess(p.child);
  }
}

/** Keeps `ourBackends` current: the pids of PostgreSQL backends connected to the app's database. */
function watchBackends(app: AppTarget): () => void {
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    backendPids(ADMIN_DATABASE_URL, app.databaseName)
      .then((pids) => {
        ourBackends = pids;
      })
      .catch(() => undefined)
      .finally(() => {
        if (!stopped) setTimeout(tick, 1_000).unref();
      });
  };
  tick();
  return () => {
    stopped = true;
    ourBackends = [];
  };
}

/** After a phase: the baseline's echoes arrive; the app's backlog drains (for at most `drainS`) and its window figures are read. */
async function afterPhase<P extends Omit<PhaseRecord, 'replySetsPerSecond' | 'endToEndMs' | 'drain'>>(raw: P, app: AppTarget | undefined, ackedSoFar: number, drainS: number): Promise<PhaseRecord> {
  if (!app) {
    await awaitEchoes(ackedSoFar, 15_000);
    return raw;
  }
  const drain = await waitForDrain(app.databaseUrl, drainS * 1_000);
  const drainedEvents = drain.atStart.pendingEvents - drain.left.pendingEvents;
  const ratePerS = Math.round((drainedEvents / Math.max(drain.drainMs, 1)) * 1_000);
  log(
    `backlog ${drain.atStart.pendingEvents} events / ${drain.atStart.unfinishedDeliveries} replies; ` +
      (drain.drained ? `drained in ${(drain.drainMs / 1000).toFixed(1)} s` : `${drain.left.pendingEvents} events left after ${(drain.drainMs / 1000).toFixed(1)} s (draining ${ratePerS}/s)`),
  );
  const figures = await windowFigures(app.databaseUrl, raw.load.windowStart, raw.load.windowEnd);
  return {
    ...raw,
    replySetsPerSecond: Math.round(figures.replySetsInWindow / raw.windowS),
    endToEndMs: figures.endToEndMs,
    drain: {
      drained: drain.drained,
      drainMs: drain.drainMs,
      pendingEventsAtEnd: drain.atStart.pendingEvents,
      unfinishedDeliveriesAtEnd: drain.atStart.unfinishedDeliveries,
      pendingEventsLeft: drain.left.pendingEvents,
      drainedEventsPerSecond: ratePerS,
    },
  };
}

async function startBaseline(): Promise<Started> {
  const logFile = join(LOGS, 'baseline.log');
  const { child, port } = await forkReady(join(SCRIPTS, 'baseline-server.js'), { BENCH_PLATFORM_BASE: standIn!.base, BENCH_PORT: '0' }, logFile);
  return { processes: [{ role: 'baseline', child, logFile }], origin: `http://127.0.0.1:${port}` };
}

function appStarter(target: AppTarget, roles: readonly ('all' | 'api' | 'worker')[]): () => Promise<Started> {
  return async () => {
    const secrets = { session: randomBytes(32).toString('hex'), key: randomBytes(32).toString('hex') };
    const port = await freePort();
    const processes = roles.map((role) => {
      const logFile = join(LOGS, `app-${target.queuePrefix}-${role}.log`);
      return { role, child: spawnNode(APP_MAIN, appEnvironment(target, standIn!.base, port, role, secrets), logFile, ROOT), logFile };
    });
    for (const p of processes) await waitForLogLine(p.logFile, '"msg":"started"', p.child, 60_000);
    const origin = `http://127.0.0.1:${port}`;
    await waitForHttp(`${origin}/readyz`, processes.find((p) => p.role !== 'worker')!.child, 30_000);
    return { processes, origin };
  };
}

async function measureApp(name: string, label: string, roles: readonly ('all' | 'api' | 'worker')[], suffix: string): Promise<SystemRecord> {
  const databaseName = `vx_bench_${STAMP.toLowerCase().replace(/[^a-z0-9]/g, '_')}_${suffix}`;
  const target: AppTarget = { databaseName, databaseUrl: withDatabase(ADMIN_DATABASE_URL, databaseName), queuePrefix: `vxbench${STAMP.replace(/[^0-9]/g, '').slice(4, 14)}${suffix}`, redisUrl: REDIS_URL };
  try {
    return await measure(name, label, appStarter(target, roles), target);
  } finally {
    await dropDatabase(ADMIN_DATABASE_URL, databaseName).catch((err: unknown) => log(`could not drop ${databaseName}: ${String(err)}`));
    await deleteRedisKeys(REDIS_URL, target.queuePrefix).catch((err: unknown) => log(`could not delete ${target.queuePrefix}:* keys: ${String(err)}`));
  }
}

const PARTS = ['ingest', 'broadcast', 'reports'] as const;

/** BENCH_ONLY=ingest, broadcast or reports runs that part alone; unset, all three in that order. */
async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY ?? '';
  if (only !== '' && !(PARTS as readonly string[]).includes(only)) throw new Error(`BENCH_ONLY is one of ${PARTS.join(', ')}, not ${only}`);
  const runs = (part: (typeof PARTS)[number]) => only === '' || only === part;
  mkdirSync(RESULTS, { recursive: true });
  if (runs('ingest') || runs('broadcast')) {
    await startStandIn();
    if (runs('ingest')) await ingest();
    if (runs('broadcast')) await broadcast();
  }
  if (runs('reports')) await runReportsBench({ adminDatabaseUrl: ADMIN_DATABASE_URL, resultsDir: RESULTS, stamp: STAMP, log });
}

/** The stand-in platform both the ingest and the broadcast parts send to. */
async function startStandIn(): Promise<void> {
  if (!existsSync(APP_MAIN) || !existsSync(join(SCRIPTS, 'load.js'))) throw new Error('build first: npm run build (npm run bench does it)');
  mkdirSync(LOGS, { recursive: true });
  log(`logs in ${LOGS}`);
  const stand = await forkReady(join(SCRIPTS, 'platform-stand-in.js'), { BENCH_PLATFORM_LATENCY_MS: String(SETTINGS.platformLatencyMs), BENCH_PLATFORM_PORT: '0' }, join(LOGS, 'platform.log'));
  standIn = { ...stand, base: `http://127.0.0.1:${stand.port}` };
}

async function broadcast(): Promise<void> {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`;
  log('=== broadcast');
  const result = await runBroadcastBench({
    stamp: STAMP,
    root: ROOT,
    appMain: APP_MAIN,
    logs: LOGS,
    adminDatabaseUrl: ADMIN_DATABASE_URL,
    redisUrl: REDIS_URL,
    platformBase: standIn!.base,
    platformLatencyMs: SETTINGS.platformLatencyMs,
    log,
  });
  const jsonFile = join(RESULTS, `broadcast-${STAMP}.json`);
  writeFileSync(`${jsonFile}.tmp`, `${JSON.stringify({ stamp: STAMP, machine, result }, null, 2)}\n`);
  renameSync(`${jsonFile}.tmp`, jsonFile);
  const md = `${broadcastMarkdown(result, { stamp: STAMP, machine, platformLatencyMs: SETTINGS.platformLatencyMs })}\nRaw figures: \`bench/results/broadcast-${STAMP}.json\`.\n`;
  writeFileSync(join(RESULTS, 'broadcast-latest.md.tmp'), md);
  renameSync(join(RESULTS, 'broadcast-latest.md.tmp'), join(RESULTS, 'broadcast-latest.md'));
  console.log(md);
  log(`wrote ${jsonFile} and bench/results/broadcast-latest.md`);
}

async function ingest(): Promise<void> {
  const systems: SystemRecord[] = [];
  const baseline = SETTINGS.baseline ? await measure('baseline', 'bare baseline (node:http + undici.request, nothing durable)', startBaseline, undefined) : undefined;
  if (baseline) systems.push(baseline);
  systems.push(await measureApp('ours-all', 'Vùng Xanh, ROLE=all (one process)', ['all'], 'all'));
  if (SETTINGS.split) systems.push(await measureApp('ours-split', 'Vùng Xanh, ROLE=api + ROLE=worker', ['api', 'worker'], 'split'));

  const checks = checkTargets(baseline, systems.filter((s) => s.name !== 'baseline'));
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`;
  const result = { stamp: STAMP, machine, settings: SETTINGS, systems, checks };
  const jsonFile = join(RESULTS, `ingest-${STAMP}.json`);
  writeFileSync(`${jsonFile}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${jsonFile}.tmp`, jsonFile);
  const md = `${markdown({ stamp: STAMP, settings: SETTINGS, machine }, systems, checks)}\nRaw figures: \`bench/results/ingest-${STAMP}.json\`.\n`;
  writeFileSync(join(RESULTS, 'latest.md.tmp'), md);
  renameSync(join(RESULTS, 'latest.md.tmp'), join(RESULTS, 'latest.md'));
  console.log(md);
  log(`wrote ${jsonFile} and bench/results/latest.md`);
}

// First signal: stop the processes the bench started; the run then fails and its cleanup (database,
// Redis keys) still runs. A second signal exits at once.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.exitCode = 130;
    log(`${signal}: stopping what the bench started, then cleaning up`);
    void stopAll();
  });
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
