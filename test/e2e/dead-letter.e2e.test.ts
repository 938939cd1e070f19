import { TEXT } from '../../src/dialogs/messages.vi';
import type { AppProcess } from '../helpers/app-process';
import { runAppForFile } from '../helpers/e2e-app';
import { botLabels, botMessages, contentOf, menuNumber, simSend, threadOf, until, userIds, waitForBotMessages, type Channel } from '../helpers/e2e';
import { TEST_REDIS_URL } from '../helpers/redis';
import { runScriptProcess } from '../helpers/run-script';
import type { TestDatabase } from '../helpers/test-database';

/**
 * An event whose turn keeps failing, for real and with no hook in the product: the member's
 * conversation state names a dialog that does not exist (as a release that removed a dialog
 * would leave it), which botbuilder refuses on every attempt. The event is tried 5 times with
 * backoff (about 1 + 2 + 4 + 8 s), dead-lettered, and the member gets the apology, while other
 * conversations go on. Staff list it and replay it with scripts/replay-webhook.ts once fixed.
 */
describe('a turn that keeps failing, through the running app', () => {
  let t: TestDatabase;
  let app: AppProcess;
  let prefix: string;
  runAppForFile((running) => ({ t, app, prefix } = running));

  const replay = (...args: string[]) => runScriptProcess('replay-webhook', args, { DATABASE_URL: t.url, QUEUE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn' });

  it('When a conversation\'s turn fails every time, then after 5 attempts the event is dead and the member gets the apology, others are answered meanwhile, and staff can list and replay it once the state is fixed', async () => {
    const [victim, ...otherPsids] = userIds('messenger', 3) as [string, ...string[]];
    const stateKey = `messenger/conversations/messenger:${victim}/`;
    await t.db
      .insertInto('bot_state')
      .values({ key: stateKey, data: JSON.stringify({ dialogState: { dialogStack: [{ id: 'aDialogThatNoLongerExists', state: {} }] } }), etag: 'left-by-an-old-release' })
      .execute();

    const wroteAt = Date.now();
    await simSend(app.baseUrl, 'messenger', victim, 'Võ Thanh Tâm', { type: 'text', text: 'xin chào' });
    const event = await until('the event to be recorded', async () =>
      t.db.selectFrom('inbound_events').select(['id', 'conversation_key']).where('conversation_key', '=', `messenger:${victim}`).where('kind', '=', 'message').executeTakeFirst(),
    );
    await until('the first failed attempt', async () => {
      const row = await t.db.selectFrom('inbound_events').select('attempts').where('id', '=', event.id).executeTakeFirstOrThrow();
      return row.attempts >= 1;
    });

    // Meanwhile, other members on both channels are answered as usual.
    const others: { channel: Channel; userId: string }[] = [
      ...otherPsids.map((userId) => ({ channel: 'messenger' as const, userId })),
      ...userIds('zalo', 2).map((userId) => ({ channel: 'zalo' as const, userId })),
    ];
    await Promise.all(
      others.map(async ({ channel, userId }) => {
        await simSend(app.baseUrl, channel, userId, 'Người khác', { type: 'text', text: 'menu' });
        await waitForBotMessages(app.baseUrl, channel, userId, 2);
        await simSend(app.baseUrl, channel, userId, 'Người khác', { type: 'text', text: menuNumber('help') });
        await waitForBotMessages(app.baseUrl, channel, userId, 3);
      }),
    );
    const othersDoneAt = Date.now();
    for (const { channel, userId } of others) expect(await botLabels(app.baseUrl, channel, userId)).toEqual(['greeting', 'menu', 'help']);

    const dead = await until(
      'the event to be dead-lettered',
      async () => {
        const row = await t.db.selectFrom('inbound_events').select(['status', 'attempts', 'last_error', 'dead_at']).where('id', '=', event.id).executeTakeFirstOrThrow();
        return row.status === 'dead' ? row : undefined;
      },
      60_000,
    );
    const deadAt = Date.now();
    expect(dead.attempts).toBe(5);
    expect(dead.last_error).toContain('aDialogThatNoLongerExists');
    // The others were all answered while the event was still being retried.
    expect(othersDoneAt).toBeLessThan(dead.dead_at!.getTime());
    // Backoff between the 5 attempts: about 1 + 2 + 4 + 8 s (less up to 30% jitter).
    expect(deadAt - wroteAt).toBeGreaterThan(9_000);
    const [apology] = await waitForBotMessages(app.baseUrl, 'messenger', victim, 1);
    expect(contentOf(apology!).text).toBe(TEXT.apology);
    console.log(`dead-lettered ${((deadAt - wroteAt) / 1000).toFixed(1)} s after the member wrote, after ${dead.attempts} attempts: ${dead.last_error}`);

    // Staff see it…
    const listed = await replay('--list');
    expect(listed).toMatchObject({ code: 0 });
    expect(listed.stdout).toContain(`#${event.id}  messenger  message  messenger:${victim}  5 lần thử`);

    // …fix what made it fail, and replay it: the member gets a normal answer.
    await t.db.deleteFrom('bot_state').where('key', '=', stateKey).execute();
    const replayed = await replay('--id', String(event.id));
    expect(replayed).toMatchObject({ code: 0 });
    expect(replayed.stdout).toContain('Queued 1 conversation(s) again.');
    await waitForBotMessages(app.baseUrl, 'messenger', victim, 3);
    expect(await botLabels(app.baseUrl, 'messenger', victim)).toEqual(['apology', 'greeting', 'consent']);
    expect(botMessages(await threadOf(app.baseUrl, 'messenger', victim)).filter((m) => contentOf(m).text === TEXT.apology)).toHaveLength(1);
    const after = await t.db.selectFrom('inbound_events').select(['status', 'replayed_at']).where('id', '=', event.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('processed');
    expect(after.replayed_at).toBeInstanceOf(Date);
    expect((await replay('--list')).stdout).toContain('No dead-lettered events.');
  }, 120_000);
});
