import { sql } from 'kysely';
import type { AppProcess } from '../helpers/app-process';
import { runAppForFile } from '../helpers/e2e-app';
import {
  botLabels,
  deliveriesOf,
  menuNumber,
  messengerMessage,
  postWebhook,
  simSend,
  sleep,
  userIds,
  waitForBotMessages,
  zaloText,
  type Channel,
  type SignedWebhook,
} from '../helpers/e2e';
import type { TestDatabase } from '../helpers/test-database';

/**
 * Platforms deliver again whenever they are unsure (a slow answer, a lost connection): the app
 * must record an event once and answer it once, however many copies arrive and whenever.
 */
describe('exactly once, through the running app', () => {
  let t: TestDatabase;
  let app: AppProcess;
  runAppForFile((running) => ({ t, app } = running));

  /** The event's row(s) and the replies its turn wrote (`reply:<eventId>:<n>`). */
  async function recordOf(hook: SignedWebhook) {
    const events = await t.db.selectFrom('inbound_events').select(['id', 'status', 'attempts']).where('channel', '=', hook.channel).where('event_key', '=', hook.eventKey).execute();
    const replies = events.length === 1 ? await t.db.selectFrom('deliveries').select('idempotency_key').where('idempotency_key', 'like', `reply:${events[0]!.id}:%`).execute() : [];
    return { events, replies };
  }

  const conversationEvents = async (channel: Channel, userId: string) =>
    Number(
      (
        await sql<{ n: string }>`select count(*) as n from inbound_events where conversation_key = ${`${channel}:${userId}`} and kind in ('message', 'follow')`.execute(t.db)
      ).rows[0]!.n,
    );

  it('When the same signed Messenger webhook is POSTed three times at once, then all three get 200, and one event is recorded, one turn runs and one reply reaches the member', async () => {
    const [psid] = userIds('messenger', 1) as [string];
    // The person starts the conversation on the simulator page, so the stand-in knows them.
    await simSend(app.baseUrl, 'messenger', psid, 'Lê Minh Châu', { type: 'text', text: 'menu' });
    await waitForBotMessages(app.baseUrl, 'messenger', psid, 2);

    const hook = messengerMessage(psid, menuNumber('help'), Date.now());
    const answers = await Promise.all([1, 2, 3].map(() => postWebhook(app.baseUrl, hook)));
    expect(answers).toEqual([1, 2, 3].map(() => ({ status: 200, text: 'EVENT_RECEIVED' })));

    // A later message, answered in order after the copies: once it is answered, any second answer would be in.
    await simSend(app.baseUrl, 'messenger', psid, 'Lê Minh Châu', { type: 'text', text: 'menu' });
    await waitForBotMessages(app.baseUrl, 'messenger', psid, 4);
    expect(await botLabels(app.baseUrl, 'messenger', psid)).toEqual(['greeting', 'menu', 'help', 'menu']);

    const { events, replies } = await recordOf(hook);
    expect(events).toEqual([{ id: expect.any(Number), status: 'processed', attempts: 0 }]);
    expect(replies).toEqual([{ idempotency_key: `reply:${events[0]!.id}:0` }]);
    expect(await deliveriesOf(t.db, 'messenger', psid)).toHaveLength(4);
    expect(await conversationEvents('messenger', psid)).toBe(3);
  });

  it('When a signed Zalo webhook is delivered again 2 s after it was answered, then the copy gets 200 and is not processed again', async () => {
    const [userId] = userIds('zalo', 1) as [string];
    await simSend(app.baseUrl, 'zalo', userId, 'Phạm Gia Huy', { type: 'follow' });
    await waitForBotMessages(app.baseUrl, 'zalo', userId, 2);
    // Following shows the consent notice; "menu" brings the menu the help is picked from.
    await simSend(app.baseUrl, 'zalo', userId, 'Phạm Gia Huy', { type: 'text', text: 'menu' });
    await waitForBotMessages(app.baseUrl, 'zalo', userId, 3);

    const hook = zaloText(userId, menuNumber('help'), Date.now());
    const first = await postWebhook(app.baseUrl, hook);
    expect(first.status).toBe(200);
    await waitForBotMessages(app.baseUrl, 'zalo', userId, 4);
    await sleep(2_000);
    const again = await postWebhook(app.baseUrl, hook);
    expect(again.status).toBe(200);

    await simSend(app.baseUrl, 'zalo', userId, 'Phạm Gia Huy', { type: 'text', text: 'menu' });
    await waitForBotMessages(app.baseUrl, 'zalo', userId, 5);
    expect(await botLabels(app.baseUrl, 'zalo', userId)).toEqual(['greeting', 'consent', 'menu', 'help', 'menu']);

    const { events, replies } = await recordOf(hook);
    expect(events).toEqual([{ id: expect.any(Number), status: 'processed', attempts: 0 }]);
    expect(replies).toHaveLength(1);
    expect(await deliveriesOf(t.db, 'zalo', userId)).toHaveLength(5);
    expect(await conversationEvents('zalo', userId)).toBe(4);
  });
});
