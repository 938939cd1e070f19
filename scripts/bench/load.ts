/**
 * The bench's load generator, one phase per process (so its CPU is its own, apart from the app's):
 *
 *   closed  N connections (undici Pool, pipelining 1), each with one request in flight, for a
 *           warm-up then a measured window. Throughput = 2xx answers completed inside the window
 *           ÷ its length; latency = request start → full answer, 2xx only.
 *   open    a fixed arrival rate for a fixed time: request i is due at t0 + i/rate and is sent
 *           then whatever happened before (no coordinated omission); latency is counted from that
 *           due time, so time queued behind a slow server counts. The pool has N connections; a
 *           request that finds them all busy waits in the pool, and that wait counts too.
 *   smoke   one Messenger and one Zalo webhook.
 *
 * Every request is a fresh, signed webhook (webhooks.ts). Every loop is bounded in time, and in
 * count (open: rate × duration; outstanding requests capped). Only loopback origins are accepted.
 * Config: argv[2] as JSON (LoadConfig); result: sent over IPC (LoadResult), or printed.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { createWebhookFactory, type BenchChannel, type SignedWebhook } from './webhooks';

export interface LoadConfig {
  readonly mode: 'closed' | 'open' | 'smoke';
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly users: number;
  readonly runId: string;
  readonly connections: number;
  readonly warmupS?: number;
  readonly durationS: number;
  /** open: events per second. */
  readonly rate?: number;
  readonly timeoutMs?: number;
}

export interface LatencySummary {
  readonly n: number;
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly max: number | null;
}

export interface LoadResult {
  readonly mode: LoadConfig['mode'];
  /** Epoch ms of the measured window (closed: after warm-up; open: the schedule). */
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly sent: number;
  /** 2xx answers over the whole phase (warm-up included): every one is an event the server accepted. */
  readonly acked: number;
  readonly ackedByChannel: Readonly<Record<BenchChannel, number>>;
  /** 2xx answers completed inside the window. */
  readonly windowAcked: number;
  /** windowAcked ÷ window seconds. */
  readonly ackedPerSecond: number;
  readonly non2xx: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
  /** ms; closed: from request start; open: from the scheduled instant. */
  readonly latency: LatencySummary;
  /** open only: from the moment the request was handed to the pool. */
  readonly serviceLatency?: LatencySummary;
  /** open only: requests that could not even be sent on time because too many were outstanding. */
  readonly shed?: number;
  readonly cpuSeconds: number;
  readonly smoke?: readonly { channel: BenchChannel; status: number | string; userId: string }[];
}

const MAX_OUTSTANDING = 20_000;

/** Tells the bench that the measured window starts or ends now (it samples CPU then). */
function mark(event: 'window-start' | 'window-end'): void {
  process.send?.({ event });
}

function summarise(samples: Float64Array, count: number): LatencySummary {
  const sorted = Float64Array.from(samples.subarray(0, count)).sort();
  const pick = (p: number) => (sorted.length === 0 ? null : round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!));
  let sum = 0;
  for (const x of sorted) sum += x;
  return { n: sorted.length, mean: sorted.length ? round(sum / sorted.length) : null, p50: pick(50), p90: pick(90), p99: pick(99), p999: pick(99.9), max: pick(100) };
}

const round = (x: number) => Math.round(x * 100) / 100;

class Tally {
  sent = 0;
  acked = 0;
  windowAcked = 0;
  readonly ackedByChannel: Record<BenchChannel, number> = { messenger: 0, zalo: 0 };
  readonly non2xx: Record<string, number> = {};
  readonly errors: Record<string, number> = {};

  answer(webhook: SignedWebhook, status: number): boolean {
    if (status >= 200 && status < 300) {
      this.acked++;
      this.ackedByChannel[webhook.channel]++;
      return true;
    }
    this.non2xx[status] = (this.non2xx[status] ?? 0) + 1;
    return false;
  }

  error(err: unknown): void {
    const code = (err as { code?: string }).code ?? (err instanceof Error ? err.name : 'error');
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }
}

