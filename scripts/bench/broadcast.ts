/**
 * The broadcast part of `npm run bench` (issue 5): one broadcast to BENCH_BROADCAST_RECIPIENTS
 * (100,000) recipients, half on Zalo and half on Messenger, seeded in SQL, sent by the compiled app
 * (ROLE=worker unless BENCH_BROADCAST_ROLE=all, quiet hours off) to the stand-in platform answering after 20 ms, with each channel's
 * send limit at BENCH_BROADCAST_LIMIT (500/s). The broadcast is created through the service as the
 * API would, by this process, on the app's database and queues. Measured:
 *  - the reach forecast's time at that size;
 *  - fan-out time: from create() until the broadcast is 'sending' (every delivery recorded and enqueued);
 *  - the sustained send rate per channel (the middle of the run, without its first and last 5 s)
 *    against the limit;
 *  - the app's peak RSS (VmHWM, start-up included);
 *  - duplicates and losses: each recipient's count at the platform, and the rows against it.
 * BENCH_BROADCAST_SEND_WINDOW_S (issue 7 §4 scale, e.g. 120 with 1,000,000 recipients): instead of
 * sending everyone, stop after that many seconds of sending: the broadcast is cancelled, and the
 * run checks that the cancel stopped the sends (what reached the platform after it). The app's
 * RSS is sampled every second over the fan-out too.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/config';
import { createDb } from '../../src/db/database';
import { createBroadcastsService } from '../../src/domain/broadcasts/broadcasts.service';
import { createBullMqBroadcastJobs } from '../../src/jobs/broadcasts.processor';
import { createBroadcastOutbox } from '../../src/jobs/broadcast-outbox';
import { allQueues, createQueues } from '../../src/jobs/queues';
import { createLogger } from '../../src/logging/logger';
import { deliveryPolicySettingsOf } from '../../src/domain/deliveries/delivery-policy-settings';
import { appEnvironment, deleteRedisKeys, dropDatabase, withDatabase, type AppTarget } from './app-checks';
import { seedBroadcastAudience, seededRecipient } from './broadcast-seed';
import { memoryOf } from './proc';
import { freePort, getJson, postJson, spawnNode, stopProcess, waitForHttp, waitForLogLine } from './processes';

export interface BroadcastBenchContext {
  readonly stamp: string;
  readonly root: string;
  readonly appMain: string;
  readonly logs: string;
  readonly adminDatabaseUrl: string;
  readonly redisUrl: string;
  readonly platformBase: string;
  readonly platformLatencyMs: number;
  readonly log: (message: string) => void;
}

export interface BroadcastBenchResult {
  readonly role: 'all' | 'worker';
  readonly recipients: number;
  readonly limitPerChannel: number;
  readonly seedMs: number;
  readonly forecastMs: number;
  readonly fanOutMs: number;
  /** From create() to the last message at the platform. */
  readonly totalMs: number;
  readonly perChannel: Readonly<Record<'zalo' | 'messenger', { readonly sent: number; readonly sustainedPerSecond: number; readonly percentOfLimit: number }>>;
  readonly peakRssMb: number;
  readonly platformMessages: number;
  readonly duplicates: number;
  /** Recipients whose delivery is finished (not queued or sending) and who got nothing at the platform, failures included. */
  readonly losses: number;
  /** Recipients still queued when the run stopped waiting (not counted as losses). */
  readonly unsentAtStop: number;
  readonly rows: Readonly<Record<string, number>>;
  readonly completed: boolean;
  /** The app's RSS (MB) while it fanned out: at create, the highest, at the end of the fan-out. */
  readonly fanOutRssMb: { readonly atStart: number; readonly max: number; readonly atEnd: number };
  /** With BENCH_BROADCAST_SEND_WINDOW_S: the window, and what the cancel at its end did. */
  readonly sendWindow?: {
    readonly seconds: number;
    /** Messages at the platform from the cancel until they stopped (sends already claimed finish). */
    readonly sentAfterCancel: number;
    /** Messages at the platform in the 10 s after that: must be 0. */
    readonly sentAfterSettling: number;
    /** ms from the cancel call until the platform got its last message. */
    readonly stoppedWithinMs: number;
    readonly cancelled: number;
  };
}

const env = (name: string, fallback: string) => process.env[name] || fallback;
const EDGE_MS = 5_000;

/** Sends per second of one channel between two instants, from the platform's first-send times (sampled here every second). */
function sustainedRate(samples: readonly { t: number; sent: number }[], fromMs: number, toMs: number): number {
  const inside = samples.filter((s) => s.t >= fromMs && s.t <= toMs);
  if (inside.length < 2) return 0;
  const first = inside[0]!;
  const last = inside[inside.length - 1]!;
  return Math.round(((last.sent - first.sent) / (last.t - first.t)) * 1000 * 10) / 10;
}

