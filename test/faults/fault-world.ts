import { appendFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import pg from 'pg';
import { seedBroadcastAudience, seededRecipient, type SeededAudience } from '../../scripts/bench/broadcast-seed';
import { BENCH_CREDENTIALS as C } from '../../scripts/bench/webhooks';
import { loadConfig } from '../../src/config/config';
import { createDb, type Db } from '../../src/db/database';
import { ensureDatabase } from '../../src/db/ensure-database';
import { migrateToLatest } from '../../src/db/migrate';
import { createBroadcastsService } from '../../src/domain/broadcasts/broadcasts.service';
import { deliveryPolicySettingsOf } from '../../src/domain/deliveries/delivery-policy-settings';
import { createBroadcastOutbox } from '../../src/jobs/broadcast-outbox';
import { createBullMqBroadcastJobs } from '../../src/jobs/broadcasts.processor';
import { allQueues, createQueues, type Queues } from '../../src/jobs/queues';
import { startApp, type AppProcess, type AppRole } from '../helpers/app-process';
import { closeHttp } from '../helpers/e2e';
import { captureLogs } from '../helpers/logs';
import { startFaultPlatform, type FaultPlatform } from './fault-platform';
import { startOwnPostgres, startOwnRedis, type OwnPostgres, type OwnRedis } from './own-services';

/**
 * One scenario's world: its own PostgreSQL cluster and redis-server (stopped and started by the
 * scenario, never the machine's shared ones), the fault-injecting platform, a migrated database,
 * the app as child processes, and, in the test process, the queues and broadcasts service the
 * admin API would use.
 */
export const ZALO_APP_SECRET = 'faults-zalo-app-secret-2b7e41';
export const SECRETS_KEY = '7'.repeat(64);

export interface FaultWorld {
  readonly pg: OwnPostgres;
  readonly redis: OwnRedis;
  readonly platform: FaultPlatform;
  readonly db: Db;
  readonly databaseUrl: string;
  readonly queues: Queues;
  readonly prefix: string;
  readonly apps: AppProcess[];
  readonly logs: ReturnType<typeof captureLogs>;
  startApp(role?: AppRole, env?: Record<string, string>): Promise<AppProcess>;
  seedAudience(recipients: number): Promise<SeededAudience>;
  /** Creates a broadcast to the seeded audience as the admin API would; the app fans it out. */
  broadcast(audience: SeededAudience, text: string): Promise<string>;
  broadcastFigures(id: string): ReturnType<ReturnType<typeof createBroadcastsService>['figures']>;
  deliveriesByStatus(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function createFaultWorld(options: { appendOnlyRedis: boolean; sendsPerSecond?: number }): Promise<FaultWorld> {
  const ownPg = await startOwnPostgres();
  const ownRedis = await startOwnRedis({ appendOnly: options.appendOnlyRedis });
  const platform = await startFaultPlatform({ zaloAppSecret: ZALO_APP_SECRET });
  const databaseUrl = ownPg.urlOf('vx_faults');
  await ensureDatabase(databaseUrl);
  // A pool that waits out an outage instead of failing the test's own reads.
  const db = createDb(databaseUrl, { maxConnections: 4, applicationName: 'vung-xanh-faults' });
  await migrateToLatest(db);
  const prefix = 'vxfaults';
  const logs = captureLogs('error');
  const redis = new Redis(ownRedis.url, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  const queues = createQueues(redis, prefix, logs.logger);
  const apps: AppProcess[] = [];
  const rate = String(options.sendsPerSecond ?? 200);

  const appEnv = (): Record<string, string> => ({
    REDIS_URL: ownRedis.url,
    SIMULATOR: 'off',
    SECRETS_KEY,
    MESSENGER_APP_SECRET: C.messengerAppSecret,
    MESSENGER_VERIFY_TOKEN: C.messengerVerifyToken,
    MESSENGER_PAGE_ACCESS_TOKEN: C.messengerPageToken,
    GRAPH_API_BASE: platform.base,
    ZALO_APP_ID: C.zaloAppId,
    ZALO_APP_SECRET,
    ZALO_OA_SECRET_KEY: C.zaloOaSecretKey,
    ZALO_ACCESS_TOKEN: platform.zaloAccessToken,
    ZALO_REFRESH_TOKEN: platform.zaloRefreshToken,
    ZALO_API_BASE: platform.base,
    ZALO_OAUTH_BASE: platform.base,
    ZALO_SENDS_PER_SECOND: rate,
    MESSENGER_SENDS_PER_SECOND: rate,
  });
  const config = loadConfig({ QUIET_HOURS: 'off' });
  const service = createBroadcastsService({
    db,
    outbox: createBroadcastOutbox({ db, queues, logger: logs.logger }),
    jobs: createBullMqBroadcastJobs(queues),
    policy: deliveryPolicySettingsOf(config),
  });

  return {
    pg: ownPg,
    redis: ownRedis,
    platform,
    db,
    databaseUrl,
    queues,
    prefix,
    apps,
    logs,
    async startApp(role = 'all', env = {}) {
      const app = await startApp({ databaseUrl, queuePrefix: prefix, role, env: { ...appEnv(), ...env }, startTimeoutMs: 90_000 });
      apps.push(app);
      // A process that dies by itself is a finding: say why at once (its log directory goes with it).
      void app.exited.then((exit) => {
        if (exit.signal === 'SIGKILL' || exit.signal === 'SIGTERM' || exit.code === 0) return;
        const last = [...app.lines.filter((l) => l.level === 'fatal' || l.level === 'error').slice(0, 4), ...app.problems().slice(-2)].map((l) => JSON.stringify(l).slice(0, 2000));
        const text = `\n[faults] the app exited by itself (code ${exit.code}, signal ${exit.signal}):\n${last.join('\n')}\n${app.stderr().slice(-3000)}\n`;
        process.stdout.write(text);
        if (process.env.FAULTS_FIGURES_FILE) appendFileSync(process.env.FAULTS_FIGURES_FILE, `${JSON.stringify({ appExited: exit, last, stderr: app.stderr().slice(-3000) })}\n`);
      });
      return app;
    },
    async seedAudience(recipients) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        return await seedBroadcastAudience(client, recipients);
      } finally {
        await client.end();
      }
    },
    async broadcast(audience, text) {
      const { id } = await service.create({ purpose: 'waveLaunch', text, audience: { clusters: [audience.clusterId] }, createdByStaffId: null }, null);
      return id;
    },
    broadcastFigures: (id) => service.figures(id, null),
    async deliveriesByStatus() {
      const rows = await sql<{ status: string; n: number }>`select status, count(*)::int as n from deliveries group by status`.execute(db);
      return Object.fromEntries(rows.rows.map((r) => [r.status, r.n]));
    },
    async close() {
      await Promise.all(apps.map((a) => a.stop(10_000)));
      await Promise.all(allQueues(queues).map((q) => q.close().catch(() => undefined)));
      redis.disconnect();
      await closeHttp();
      await db.destroy().catch(() => undefined);
      await platform.close();
      await ownRedis.destroy();
      await ownPg.destroy();
    },
  };
}

/** Per recipient of a seeded audience: how many got nothing, how many more than one. */
export function perRecipient(platform: FaultPlatform, recipients: number, excused: ReadonlySet<string> = new Set()) {
  let missing = 0;
  let doubled = 0;
  let excusedMissing = 0;
  const problems: string[] = [];
  for (let n = 1; n <= recipients; n += 1) {
    const r = seededRecipient(n);
    const key = `${r.channel}:${r.userId}`;
    const got = platform.delivered.get(key) ?? 0;
    if (got > 1) {
      doubled += got - 1;
      problems.push(`${key} got ${got}`);
    }
    if (got === 0) {
      if (excused.has(key)) excusedMissing++;
      else {
        missing++;
        problems.push(`${key} got nothing`);
      }
    }
  }
  return { missing, doubled, excusedMissing, problems: problems.slice(0, 20) };
}

/** The app's warnings and errors, counted by message (what it went through, in a line). */
export function problemsByMessage(apps: readonly { problems(): { msg?: string; level?: string }[] }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const app of apps) {
    for (const line of app.problems()) {
      const key = `${line.level ?? '?'}: ${String(line.msg ?? '').slice(0, 90)}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return counts;
}

/** What every scenario prints, and appends as one JSON line to FAULTS_FIGURES_FILE when set. */
export interface ScenarioFigures {
  readonly scenario: string;
  readonly sent: number;
  readonly acknowledged: number;
  readonly processed: number;
  readonly lost: number;
  readonly doubled: number;
  readonly recoveryMs: number | null;
  readonly notes?: Record<string, unknown>;
}

export function reportFigures(f: ScenarioFigures): void {
  const recovery = f.recoveryMs === null ? 'n/a' : `${(f.recoveryMs / 1000).toFixed(1)} s`;
  const line =
    `\n[faults] ${f.scenario}\n` +
    `  events sent ${f.sent} · acknowledged ${f.acknowledged} · processed ${f.processed} · lost ${f.lost} · doubled ${f.doubled} · recovery ${recovery}\n` +
    (f.notes ? `  ${Object.entries(f.notes).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ')}\n` : '');
  process.stdout.write(line);
  const file = process.env.FAULTS_FIGURES_FILE;
  if (file) appendFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), ...f })}\n`);
}
