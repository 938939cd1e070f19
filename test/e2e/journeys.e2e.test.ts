import { MENU, ONBOARDING, TEXT } from '../../src/dialogs/messages.vi';
import type { AppProcess } from '../helpers/app-process';
import { runAppForFile } from '../helpers/e2e-app';
import {
  botMessages,
  contentOf,
  deliveriesOf,
  labelOf,
  menuNumber,
  MESSENGER_MENU_CHIPS,
  simSeen,
  simSend,
  threadOf,
  until,
  userIds,
  waitForBotMessages,
  ZALO_MENU_TEXT,
  type Channel,
} from '../helpers/e2e';
import type { TestDatabase } from '../helpers/test-database';
import { ROSTER, seedOnboardingDistrict } from '../helpers/onboarding-seed';

/**
 * A member's first minutes, on each channel, through the whole running app: the simulator signs
 * and posts the real webhooks, the app records them, runs the turns in its worker and sends the
 * replies through its channel clients to the simulator's stand-in of each platform's API.
 */
describe('member journeys through the running app', () => {
  let t: TestDatabase;
  let app: AppProcess;
  runAppForFile((running) => ({ t, app } = running), { reportProblems: true });

  const identityOf = (channel: Channel, userId: string) =>
    t.db.selectFrom('channel_identities').selectAll().where('channel', '=', channel).where('platform_user_id', '=', userId).executeTakeFirst();

  const labels = async (channel: Channel, userId: string) => botMessages(await threadOf(app.baseUrl, channel, userId)).map((m) => labelOf(channel, m));

  it('When a Messenger user writes, asks for the menu, taps "Trợ giúp", asks for the menu again and taps the waves, then they get the greeting and the consent notice, the menu as quick replies, the help, the menu, the waves; their identity and deliveries are recorded', async () => {
    const [psid] = userIds('messenger', 1) as [string];
    const name = 'Nguyễn Văn An';
    const say = async (action: Parameters<typeof simSend>[4], botCount: number) => {
      const sent = await simSend(app.baseUrl, 'messenger', psid, name, action);
      expect(sent.delivered).toBe(true);
      await waitForBotMessages(app.baseUrl, 'messenger', psid, botCount);
      return sent;
    };

    await say({ type: 'text', text: 'xin chào' }, 2);
    const [greeting, consent] = botMessages(await threadOf(app.baseUrl, 'messenger', psid));
    expect(contentOf(greeting!)).toMatchObject({ text: TEXT.greeting });
    expect(contentOf(greeting!).quick_replies).toBeUndefined();
    expect(contentOf(consent!).text).toBe(ONBOARDING.consentNotice);

    // "menu" interrupts the consent question; nothing personal was asked or kept.
    await say({ type: 'text', text: 'menu' }, 3);
    expect(contentOf(botMessages(await threadOf(app.baseUrl, 'messenger', psid))[2]!)).toMatchObject({ text: TEXT.menuPrompt, quick_replies: MESSENGER_MENU_CHIPS });
    await say({ type: 'quickReply', title: MENU.help.title, payload: MENU.help.value }, 4);
    await say({ type: 'text', text: 'menu' }, 5);
    const last = await say({ type: 'quickReply', title: MENU.currentWaves.title, payload: MENU.currentWaves.value }, 6);
    expect(await labels('messenger', psid)).toEqual(['greeting', 'consent', 'menu', 'help', 'menu', 'waves']);
    // A fresh database has no waves: the member is told so, politely.
    expect(contentOf(botMessages(await threadOf(app.baseUrl, 'messenger', psid))[5]!).text).toBe(TEXT.noCurrentWaves);

    // The name comes from the stand-in's profile endpoint, in the background of the first turn.
    const identity = await until('the display name to be fetched', async () => {
      const row = await identityOf('messenger', psid);
      return row?.display_name ? row : undefined;
    });
    expect(identity).toMatchObject({ display_name: name, follow_state: 'unknown', reachability: 'reachable' });
    expect(identity.profile_fetched_at).toBeInstanceOf(Date);
    // The window clock: the platform's stamp of the member's last message.
    expect(identity.last_inbound_at?.getTime()).toBe((last.message.content as { timestamp: number }).timestamp);

    // Each bot message at the stand-in is one delivery row; Meta's delivery receipts mark them delivered.
    const bot = botMessages(await threadOf(app.baseUrl, 'messenger', psid));
    const rows = await until('every reply to be marked delivered', async () => {
      const found = await deliveriesOf(t.db, 'messenger', psid);
      return found.length === 6 && found.every((d) => d.status === 'delivered') ? found : undefined;
    });
    expect(rows.map((d) => d.platform_message_id)).toEqual(bot.map((m) => m.id));
    expect(bot.map((m) => contentOf(m).metadata)).toEqual(rows.map((d) => `vx:${d.id}:1/1`));
    expect(rows.every((d) => d.delivered_at instanceof Date)).toBe(true);

    const events = await t.db.selectFrom('inbound_events').select(['kind', 'status']).where('conversation_key', '=', `messenger:${psid}`).execute();
    expect(events.filter((e) => e.kind === 'message')).toHaveLength(5);
    expect(events.every((e) => e.status === 'processed')).toBe(true);
  });

  it('When a Zalo user writes "menu", types the help\'s number, "menu" and the waves\' number, then follows the OA, then they get the greeting and the numbered menu, the help, the menu, the waves, then a greeting and the consent notice; seen receipts mark the replies read', async () => {
    const [userId] = userIds('zalo', 1) as [string];
    const name = 'Trần Thị Bình';
    const say = async (action: Parameters<typeof simSend>[4], botCount: number) => {
      const sent = await simSend(app.baseUrl, 'zalo', userId, name, action);
      expect(sent.delivered).toBe(true);
      await waitForBotMessages(app.baseUrl, 'zalo', userId, botCount);
      return sent;
    };

    await say({ type: 'text', text: 'menu' }, 2);
    const [greeting, menu] = botMessages(await threadOf(app.baseUrl, 'zalo', userId));
    expect(contentOf(greeting!)).toEqual({ text: TEXT.greeting });
    expect(contentOf(menu!)).toEqual({ text: ZALO_MENU_TEXT });

    await say({ type: 'text', text: menuNumber('help') }, 3);
    await say({ type: 'text', text: 'menu' }, 4);
    await say({ type: 'text', text: menuNumber('currentWaves') }, 5);
    // Following greets again; someone who never answered the consent notice is shown it.
    const follow = await say({ type: 'follow' }, 7);
    expect(await labels('zalo', userId)).toEqual(['greeting', 'menu', 'help', 'menu', 'waves', 'greeting', 'consent']);
    expect(contentOf(botMessages(await threadOf(app.baseUrl, 'zalo', userId))[2]!).text).toContain(TEXT.help);

    const identity = await until('the display name to be fetched', async () => {
      const row = await identityOf('zalo', userId);
      return row?.display_name ? row : undefined;
    });
    expect(identity).toMatchObject({ display_name: name, follow_state: 'following', reachability: 'reachable', account_id: expect.any(String) });
    expect(identity.last_inbound_at?.getTime()).toBe(Number((follow.message.content as { timestamp: string }).timestamp));

    // Zalo reports seen messages by msg_id (user_seen_message); a read implies delivered.
    const bot = botMessages(await threadOf(app.baseUrl, 'zalo', userId));
    await simSeen(app.baseUrl, 'zalo', userId);
    const rows = await until('every reply to be marked read', async () => {
      const found = await deliveriesOf(t.db, 'zalo', userId);
      return found.length === 7 && found.every((d) => d.status === 'read') ? found : undefined;
    });
    expect(rows.map((d) => d.platform_message_id)).toEqual(bot.map((m) => m.id));
    expect(rows.every((d) => d.read_at instanceof Date)).toBe(true);
  });

  it('When a Zalo user follows, agrees, registers with a branch typed without diacritics and shares the phone on the roster through the card, then they are verified by the roster and linked to that member', async () => {
    await seedOnboardingDistrict(t.db);
    const [userId] = userIds('zalo', 1) as [string];
    const name = ROSTER.bhhA.name;
    const say = async (action: Parameters<typeof simSend>[4], botCount: number) => {
      const sent = await simSend(app.baseUrl, 'zalo', userId, name, action);
      expect(sent.delivered).toBe(true);
      return waitForBotMessages(app.baseUrl, 'zalo', userId, botCount);
    };
    expect((await say({ type: 'follow' }, 2)).map((m) => labelOf('zalo', m))).toEqual(['greeting', 'consent']);
    expect((await say({ type: 'text', text: '1' }, 4)).slice(2).map((m) => contentOf(m).text)).toEqual([ONBOARDING.consentAccepted, ONBOARDING.askName]);
    await say({ type: 'text', text: name }, 5);
    const role = (await say({ type: 'text', text: 'binh hung hoa a' }, 6)).at(-1)!;
    expect(contentOf(role).text).toContain(ONBOARDING.branchChosen(ROSTER.bhhA.branch));
    const ask = await say({ type: 'text', text: '3' }, 8);
    // The question, then Zalo's request_user_info card.
    expect(contentOf(ask[6]!).text).toBe(ONBOARDING.askPhone);
    expect(JSON.stringify(ask[7]!.content)).toContain('request_user_info');
    const done = await say({ type: 'shareInfo', name, phone: ROSTER.bhhA.phone }, 10);
    expect(contentOf(done[8]!).text).toBe(ONBOARDING.verifiedByRoster(name, ROSTER.bhhA.branch));
    expect(contentOf(done[9]!).text).toContain(TEXT.menuPrompt);

    const identity = await identityOf('zalo', userId);
    const roster = await t.db.selectFrom('members').select(['id', 'status', 'verified_by']).where('phone', '=', ROSTER.bhhA.e164).executeTakeFirstOrThrow();
    expect(identity?.member_id).toBe(roster.id);
    expect(roster).toMatchObject({ status: 'verified', verified_by: 'roster' });
  });
});
