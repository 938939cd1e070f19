import { sql } from 'kysely';
import { startApp, type AppProcess } from '../helpers/app-process';
import { startCuttableProxy, type CutOptions, type CuttableProxy } from '../helpers/cuttable-proxy';
import { botMessages, closeHttp, labelOf, menuScript, messengerMessage, postWebhook, scriptedConversations, simSend, sleep, threadOf, until, zaloText } from '../helpers/e2e';
import { deleteQueuePrefix, uniqueQueuePrefix } from '../helpers/redis';
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from '../helpers/test-database';

/**
 * The running app (ROLE=all) reaches PostgreSQL through a proxy that the test cuts for a few
 * seconds while members write, as a database restart or failover does: connections reset, then
 * refused. The process must stay up (it used to exit: pg's 'error' on a checked-out client),
 * answer 503 meanwhile (the platforms deliver again), and, once the database is back, answer
 * every message once and in order, with no send of unknown outcome. The fault suite
 * (`npm run test:faults`) does the same with a real PostgreSQL stopped and started, at scale.
 *
 * Two cuts, one after the other on the same app: an instant one, as a network partition does (the
 * answer of a statement PostgreSQL has just committed, a claim or a record, can be lost with the
 * connection: before claim tokens this stranded a row 'sending' in about one run in two), and one
 * as a stopping database does (what it was doing answers first, then every connection is reset).
 */
const OUTAGE_MS = 5_000;
const MESSAGES = 8;
const REDELIVER_MS = 300;
const { script: SCRIPT, expected: EXPECTED } = menuScript(MESSAGES);

describe('the running app through a PostgreSQL outage', () => {
  const prefix = uniqueQueuePrefix();
  let t: TestDatabase;
  let proxy: CuttableProxy;
  let app: AppProcess;

  beforeAll(async () => {
    t = await createTestDatabase();
    const server = new URL(TEST_SERVER_URL);
    proxy = await startCuttableProxy({ host: server.hostname, port: Number(server.port || 5432) });
    app = await startApp({ databaseUrl: `postgres://${server.username || 'postgres'}@127.0.0.1:${proxy.port}/${t.name}`, queuePrefix: prefix, startTimeoutMs: 90_000 });
  });

  afterAll(async () => {
    await app?.stop();
    await closeHttp();
    await proxy?.close();
    await t?.drop();
    await deleteQueuePrefix(prefix);
  });

  const cuts: readonly (readonly [string, CutOptions])[] = [
    ['an instant cut (a partition: answers of committed statements lost)', {}],
    ['a stopping database (answers of what it was doing first)', { answersFirstMs: 500 }],
  ];

  it.each(cuts)('When the database goes away for 5 s while members write (%s), then the process stays up, webhooks get 503 meanwhile, and afterwards every message is answered once, in order, none of unknown outcome', async (_name, cut) => {
    const countSent = async () => Number((await sql<{ n: string }>`select count(*) as n from deliveries where status in ('sent', 'delivered', 'read')`.execute(t.db)).rows[0]!.n);
    const sentBefore = await countSent();
    const conversations = scriptedConversations(8);
    for (const c of conversations) {
      const first = await simSend(app.baseUrl, c.channel, c.userId, `Đoàn viên ${c.userId.slice(-3)}`, { type: 'text', text: SCRIPT[0]! });
      expect(first.delivered).toBe(true);
      c.stamps.push(Number((first.message.content as { timestamp: number | string }).timestamp));
    }
    const statuses: number[] = [];
    // Each conversation's messages one after another, each delivered again until it is answered 200.
    const sending = Promise.all(
      conversations.map(async (c) => {
        for (let i = 1; i < SCRIPT.length; i += 1) {
          const ts = Math.max(Date.now(), c.stamps.at(-1)! + 1);
          const hook = c.channel === 'messenger' ? messengerMessage(c.userId, SCRIPT[i]!, ts) : zaloText(c.userId, SCRIPT[i]!, ts);
          for (;;) {
            const answer = await postWebhook(app.baseUrl, hook);
            statuses.push(answer.status);
            if (answer.status === 200) break;
            await sleep(REDELIVER_MS);
          }
          c.stamps.push(ts);
          await sleep(150);
        }
      }),
    );
    await sleep(400);
    await proxy.cut(cut);
    await sleep(OUTAGE_MS);
    await proxy.restore();
    await sending;

    const replies = sentBefore + conversations.length * EXPECTED.length;
    await until(`${replies} replies sent`, async () => (await countSent()) >= replies || undefined, 90_000, 250);

    expect(app.child.exitCode).toBeNull();
    expect(app.child.signalCode).toBeNull();
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    // Nothing left open or failed; the stand-in's delivery receipts (events too) come in after the sends.
    const leftovers = async () =>
      (
        await sql<{ what: string; n: number }>`
          select 'event ' || status as what, count(*)::int as n from inbound_events where status <> 'processed' group by status
          union all
          select 'delivery ' || status || coalesce(' ' || error_code, ''), count(*)::int from deliveries where status not in ('sent', 'delivered', 'read') group by 1`.execute(t.db)
      ).rows;
    await until('no event or delivery left open', async () => (await leftovers()).length === 0 || undefined, 60_000, 250).catch(() => undefined);
    expect(await leftovers()).toEqual([]);
    expect(await countSent()).toBe(replies);
    const seen: Record<string, string[]> = {};
    for (const c of conversations) seen[`${c.channel}:${c.userId}`] = botMessages(await threadOf(app.baseUrl, c.channel, c.userId)).map((m) => labelOf(c.channel, m));
    expect(seen).toEqual(Object.fromEntries(conversations.map((c) => [`${c.channel}:${c.userId}`, EXPECTED])));
  }, 240_000);
});
