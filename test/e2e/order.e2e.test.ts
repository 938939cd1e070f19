import { sql } from 'kysely';
import type { AppProcess } from '../helpers/app-process';
import { runAppForFile } from '../helpers/e2e-app';
import {
  botMessages,
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
import type { TestDatabase } from '../helpers/test-database';

/**
 * ORDER UNDER LOAD (issue 3, item 7): 100 conversations (50 Messenger, 50 Zalo) × 20 messages
 * sent concurrently, every message a real dialog turn with its state saved, every reply sent
 * through the channel clients to the simulator's stand-in. The script ("menu", "2", "menu", "1",
 * …) makes each conversation's replies unique to in-order processing: a "2" or "1" answered
 * before its "menu" would get the menu, or the retry prompt, instead of the help or the waves.
 *
 * Not a timed test: the figures are printed; the wait is bounded generously so that a busy
 * machine makes it slower, never red.
 */
const CONVERSATIONS_PER_CHANNEL = 50;
const MESSAGES = 20;
const IN_FLIGHT = 64;
const { script: SCRIPT, expected: EXPECTED } = menuScript(MESSAGES);

describe('order under load, through the running app', () => {
  let t: TestDatabase;
  let app: AppProcess;
  runAppForFile((running) => ({ t, app } = running));

  it("When 100 conversations × 20 messages are sent concurrently, then every conversation gets every reply, in order, none doubled, and its events are processed in the platform's order", async () => {
    const conversations = scriptedConversations(CONVERSATIONS_PER_CHANNEL);
    const events = conversations.length * MESSAGES;
    const replies = conversations.length * EXPECTED.length;

    const startedAt = Date.now();
    const refused = await sendScripts(app.baseUrl, conversations, SCRIPT, IN_FLIGHT);
    const acknowledgedAt = Date.now();
    expect(refused).toEqual([]);

    const countSent = async () => Number((await sql<{ n: string }>`select count(*) as n from deliveries where status in ('sent', 'delivered', 'read')`.execute(t.db)).rows[0]!.n);
    await until(`${replies} replies to be sent`, async () => (await countSent()) >= replies, 120_000, 250);
    const repliedAt = Date.now();
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
      `order under load: ${conversations.length} conversations × ${MESSAGES} messages = ${events} events, ${replies} replies; ` +
        `all webhooks acknowledged in ${seconds(acknowledgedAt - startedAt)} s, every reply at the stand-in after ${seconds(repliedAt - startedAt)} s ` +
        `(${Math.round(events / ((repliedAt - startedAt) / 1000))} member messages/s end to end)`,
    );

    // Nothing left behind: every message event processed, no delivery still on its way.
    const leftovers = await sql<{ what: string; n: string }>`
      select 'event ' || status as what, count(*) as n from inbound_events where kind = 'message' and status <> 'processed' group by status
      union all
      select 'delivery ' || status, count(*) from deliveries where status not in ('sent', 'delivered', 'read') group by status`.execute(t.db);
    expect(leftovers.rows).toEqual([]);
    expect(await countSent()).toBe(replies);

    const problems: string[] = [];
    for (const c of conversations) {
      const who = `${c.channel}:${c.userId}`;
      // What the member saw at the stand-in: every reply, in order, once.
      const bot = botMessages(await threadOf(app.baseUrl, c.channel, c.userId));
      const seen = bot.map((m) => labelOf(c.channel, m));
      if (JSON.stringify(seen) !== JSON.stringify(EXPECTED)) problems.push(`${who} saw ${JSON.stringify(seen)}`);

      // What the app recorded: the replies in order, one delivery per message at the stand-in.
      const rows = await deliveriesOf(t.db, c.channel, c.userId);
      const recorded = rows.map((d) => labelOfPayload(d.payload));
      if (JSON.stringify(recorded) !== JSON.stringify(EXPECTED)) problems.push(`${who}: deliveries ${JSON.stringify(recorded)}`);
      if (JSON.stringify(rows.map((d) => d.platform_message_id)) !== JSON.stringify(bot.map((m) => m.id))) problems.push(`${who}: deliveries and the stand-in's messages differ`);

      // The events, processed in the order the platform stamped them (the script's order).
      const stored = await t.db.selectFrom('inbound_events').select(['id', 'event_key', 'status']).where('channel', '=', c.channel).where('event_key', 'in', c.eventKeys).execute();
      const idOf = new Map(stored.map((e) => [e.event_key, e.id]));
      const stampedOrder = c.eventKeys.map((key) => idOf.get(key));
      const processedOrder = eventsInProcessingOrder(rows);
      if (JSON.stringify(processedOrder) !== JSON.stringify(stampedOrder)) problems.push(`${who}: events processed as ${processedOrder.join(',')}, stamped ${stampedOrder.join(',')}`);
    }
    expect(problems).toEqual([]);
    expect(app.problems().filter((l) => l.level !== 'warn')).toEqual([]);
  }, 180_000);
});