export async function runBroadcastBench(ctx: BroadcastBenchContext): Promise<BroadcastBenchResult> {
  const recipients = Number(env('BENCH_BROADCAST_RECIPIENTS', '100000'));
  const limit = Number(env('BENCH_BROADCAST_LIMIT', '500'));
  const timeoutS = Number(env('BENCH_BROADCAST_TIMEOUT_S', String(Math.ceil(recipients / limit) * 2 + 120)));
  const sendWindowS = Number(env('BENCH_BROADCAST_SEND_WINDOW_S', '0'));
  const databaseName = `vx_bench_${ctx.stamp.toLowerCase().replace(/[^a-z0-9]/g, '_')}_bc`;
  const target: AppTarget = { databaseName, databaseUrl: withDatabase(ctx.adminDatabaseUrl, databaseName), queuePrefix: `vxbench${ctx.stamp.replace(/[^0-9]/g, '').slice(4, 14)}bc`, redisUrl: ctx.redisUrl };
  const logger = createLogger({ level: 'warn', pretty: false, name: 'bench' });
  await postJson(`${ctx.platformBase}/stats/reset`);
  const secrets = { session: randomBytes(32).toString('hex'), key: randomBytes(32).toString('hex') };
  const port = await freePort();
  const logFile = join(ctx.logs, 'app-broadcast.log');
  // A worker process by default: broadcasts are sent by workers, and ROLE=all's load governor
  // halves the send concurrency whenever the event loop lags (always, on a loaded machine): at
  // 10,000 recipients here ROLE=all sent ~135/s, ROLE=worker ~275/s. BENCH_BROADCAST_ROLE=all measures it.
  const role = env('BENCH_BROADCAST_ROLE', 'worker') === 'all' ? 'all' : 'worker';
  const appEnv = { ...appEnvironment(target, ctx.platformBase, port, role, secrets), QUIET_HOURS: 'off', ZALO_SENDS_PER_SECOND: String(limit), MESSENGER_SENDS_PER_SECOND: String(limit) };
  const app = spawnNode(ctx.appMain, appEnv, logFile, ctx.root);
  const db = createDb(target.databaseUrl, { maxConnections: 4, applicationName: 'vung-xanh-bench' });
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 3 });
  const queues = createQueues(redis, target.queuePrefix, logger);
  try {
    await waitForLogLine(logFile, '"msg":"started"', app, 60_000);
    if (role === 'all') await waitForHttp(`http://127.0.0.1:${port}/readyz`, app, 30_000);

    ctx.log(`seeding ${recipients} recipients in SQL`);
    const seedStart = performance.now();
    const client = new pg.Client({ connectionString: target.databaseUrl });
    await client.connect();
    const seeded = await seedBroadcastAudience(client, recipients).finally(() => client.end());
    const seedMs = Math.round(performance.now() - seedStart);

    const service = createBroadcastsService({
      db,
      outbox: createBroadcastOutbox({ db, queues, logger }),
      jobs: createBullMqBroadcastJobs(queues),
      policy: deliveryPolicySettingsOf(loadConfig({ QUIET_HOURS: 'off' })),
    });
    const audience = { clusters: [seeded.clusterId] };
    const f0 = performance.now();
    const forecast = await service.forecast(audience, 'waveLaunch', null);
    const forecastMs = Math.round(performance.now() - f0);
    ctx.log(`forecast in ${forecastMs} ms: ${JSON.stringify(forecast)}`);

    const createdAt = Date.now();
    const { id } = await service.create({ purpose: 'waveLaunch', text: 'Đợt “Tháng Thanh niên” bắt đầu hôm nay: cùng thay khung ảnh đại diện và lan tỏa điều tốt đẹp nhé!', audience, createdByStaffId: null }, null);
    let fanOutMs = -1;
    const samples: { t: number; zalo: number; messenger: number }[] = [];
    let peakRssMb = 0;
    let completed = false;
    const deadline = createdAt + timeoutS * 1_000;
    const fanOutRss = { atStart: memoryOf(app.pid!).rssMb, max: 0, atEnd: 0 };
    let sendWindow: BroadcastBenchResult['sendWindow'];
    while (Date.now() < deadline) {
      // The figures count every delivery by status: at a million, only every 5th second.
      const figures = fanOutMs >= 0 && recipients > 200_000 && samples.length % 5 !== 0 ? undefined : await service.figures(id, null);
      const rssMb = memoryOf(app.pid!).rssMb;
      if (fanOutMs < 0) fanOutRss.max = Math.max(fanOutRss.max, rssMb);
      if (fanOutMs < 0 && figures && figures.status !== 'scheduled' && figures.status !== 'fanningOut') {
        fanOutMs = Date.now() - createdAt;
        fanOutRss.atEnd = rssMb;
        ctx.log(`fanned out in ${fanOutMs} ms; RSS ${JSON.stringify(fanOutRss)} MB`);
      }
      const stats = await getJson<{ messengerSends: number; zaloSends: number }>(`${ctx.platformBase}/stats`);
      samples.push({ t: Date.now(), zalo: stats.zaloSends, messenger: stats.messengerSends });
      peakRssMb = Math.max(peakRssMb, memoryOf(app.pid!).peakRssMb);
      if (figures?.status === 'completed') {
        completed = true;
        break;
      }
      const firstSend = samples.find((x) => x.zalo + x.messenger > 0)?.t;
      if (sendWindowS > 0 && firstSend !== undefined && Date.now() - firstSend >= sendWindowS * 1_000) {
        sendWindow = await cancelAndWatch(ctx, service, id, samples);
        break;
      }
      if (samples.length % 20 === 0) ctx.log(`${stats.zaloSends + stats.messengerSends} sent; RSS ${rssMb} MB; ${JSON.stringify(figures && { status: figures.status, queued: figures.queued, sent: figures.sent })}`);
      await sleep(1_000);
    }
    const totalMs = Date.now() - createdAt;
    peakRssMb = Math.max(peakRssMb, memoryOf(app.pid!).peakRssMb);
    await stopProcess(app);

    const platform = await getJson<{ sends: number; firstSendAt: number | null; lastSendAt: number | null; recipients: Record<string, number> }>(`${ctx.platformBase}/stats?recipients=1`);
    let duplicates = 0;
    let missing = 0;
    for (let n = 1; n <= recipients; n += 1) {
      const r = seededRecipient(n);
      const got = platform.recipients[`${r.channel}:${r.userId}`] ?? 0;
      if (got > 1) duplicates += 1;
      if (got === 0) missing += 1;
    }
    const rows = Object.fromEntries(
      (await db.selectFrom('deliveries').select(['status', db.fn.countAll<number>().as('n')]).groupBy('status').execute()).map((r) => [r.status, Number(r.n)]),
    );
    const unsentAtStop = (rows.queued ?? 0) + (rows.sending ?? 0) + (rows.cancelled ?? 0);
    const losses = missing - unsentAtStop;
    const perChannel = {} as Record<'zalo' | 'messenger', { sent: number; sustainedPerSecond: number; percentOfLimit: number }>;
    for (const channel of ['zalo', 'messenger'] as const) {
      const series = samples.map((s) => ({ t: s.t, sent: s[channel] }));
      const started = series.find((s) => s.sent > 0)?.t ?? createdAt;
      const total = series[series.length - 1]?.sent ?? 0;
      // With a send window, the steady part ends at the cancel.
      const ended = sendWindow ? (samples[samples.length - 1]?.t ?? Date.now()) : (series.find((s) => s.sent >= total)?.t ?? Date.now());
      const rate = sustainedRate(series, started + EDGE_MS, ended - EDGE_MS);
      perChannel[channel] = { sent: total, sustainedPerSecond: rate, percentOfLimit: Math.round((rate / limit) * 1000) / 10 };
    }
    return {
      role, recipients, limitPerChannel: limit, seedMs, forecastMs, fanOutMs, totalMs, perChannel, peakRssMb, platformMessages: platform.sends, duplicates, losses, unsentAtStop, rows, completed,
      fanOutRssMb: fanOutRss, ...(sendWindow ? { sendWindow } : {}),
    };
  } finally {
    await stopProcess(app);
    await Promise.all(allQueues(queues).map((q) => q.close()));
    redis.disconnect();
    await db.destroy();
    await dropDatabase(ctx.adminDatabaseUrl, databaseName).catch((err: unknown) => ctx.log(`could not drop ${databaseName}: ${String(err)}`));
    await deleteRedisKeys(ctx.redisUrl, target.queuePrefix).catch((err: unknown) => ctx.log(`could not delete ${target.queuePrefix}:* keys: ${String(err)}`));
  }
}

