import { MENU, TEXT } from '../../src/dialogs/messages.vi';
import { menuEntriesFor } from '../../src/dialogs/menu';
import { createTranscriptWorld, type TranscriptWorld } from '../helpers/transcript';

let world: TranscriptWorld;
beforeAll(async () => {
  world = await createTranscriptWorld();
});
afterAll(() => world.close());

describe.each(['zalo', 'messenger'] as const)('the main menu on %s', (channel) => {
  test('"menu" shows every entry a newcomer may use, the way the channel shows choices', async () => {
    const user = world.user(channel);
    await user.say('menu');
    expect(user.lastText()).toContain(TEXT.menuPrompt);
    const titles = menuEntriesFor(null).map((e) => MENU[e.key].title);
    if (channel === 'zalo') titles.forEach((title, i) => expect(user.lastText()).toContain(`${i + 1}. ${title}`));
    else expect(user.lastReply().at(-1)?.quickReplies).toEqual(titles);
  });

  test('help is one pick away', async () => {
    const user = world.user(channel);
    await user.say('menu');
    await user.pick(MENU.help.title);
    expect(user.lastText()).toContain(TEXT.help);
  });
});
