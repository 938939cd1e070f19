/**
 * What the bench asks the app's database: its settings for the run, when the backlog has drained,
 * and whether every accepted event got exactly one reply set (no loss, no duplicates), comparing
 * the `deliveries` rows with what the stand-in platform actually received. Also the database and
 * Redis keys of a run, created and removed by the bench.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { BENCH_CREDENTIALS as C } from './webhooks';

export interface AppTarget {
  readonly databaseUrl: string;
  readonly databaseName: string;
  readonly queuePrefix: string;
  readonly redisUrl: string;
}

/** The app's environment: both real channels configured (simulator off), every platform URL on the stand-in. */
export function appEnvironment(target: AppTarget, platformBase: string, port: number, role: 'all' | 'api' | 'worker', secrets: { session: string; key: string }): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    ROLE: role,
    DATABASE_URL: target.databaseUrl,
    REDIS_URL: target.redisUrl,
    QUEUE_PREFIX: target.queuePrefix,
    SESSION_SECRET: secrets.session,
    SECRETS_KEY: secrets.key,
    SIMULATOR: 'off',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    LOG_PRETTY: '0',
    MESSENGER_APP_SECRET: C.messengerAppSecret,
    MESSENGER_VERIFY_TOKEN: C.messengerVerifyToken,
    MESSENGER_PAGE_ACCESS_TOKEN: C.messengerPageToken,
    GRAPH_API_BASE: platformBase,
    ZALO_APP_ID: C.zaloAppId,
    ZALO_OA_SECRET_KEY: C.zaloOaSecretKey,
    ZALO_ACCESS_TOKEN: C.zaloAccessToken,
    ZALO_API_BASE: platformBase,
    ZALO_OAUTH_BASE: platformBase,
    // The highest the settings accept: the bench measures the app, not the platforms' limits.
    ZALO_SENDS_PER_SECOND: '9999',
    MESSENGER_SENDS_PER_SECOND: '9999',
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'vung-xanh-bench' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The pids of the PostgreSQL backends connected to `database`. */
export async function backendPids(adminUrl: string, database: string): Promise<number[]> {
  return withClient(adminUrl, async (c) => (await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database])).rows.map((r) => r.pid));
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^vx_bench_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await withClient(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`));
}

/** Deletes the run's keys (its own QUEUE_PREFIX), a bounded number of SCAN rounds. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  if (!prefix.startsWith('vxbench')) throw new Error(`refusing to delete keys of ${prefix}`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    for (let round = 0; round < 10_000; round++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export interface Backlog {
  readonly pendingEvents: number;
  readonly unfinishedDeliveries: number;
}

export async function backlog(client: pg.Client): Promise<Backlog> {
  const { rows } = await client.query<{ events: string; deliveries: string }>(
    `select (select count(*) from inbound_events where status in ('received', 'processing', 'failed')) as events,
            (select count(*) from deliveries where status in ('queued', 'sending')) as deliveries`,
  );
  return { pendingEvents: Number(rows[0]!.events), unfinishedDeliveries: Number(rows[0]!.deliveries) };
}

/** Polls until nothing is pending or `timeoutMs` passes; how long it took and what was left at first. */
export async function waitForDrain(databaseUrl: string, timeoutMs: number): Promise<{ drained: boolean; drainMs: number; atStart: Backlog; left: Backlog }> {
  return withClient(databaseUrl, async (client) => {
    const started = Date.now();
    const atStart = await backlog(client);
    let left = atStart;
    while (left.pendingEvents + left.unfinishedDeliveries > 0 && Date.now() - started < timeoutMs) {
      await sleep(200);
      left = await backlog(client);
    }
    return { drained: left.pendingEvents + left.unfinishedDeliveries === 0, drainMs: Date.now() - started, atStart, left };
  });
}

// A turn's replies are the deliveries keyed `reply:<inbound event id>:<index>` (main/conversations.ts).
const REPLY_SETS = `select split_part(idempotency_key, ':', 2)::bigint as event_id, count(*) as n,
    count(*) filter (where status = 'sent') as sent,
    count(*) filter (where status in ('queued', 'sending')) as in_flight,
    count(*) filter (where status in ('failed', 'skipped', 'expired', 'cancelled')) as failed,
    max(sent_at) as last_sent_at
  from deliveries where purpose = 'reply' and idempotency_key like 'reply:%' group by 1`;

export interface WindowFigures {
  /** Events whose whole reply set had been delivered inside the window. */
  readonly replySetsInWindow: number;
  /** Reply messages (deliveries) sent inside the window, by the database's clock. */
  readonly repliesSentInWindow: number;
  /** Event received → last reply of its set sent, for events received inside the window (ms). */
  readonly endToEndMs: { p50: number | null; p99: number | null; max: number | null };
}

export async function windowFigures(databaseUrl: string, fromMs: number, toMs: number): Promise<WindowFigures> {
  return withClient(databaseUrl, async (client) => {
    const sets = await client.query<{ n: string }>(`with r as (${REPLY_SETS}) select count(*) as n from r where n = sent and last_sent_at >= to_timestamp($1 / 1000.0) and last_sent_at < to_timestamp($2 / 1000.0)`, [fromMs, toMs]);
    const sent = await client.query<{ n: string }>(`select count(*) as n from deliveries where sent_at >= to_timestamp($1 / 1000.0) and sent_at < to_timestamp($2 / 1000.0)`, [fromMs, toMs]);
    const e2e = await client.query<{ p: (number | null)[] | null; max: number | null }>(
      `with r as (${REPLY_SETS})
       select percentile_cont(array[0.5, 0.99]) within group (order by extract(epoch from r.last_sent_at - e.received_at) * 1000) as p,
              max(extract(epoch from r.last_sent_at - e.received_at) * 1000)::float8 as max
       from inbound_events e join r on r.event_id = e.id
       where r.n = r.sent and e.received_at >= to_timestamp($1 / 1000.0) and e.received_at < to_timestamp($2 / 1000.0)`,
      [fromMs, toMs],
    );
    const p = e2e.rows[0]?.p ?? [null, null];
    const r1 = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);
    return {
      replySetsInWindow: Number(sets.rows[0]!.n),
      repliesSentInWindow: Number(sent.rows[0]!.n),
      endToEndMs: { p50: r1(p[0]), p99: r1(p[1]), max: r1(e2e.rows[0]?.max) },
    };
  });
}

export interface Verification {
  readonly events: number;
  readonly eventsByStatus: Readonly<Record<string, number>>;
  /** Events not processed yet when the run ended (a backlog the bench stopped waiting for): not checked. */
  readonly pending: number;
  /** Processed events with no reply delivery at all: lost replies. */
  readonly unanswered: number;
  /** Processed events with a reply still queued or being sent when the app stopped (sent after a restart): not a loss. */
  readonly repliesInFlight: number;
  /** Reply deliveries that ended failed, skipped or expired: lost replies. */
  readonly repliesFailed: number;
  readonly replies: number;
  readonly repliesPerEvent: { min: number; max: number };
  readonly apologies: number;
  readonly deliveriesByStatus: Readonly<Record<string, number>>;
  /** Recipients that got more messages at the platform than the database says were sent. */
  readonly duplicatedAtPlatform: number;
  /** Recipients that got fewer. */
  readonly missingAtPlatform: number;
  readonly platformMessages: number;
  readonly recipients: number;
}

export async function verify(databaseUrl: string, platformCounts: Readonly<Record<string, number>>): Promise<Verification> {
  return withClient(databaseUrl, async (client) => {
    const byStatus = await client.query<{ status: string; n: string }>('select status, count(*) as n from inbound_events group by 1');
    const sets = await client.query<{ total: string; pending: string; unanswered: string; in_flight: string; failed: string; replies: string; min: number | null; max: number | null }>(
      `with r as (${REPLY_SETS})
       select count(*) as total,
              count(*) filter (where e.status <> 'processed') as pending,
              count(*) filter (where e.status = 'processed' and r.event_id is null) as unanswered,
              count(*) filter (where e.status = 'processed' and r.in_flight > 0) as in_flight,
              coalesce(sum(r.failed), 0) as failed,
              coalesce(sum(r.n), 0) as replies, min(r.n)::int as min, max(r.n)::int as max
       from inbound_events e left join r on r.event_id = e.id`,
    );
    const deliveries = await client.query<{ status: string; n: string }>('select status, count(*) as n from deliveries group by 1');
    const apologies = await client.query<{ n: string }>(`select count(*) as n from deliveries where idempotency_key like 'apology:%'`);
    const perRecipient = await client.query<{ k: string; n: string }>(
      `select i.channel || ':' || i.platform_user_id as k, count(*) as n from deliveries d join channel_identities i on i.id = d.identity_id
       where d.status in ('sent', 'delivered', 'read') group by 1`,
    );
    const db = new Map(perRecipient.rows.map((r) => [r.k, Number(r.n)]));
    let duplicated = 0;
    let missing = 0;
    for (const key of new Set([...db.keys(), ...Object.keys(platformCounts)])) {
      const atPlatform = platformCounts[key] ?? 0;
      const recorded = db.get(key) ?? 0;
      if (atPlatform > recorded) duplicated++;
      if (atPlatform < recorded) missing++;
    }
    const s = sets.rows[0]!;
    return {
      events: Number(s.total),
      eventsByStatus: Object.fromEntries(byStatus.rows.map((r) => [r.status, Number(r.n)])),
      pending: Number(s.pending),
      unanswered: Number(s.unanswered),
      repliesInFlight: Number(s.in_flight),
      repliesFailed: Number(s.failed),
      replies: Number(s.replies),
      repliesPerEvent: { min: s.min ?? 0, max: s.max ?? 0 },
      apologies: Number(apologies.rows[0]!.n),
      deliveriesByStatus: Object.fromEntries(deliveries.rows.map((r) => [r.status, Number(r.n)])),
      duplicatedAtPlatform: duplicated,
      missingAtPlatform: missing,
      platformMessages: Object.values(platformCounts).reduce((a, b) => a + b, 0),
      recipients: Object.keys(platformCounts).length,
    };
  });
}