async function post(pool: Pool, webhook: SignedWebhook, timeoutMs: number): Promise<number> {
  const res = await pool.request({ method: 'POST', path: webhook.path, headers: webhook.headers, body: webhook.body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  await res.body.dump();
  return res.statusCode;
}

function makePool(config: LoadConfig): Pool {
  const url = new URL(config.origin);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') throw new Error('the bench only loads loopback servers');
  return new Pool(url.origin, { connections: config.connections, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
}

async function closedLoop(config: LoadConfig): Promise<LoadResult> {
  const pool = makePool(config);
  const factory = createWebhookFactory({ users: config.users, runId: config.runId });
  const timeoutMs = config.timeoutMs ?? 10_000;
  const tally = new Tally();
  const started = performance.now();
  const measureFrom = started + (config.warmupS ?? 0) * 1_000;
  const endAt = measureFrom + config.durationS * 1_000;
  const epochOffset = Date.now() - performance.now();
  const latencies = new Float64Array(2_000_000);
  let samples = 0;
  let cpuAtWindow = process.cpuUsage();
  let cpuAtEnd: NodeJS.CpuUsage | undefined;
  const windowTimer = setTimeout(() => {
    cpuAtWindow = process.cpuUsage();
    mark('window-start');
  }, measureFrom - started);
  const endTimer = setTimeout(() => {
    cpuAtEnd = process.cpuUsage(cpuAtWindow);
    mark('window-end');
  }, endAt - started);

  async function connectionLoop(): Promise<void> {
    while (performance.now() < endAt) {
      const webhook = factory.next();
      tally.sent++;
      const t = performance.now();
      try {
        const ok = tally.answer(webhook, await post(pool, webhook, timeoutMs));
        const done = performance.now();
        if (ok && done >= measureFrom && done <= endAt) {
          tally.windowAcked++;
          if (samples < latencies.length) latencies[samples++] = done - t;
        }
      } catch (err) {
        tally.error(err);
      }
    }
  }
  await Promise.all(Array.from({ length: config.connections }, connectionLoop));
  clearTimeout(windowTimer);
  clearTimeout(endTimer);
  const cpu = cpuAtEnd ?? process.cpuUsage(cpuAtWindow);
  await pool.close();
  return {
    mode: 'closed',
    windowStart: Math.round(measureFrom + epochOffset),
    windowEnd: Math.round(endAt + epochOffset),
    sent: tally.sent,
    acked: tally.acked,
    ackedByChannel: tally.ackedByChannel,
    windowAcked: tally.windowAcked,
    ackedPerSecond: round(tally.windowAcked / config.durationS),
    non2xx: tally.non2xx,
    errors: tally.errors,
    latency: summarise(latencies, samples),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6),
  };
}

async function openLoop(config: LoadConfig): Promise<LoadResult> {
  const rate = config.rate ?? 500;
  const total = Math.round(rate * config.durationS);
  const interval = 1_000 / rate;
  const pool = makePool(config);
  const factory = createWebhookFactory({ users: config.users, runId: config.runId });
  const timeoutMs = config.timeoutMs ?? 10_000;
  const tally = new Tally();
  const fromScheduled = new Float64Array(total);
  const fromDispatch = new Float64Array(total);
  let samples = 0;
  let outstanding = 0;
  let shed = 0;
  let next = 0;
  const t0 = performance.now() + 20;
  const endAt = t0 + config.durationS * 1_000;
  const epochOffset = Date.now() - performance.now();
  const cpuAtStart = process.cpuUsage();
  let finishedAll: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => {
    finishedAll = resolve;
  });

  function settle(): void {
    outstanding--;
    if (next >= total && outstanding === 0) finishedAll();
  }

  function fire(due: number): void {
    if (outstanding >= MAX_OUTSTANDING) {
      shed++;
      return;
    }
    const webhook = factory.next();
    tally.sent++;
    outstanding++;
    const dispatched = performance.now();
    post(pool, webhook, timeoutMs).then(
      (status) => {
        const done = performance.now();
        if (tally.answer(webhook, status)) {
          if (done <= endAt) tally.windowAcked++;
          fromScheduled[samples] = done - due;
          fromDispatch[samples++] = done - dispatched;
        }
        settle();
      },
      (err: unknown) => {
        tally.error(err);
        settle();
      },
    );
  }

  function pump(): void {
    const now = performance.now();
    while (next < total && t0 + next * interval <= now) fire(t0 + next++ * interval);
    if (next < total) setTimeout(pump, Math.max(0, t0 + next * interval - performance.now()));
    else if (outstanding === 0) finishedAll();
  }
  setTimeout(() => {
    mark('window-start');
    pump();
  }, t0 - performance.now());
  const endTimer = setTimeout(() => mark('window-end'), endAt - performance.now());
  await allDone;
  clearTimeout(endTimer);
  const cpu = process.cpuUsage(cpuAtStart);
  await pool.close();
  return {
    mode: 'open',
    windowStart: Math.round(t0 + epochOffset),
    windowEnd: Math.round(endAt + epochOffset),
    sent: tally.sent,
    acked: tally.acked,
    ackedByChannel: tally.ackedByChannel,
    windowAcked: tally.windowAcked,
    ackedPerSecond: round(tally.windowAcked / config.durationS),
    non2xx: tally.non2xx,
    errors: tally.errors,
    latency: summarise(fromScheduled, samples),
    serviceLatency: summarise(fromDispatch, samples),
    shed,
    cpuSeconds: round((cpu.user + cpu.system) / 1e6),
  };
}

async function smoke(config: LoadConfig): Promise<LoadResult> {
  const pool = makePool({ ...config, connections: 1 });
  const factory = createWebhookFactory({ users: config.users, runId: config.runId });
  const tally = new Tally();
  const results: { channel: BenchChannel; status: number | string; userId: string }[] = [];
  const start = Date.now();
  for (let i = 0; i < 2; i++) {
    const webhook = factory.next();
    tally.sent++;
    try {
      const status = await post(pool, webhook, config.timeoutMs ?? 10_000);
      tally.answer(webhook, status);
      results.push({ channel: webhook.channel, status, userId: webhook.userId });
    } catch (err) {
      tally.error(err);
      results.push({ channel: webhook.channel, status: String((err as { code?: string }).code ?? err), userId: webhook.userId });
    }
  }
  await pool.close();
  return {
    mode: 'smoke',
    windowStart: start,
    windowEnd: Date.now(),
    sent: tally.sent,
    acked: tally.acked,
    ackedByChannel: tally.ackedByChannel,
    windowAcked: tally.acked,
    ackedPerSecond: 0,
    non2xx: tally.non2xx,
    errors: tally.errors,
    latency: summarise(new Float64Array(0), 0),
    cpuSeconds: 0,
    smoke: results,
  };
}

export async function runLoad(config: LoadConfig): Promise<LoadResult> {
  if (config.mode === 'closed') return closedLoop(config);
  if (config.mode === 'open') return openLoop(config);
  return smoke(config);
}

if (require.main === module) {
  const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
  runLoad(config).then(
    (result) => {
      if (process.send) process.send({ result }, () => process.exit(0));
      else {
        console.log(JSON.stringify(result, null, 2));
        process.exit(0);
      }
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
