import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { UNKNOWN_OUTCOME } from '../../src/domain/deliveries/deliveries.repository';
import { createBullMqOutbox } from '../../src/jobs/outbox.bullmq';
import { createOutboxRelayProcessor } from '../../src/jobs/outbox-relay.processor';
import { allQueues, createQueues, type OutboxRelayJob, type OutboxRelayResult } from '../../src/jobs/queues';
import { startApp, type AppProcess } from '../helpers/app-process';
import {
  botMessages,
  closeHttp,
  contentOf,
  deliveriesOf,
  eventsInProcessingOrder,
  labelOf,
  labelOfPayload,
  menuScript,
  scriptedConversations,
  sendScripts,
  threadOf,
  until,
} from '../helpers/e2e';
import { captureLogs } from '../helpers/logs';
import { deleteQueuePrefix, TEST_REDIS_URL, uniqueQueuePrefix } from '../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

/**
 * A worker SIGKILLed mid-run (issue 3, item 7), with the api and the worker as two processes
 * (ROLE=api, ROLE=worker) as they scale out: 50 conversations × 10 messages; the worker dies
 * after some replies went out; a new worker takes over. Every event must be processed exactly
 * once and in order, and no reply may reach a member twice. A send the kill interrupted is failed
 * as unknown_outcome rather than risk a duplicate (by design); those are counted and printed.
 */
const CONVERSATIONS_PER_CHANNEL = 25;
const MESSAGES = 10;
const KILL_AFTER_SENT = 120;
const { script: SCRIPT, expected: EXPECTED } = menuScript(MESSAGES);

/** Every subsequence of `labels` that drops only some of the positions in `droppable`. */
function withoutSome<T>(labels: readonly T[], droppable: readonly number[]): T[][] {
  const out: T[][] = [];
  for (let mask = 0; mask < 1 << droppable.length; mask += 1) {
    const dropped = new Set(droppable.filter((_, i) => mask & (1 << i)));
    out.push(labels.filter((_, i) => !dropped.has(i)));
  }
  return out;
}

