import { Agent, request } from 'undici';
import { sql } from 'kysely';
import { createWebhookFactory, type SignedWebhook } from '../../scripts/bench/webhooks';
import type { Db } from '../../src/db/database';
import { sleep } from '../helpers/e2e';
import type { FaultPlatform } from './fault-platform';

/**
 * Steady webhook load as the platforms deliver it: signed events from `users` members at about
 * `perSecond`, each delivered again (after `redeliverMs`) until it is answered 200, as Meta and
 * Zalo redeliver what was not acknowledged. Every answer is kept with its time, so a scenario can
 * say what the webhook answered while a dependency was down.
 */
export interface Answer {
  readonly at: number;
  readonly status: number;
}

export interface WebhookLoad {
  /** Stops making new events and resolves once every event made was answered 200. */
  stop(): Promise<void>;
  /** Stops making and delivering events at once (the app died: nothing would ever answer 200). */
  abandon(): Promise<void>;
  readonly answers: Answer[];
  /** Event keys made, and those acknowledged (answered 200 at some delivery). */
  readonly made: Map<string, SignedWebhook>;
  readonly acknowledged: Set<string>;
  /** Deliveries that were a redelivery (the first answer was not 200). */
  redeliveries(): number;
}

export function startWebhookLoad(baseUrl: string, options: { users: number; perSecond: number; runId: string; redeliverMs?: number }): WebhookLoad {
  const factory = createWebhookFactory({ users: options.users, runId: options.runId });
  const agent = new Agent({ connections: 32, keepAliveTimeout: 10_000 });
  const answers: Answer[] = [];
  const made = new Map<string, SignedWebhook>();
  const acknowledged = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let redelivered = 0;
  let running = true;
  let abandoned = false;

  async function deliver(hook: SignedWebhook): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      if (attempt > 0) redelivered++;
      let status: number;
      try {
        const res = await request(`${baseUrl}${hook.path}`, { method: 'POST', body: hook.body, headers: hook.headers, dispatcher: agent, headersTimeout: 30_000, bodyTimeout: 30_000 });
        status = res.statusCode;
        await res.body.dump();
      } catch {
        status = 0;
      }
      answers.push({ at: Date.now(), status });
      if (status === 200) {
        acknowledged.add(hook.eventKey);
        return;
      }
      if (abandoned) return;
      await sleep(options.redeliverMs ?? 500);
    }
  }

  const pump = (async () => {
    const started = Date.now();
    let sent = 0;
    while (running) {
      const due = Math.floor(((Date.now() - started) / 1000) * options.perSecond);
      while (sent < due && running) {
        const hook = factory.next();
        made.set(hook.eventKey, hook);
        const p = deliver(hook).finally(() => inFlight.delete(p));
        inFlight.add(p);
        sent++;
      }
      await sleep(20);
    }
  })();

  return {
    answers,
    made,
    acknowledged,
    redeliveries: () => redelivered,
    async stop() {
      running = false;
      await pump;
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      await agent.close();
    },
    async abandon() {
      abandoned = true;
      running = false;
      await pump;
      await agent.destroy();
    },
  };
}

/**
 * Waits until no inbound event is left to process and no send is left queued or in flight; returns
 * when that was, or (timed out) null and what was still open, so the scenario still prints figures;
 * and what was open every 5 s meanwhile (`timeline`, keyed by seconds since the call), to say what
 * a slow recovery waited for.
 */
export async function waitForQuiet(db: Db, timeoutMs: number): Promise<{ at: number | null; open: Record<string, number>; timeline: Record<string, Record<string, number>> }> {
  const openNow = async (): Promise<Record<string, number>> => {
    try {
      const rows = await sql<{ what: string; n: number }>`
        select 'inbound ' || status as what, count(*)::int as n from inbound_events where status in ('received', 'processing', 'failed') group by status
        union all
        select 'delivery ' || status, count(*)::int from deliveries where status in ('queued', 'sending') group by status`.execute(db);
      return Object.fromEntries(rows.rows.map((r) => [r.what, r.n]));
    } catch {
      return { 'database unreachable': 1 };
    }
  };
  const started = Date.now();
  const deadline = started + timeoutMs;
  const timeline: Record<string, Record<string, number>> = {};
  for (;;) {
    const open = await openNow();
    const slot = `${Math.floor((Date.now() - started) / 5_000) * 5} s`;
    timeline[slot] ??= open;
    if (Object.keys(open).length === 0) return { at: Date.now(), open, timeline };
    if (Date.now() > deadline) return { at: null, open, timeline };
    await sleep(250);
  }
}

/** The turn figures: acknowledged events processed, lost, and replies doubled at the platform. */
export async function turnFigures(db: Db, platform: FaultPlatform, load: WebhookLoad) {
  const acked = [...load.acknowledged];
  const rows = await db.selectFrom('inbound_events').select(['event_key', 'status']).where('event_key', 'in', acked.length > 0 ? acked : ['-']).execute();
  const processed = rows.filter((r) => r.status === 'processed').length;
  const byStatus: Record<string, number> = {};
  for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const sentPerRecipient = await sql<{ key: string; n: number; unknown: number }>`
    select i.channel || ':' || i.platform_user_id as key,
           count(*) filter (where d.status in ('sent', 'delivered', 'read'))::int as n,
           count(*) filter (where d.status = 'failed' and d.error_code = 'unknown_outcome')::int as unknown
    from deliveries d join channel_identities i on i.id = d.identity_id
    where d.broadcast_id is null
    group by 1`.execute(db);
  const recorded = new Map(sentPerRecipient.rows.map((r) => [r.key, r.n]));
  // A send of unknown outcome may have arrived once: only beyond that is a message doubled.
  const unknownOf = new Map(sentPerRecipient.rows.map((r) => [r.key, r.unknown]));
  let doubled = 0;
  let unrecorded = 0;
  const users = new Set([...load.made.values()].map((h) => `${h.channel}:${h.userId}`));
  for (const key of users) {
    const atPlatform = platform.delivered.get(key) ?? 0;
    const inDb = recorded.get(key) ?? 0;
    if (atPlatform > inDb + (unknownOf.get(key) ?? 0)) doubled += atPlatform - inDb - (unknownOf.get(key) ?? 0);
    if (atPlatform < inDb) unrecorded += inDb - atPlatform;
  }
  const unknown = await sql<{ n: number }>`select count(*)::int as n from deliveries where status = 'failed' and error_code = 'unknown_outcome' and broadcast_id is null`.execute(db);
  return {
    sent: load.made.size,
    acknowledged: acked.length,
    processed,
    lost: acked.length - processed,
    byStatus,
    repliesAtPlatform: [...users].reduce((s, k) => s + (platform.delivered.get(k) ?? 0), 0),
    repliesRecordedSent: [...recorded.values()].reduce((s, n) => s + n, 0),
    doubledReplies: doubled,
    repliesRecordedButNotAtPlatform: unrecorded,
    replyUnknownOutcome: unknown.rows[0]!.n,
  };
}

/** Statuses answered between two instants. */
export function answersBetween(answers: readonly Answer[], from: number, to: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) if (a.at >= from && a.at < to) out[String(a.status)] = (out[String(a.status)] ?? 0) + 1;
  return out;
}