/**
 * Cancels the broadcast at the end of its send window and watches the platform: the sends already
 * claimed finish, then nothing more may arrive.
 */
async function cancelAndWatch(
  ctx: BroadcastBenchContext,
  service: { cancel(id: string, scope: null): Promise<boolean>; figures(id: string, scope: null): Promise<{ cancelled: number } | undefined> },
  id: string,
  samples: { t: number; zalo: number; messenger: number }[],
): Promise<NonNullable<BroadcastBenchResult['sendWindow']>> {
  const sent = () => getJson<{ sends: number; lastSendAt: number | null }>(`${ctx.platformBase}/stats`);
  const before = await sent();
  const cancelledAt = Date.now();
  const seconds = Math.round((cancelledAt - (samples.find((x) => x.zalo + x.messenger > 0)?.t ?? cancelledAt)) / 1000);
  await service.cancel(id, null);
  ctx.log(`send window of ${seconds} s over: cancelled with ${before.sends} at the platform`);
  // Until two seconds pass without a new message, then ten more seconds that must see none.
  let last = before.sends;
  let quietSince = Date.now();
  while (Date.now() - quietSince < 2_000) {
    await sleep(250);
    const now = (await sent()).sends;
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    }
  }
  const settled = await sent();
  await sleep(10_000);
  const after = await sent();
  const figures = await service.figures(id, null);
  return {
    seconds,
    sentAfterCancel: settled.sends - before.sends,
    sentAfterSettling: after.sends - settled.sends,
    stoppedWithinMs: settled.lastSendAt !== null ? Math.max(0, settled.lastSendAt - cancelledAt) : 0,
    cancelled: figures?.cancelled ?? 0,
  };
}