describe('a worker killed mid-run, through the running app', () => {
  let t: TestDatabase;
  let api: AppProcess;
  const workers: AppProcess[] = [];
  const prefix = uniqueQueuePrefix();
  const settings = () => ({ databaseUrl: t.url, queuePrefix: prefix });

  beforeAll(async () => {
    t = await createTestDatabase();
    api = await startApp({ ...settings(), role: 'api' });
    // The worker's clients call the platform stand-ins, which live on the api's port.
    workers.push(await startApp({ ...settings(), role: 'worker', port: api.port }));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await api?.stop();
    await closeHttp();
    await t?.drop();
    await deleteQueuePrefix(prefix);
  });

  const countByStatus = async () =>
    Object.fromEntries((await sql<{ status: string; n: string }>`select status, count(*) as n from deliveries group by status order by status`.execute(t.db)).rows.map((r) => [r.status, Number(r.n)]));

  /**
   * The outbox relay's own logic, run here once, while no worker is alive. In production it runs
   * every 30 s, fails a send still 'sending' after 5 minutes and gives a job back to a row still
   * 'queued' without one after 30 s; here every row still 'sending' was the killed worker's, and
   * every queued row without a job lost it to the kill (a turn committed, its enqueue never ran).
   */
  async function runRelayNow(): Promise<OutboxRelayResult> {
    const logs = captureLogs('warn');
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queues = createQueues(redis, prefix, logs.logger);
    try {
      const relay = createOutboxRelayProcessor({ db: t.db, logger: logs.logger, queues, outbox: createBullMqOutbox({ db: t.db, queues, logger: logs.logger }) });
      return await relay({ data: { queuedStaleAfterMs: 0, sendingStaleAfterMs: 0 } } as Job<OutboxRelayJob, OutboxRelayResult>);
    } finally {
      await Promise.all(allQueues(queues).map((q) => q.close()));
      redis.disconnect();
    }
  }

  it('When the worker is SIGKILLed after some replies went out and a new one starts, then every event is processed exactly once and in order, and no reply reaches a member twice', async () => {
    const conversations = scriptedConversations(CONVERSATIONS_PER_CHANNEL);
    const events = conversations.length * MESSAGES;
    const replies = conversations.length * EXPECTED.length;
    const startedAt = Date.now();
    const sending = sendScripts(api.baseUrl, conversations, SCRIPT, 64);

    await until(`${KILL_AFTER_SENT} replies sent`, async () => {
      const counts = await countByStatus();
      return (counts.sent ?? 0) + (counts.delivered ?? 0) >= KILL_AFTER_SENT;
    }, 60_000, 20);
    const killedAt = Date.now();
    expect(await workers[0]!.kill()).toMatchObject({ signal: 'SIGKILL' });
    const atKill = await countByStatus();
    const processedAtKill = Number((await sql<{ n: string }>`select count(*) as n from inbound_events where kind = 'message' and status = 'processed'`.execute(t.db)).rows[0]!.n);

    const relay = await runRelayNow();
    workers.push(await startApp({ ...settings(), role: 'worker', port: api.port }));
    expect(await sending).toEqual([]);

    await until('every event processed and every reply finished', async () => {
      const { rows } = await sql<{ pending_events: string; deliveries: string; unfinished: string }>`
        select (select count(*) from inbound_events where kind = 'message' and status <> 'processed') as pending_events,
               (select count(*) from deliveries) as deliveries,
               (select count(*) from deliveries where status in ('queued', 'sending')) as unfinished`.execute(t.db);
      const r = rows[0]!;
      return Number(r.pending_events) === 0 && Number(r.deliveries) === replies && Number(r.unfinished) === 0;
    }, 120_000, 100);
    const recoveredAt = Date.now();
    const final = await countByStatus();
    const unknown = await t.db.selectFrom('deliveries').select(['id', 'identity_id']).where('status', '=', 'failed').where('error_code', '=', UNKNOWN_OUTCOME).execute();
    console.log(
      `worker SIGKILLed ${((killedAt - startedAt) / 1000).toFixed(1)} s into ${conversations.length} conversations × ${MESSAGES} messages ` +
        `(${processedAtKill} of ${events} events processed, deliveries ${JSON.stringify(atKill)}); ` +
        `the relay failed ${relay.unknownOutcome} interrupted send(s) as unknown_outcome and gave ${relay.requeued} queued row(s) their lost job back; ` +
        `recovered ${((recoveredAt - killedAt) / 1000).toFixed(1)} s after the kill (the killed worker's jobs come back when their locks expire: 15 s sends, 20 s turns); ` +
        `final deliveries ${JSON.stringify(final)}`,
    );

    // Every event processed once: each has exactly its own replies (keys `reply:<eventId>:<n>`).
    const perEvent = await sql<{ event_id: string; n: string }>`
      select split_part(idempotency_key, ':', 2) as event_id, count(*) as n from deliveries group by 1`.execute(t.db);
    const messageEvents = await t.db.selectFrom('inbound_events').select(['id', 'status']).where('kind', '=', 'message').execute();
    expect(messageEvents).toHaveLength(events);
    expect(messageEvents.every((e) => e.status === 'processed')).toBe(true);
    expect(perEvent.rows).toHaveLength(events);
    expect(perEvent.rows.filter((r) => Number(r.n) === 2)).toHaveLength(conversations.length);
    expect(perEvent.rows.filter((r) => Number(r.n) === 1)).toHaveLength(events - conversations.length);
    expect(unknown).toHaveLength(relay.unknownOutcome);
    // One send in flight per member at a time: at most one interrupted per member.
    expect(new Set(unknown.map((u) => u.identity_id)).size).toBe(unknown.length);

    const problems: string[] = [];
    for (const c of conversations) {
      const who = `${c.channel}:${c.userId}`;
      const rows = await deliveriesOf(t.db, c.channel, c.userId);
      // The turns ran once each, in the platform's order.
      const recorded = rows.map((d) => labelOfPayload(d.payload));
      if (JSON.stringify(recorded) !== JSON.stringify(EXPECTED)) problems.push(`${who}: deliveries ${JSON.stringify(recorded)}`);
      const stored = await t.db.selectFrom('inbound_events').select(['id', 'event_key']).where('channel', '=', c.channel).where('event_key', 'in', c.eventKeys).execute();
      const idOf = new Map(stored.map((e) => [e.event_key, e.id]));
      const processedOrder = eventsInProcessingOrder(rows);
      const stampedOrder = c.eventKeys.map((key) => idOf.get(key));
      if (JSON.stringify(processedOrder) !== JSON.stringify(stampedOrder)) problems.push(`${who}: events processed as ${processedOrder.join(',')}, stamped ${stampedOrder.join(',')}`);

      // At the stand-in: every reply once and in order, except that an interrupted send may or may not have arrived.
      const bot = botMessages(await threadOf(api.baseUrl, c.channel, c.userId));
      const seen = bot.map((m) => labelOf(c.channel, m));
      const interrupted = rows.flatMap((d, i) => (d.status === 'failed' && d.error_code === UNKNOWN_OUTCOME ? [i] : []));
      if (!withoutSome(EXPECTED, interrupted).some((allowed) => JSON.stringify(allowed) === JSON.stringify(seen))) problems.push(`${who} saw ${JSON.stringify(seen)}`);
      const sentIds = rows.filter((d) => d.status === 'sent' || d.status === 'delivered').map((d) => d.platform_message_id);
      const threadIds = bot.map((m) => m.id);
      if (sentIds.some((id) => threadIds.filter((x) => x === id).length !== 1)) problems.push(`${who}: a sent delivery is not exactly once at the stand-in`);
      if (c.channel === 'messenger') {
        // Every Messenger send carries its delivery id in `metadata`: none may come twice, or out of order.
        const named = bot.map((m) => Number(/^vx:(\d+):/.exec(contentOf(m).metadata ?? '')?.[1]));
        if (named.some((id, i) => i > 0 && id <= named[i - 1]!)) problems.push(`${who}: deliveries at the stand-in ${named.join(',')}`);
      }
    }
    expect(problems).toEqual([]);
    expect(final.queued ?? 0).toBe(0);
    expect(final.sending ?? 0).toBe(0);
  }, 180_000);
});
