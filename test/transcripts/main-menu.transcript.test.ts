import { helpMessage, MENU, TEXT } from '../../src/dialogs/messages.vi';
import { menuEntriesFor, menuKeywords } from '../../src/dialogs/menu';
import { createTranscriptWorld, type TranscriptWorld } from '../helpers/transcript';

let world: TranscriptWorld;
beforeAll(async () => {
  world = await createTranscriptWorld();
});
afterAll(() => world.close());

describe.each(['zalo', 'messenger'] as const)('the main menu on %s', (channel) => {
  const titles = menuEntriesFor(null).map((e) => MENU[e.key].title);
  const expectMenu = (seen: { text: string; quickReplies: readonly string[] } | undefined, prompt: string) => {
    expect(seen?.text).toContain(prompt);
    if (channel === 'zalo') titles.forEach((title, i) => expect(seen?.text).toContain(`${i + 1}. ${title}`));
    else expect(seen?.quickReplies).toEqual(titles);
  };

  test('When a newcomer first says "menu", then they are greeted and shown every entry they may use, "Đăng ký" first', async () => {
    const user = world.user(channel);
    const seen = await user.say('menu');
    expect(seen.map((s) => s.text)[0]).toBe(TEXT.greeting);
    expectMenu(seen.at(-1), TEXT.menuPrompt);
    expect(titles[0]).toBe(MENU.register.title);
    expect(titles).not.toContain(MENU.cadreDesk.title);
  });

  test('When "Trợ giúp" is picked, then one message lists what works everywhere, with the menu under it', async () => {
    const user = world.user(channel);
    await user.say('menu');
    const seen = await user.pick(MENU.help.title);
    expect(seen).toHaveLength(1);
    expectMenu(seen[0], helpMessage(channel, menuKeywords(menuEntriesFor(null))));
    for (const said of ['menu', 'hủy', 'trợ giúp', 'dữ liệu của tôi', 'gặp cán bộ', 'dừng nhận tin']) expect(seen[0]?.text).toContain(`“${said}”`);
    if (channel === 'zalo') expect(seen[0]?.text).toContain('#thamgia');
    else expect(seen[0]?.text).not.toContain('#thamgia');
  });

  test('When no dialog waits, then an entry named without diacritics opens, and a bare number or gibberish gets "mình chưa hiểu" with the menu', async () => {
    const user = world.user(channel);
    await user.say('menu');
    expect((await user.pick(MENU.currentWaves.title)).map((s) => s.text)).toEqual([TEXT.noCurrentWaves]);
    expect((await user.say('DOT DANG DIEN RA')).map((s) => s.text)).toEqual([TEXT.noCurrentWaves]);
    expectMenu((await user.say('2')).at(-1), TEXT.notUnderstood);
    await user.pick(MENU.currentWaves.title);
    const seen = await user.say('asdkjh qwe');
    expect(seen).toHaveLength(1);
    expectMenu(seen[0], TEXT.notUnderstood);
  });
  test.each([
    ['emoji only', '😀🎉👍'],
    ['markup', '<script>alert("x")</script>'],
    ['SQL', "'; drop table members; --"],
  ])('When no dialog waits and the message is %s, then it is read as plain text: "mình chưa hiểu" with the menu, nothing echoed', async (_, said) => {
    const user = world.user(channel);
    await user.say('menu');
    await user.pick(MENU.currentWaves.title);
    const seen = await user.say(said);
    expect(seen).toHaveLength(1);
    expectMenu(seen[0], TEXT.notUnderstood);
    expect(seen[0]?.text).not.toContain(said);
  });

  test('When details arrive through the Zalo card while nothing asked for them, then the member is thanked', async () => {
    const user = world.user(channel);
    await user.say('menu');
    await user.pick(MENU.currentWaves.title);
    if (channel === 'zalo') expect((await user.sharePhone('84912000111')).map((s) => s.text)).toEqual([TEXT.sharedInfoThanks]);
    else expectMenu((await user.sharePhone('+84912000111')).at(-1), TEXT.notUnderstood);
  });
});