/** The targets of issue 5's benchmark, and the Markdown summary. */
export function broadcastMarkdown(r: BroadcastBenchResult, meta: { stamp: string; machine: string; platformLatencyMs: number }): string {
  const checks = [
    { name: 'fan-out ≤ 10 s', ok: r.fanOutMs >= 0 && r.fanOutMs <= 10_000, value: `${(r.fanOutMs / 1000).toFixed(1)} s` },
    ...(['zalo', 'messenger'] as const).map((c) => ({ name: `${c} sustained send rate ≥ 95% of ${r.limitPerChannel}/s`, ok: r.perChannel[c].percentOfLimit >= 95, value: `${r.perChannel[c].sustainedPerSecond}/s (${r.perChannel[c].percentOfLimit}%)` })),
    { name: 'peak RSS < 300 MB', ok: r.peakRssMb < 300, value: `${r.peakRssMb} MB` },
    { name: 'duplicates = 0', ok: r.duplicates === 0, value: String(r.duplicates) },
    { name: 'losses = 0', ok: r.losses === 0, value: String(r.losses) },
  ];
  const window = r.sendWindow
    ? [
        '',
        `Send window (scale check): sent for ${r.sendWindow.seconds} s, then cancelled: ${r.sendWindow.sentAfterCancel} messages reached the platform after the cancel ` +
          `(sends already claimed; the last ${r.sendWindow.stoppedWithinMs} ms after it), ${r.sendWindow.sentAfterSettling} in the 10 s after that; ${r.sendWindow.cancelled.toLocaleString('en')} deliveries cancelled.`,
      ]
    : [];
  return [
    `# Broadcast benchmark — ${meta.stamp}`,
    '',
    `${meta.machine}. One broadcast to ${r.recipients.toLocaleString('en')} recipients (half Zalo, half Messenger, seeded in SQL in ${(r.seedMs / 1000).toFixed(1)} s), ` +
      `app compiled, ROLE=${r.role}, each channel limited to ${r.limitPerChannel}/s, the stand-in platform answering after ${meta.platformLatencyMs} ms; PostgreSQL, Redis and the stand-in share the machine.`,
    '',
    `Reach forecast at this size: ${r.forecastMs} ms. From create to the last message: ${(r.totalMs / 1000).toFixed(1)} s${r.completed ? '' : ` (NOT completed${r.sendWindow ? ': cancelled at the end of the send window' : ' within the time allowed'}: ${r.unsentAtStop} not sent, not counted as losses)`}. Platform messages: ${r.platformMessages}. Rows: ${JSON.stringify(r.rows)}.`,
    '',
    `The app's RSS over the fan-out: ${r.fanOutRssMb.atStart} MB at create, at most ${r.fanOutRssMb.max} MB, ${r.fanOutRssMb.atEnd} MB at its end.`,
    ...window,
    '',
    '| target | result | verdict |',
    '|---|---|---|',
    ...checks.map((c) => `| ${c.name} | ${c.value} | ${c.ok ? 'pass' : 'FAIL'} |`),
    '',
  ].join('\n');
}
