import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MENU, ONBOARDING, TEXT } from '../../src/dialogs/messages.vi';
import { menuEntriesFor } from '../../src/dialogs/menu';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser';
import { startApp, type AppProcess } from '../helpers/app-process';
import { deleteQueuePrefix, uniqueQueuePrefix } from '../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

/**
 * What a newcomer does after `npm start`: open /simulator and chat. The page drives the real
 * app (signed webhooks in, the bot's turns in its worker, replies out through the channel
 * clients to the simulator's stand-ins), and shows the answers as each platform would.
 */
describe('a conversation on the simulator page, against the running app, in headless Chromium', () => {
  let t: TestDatabase;
  let app: AppProcess;
  let browser: LaunchedBrowser;
  const prefix = uniqueQueuePrefix();

  beforeAll(async () => {
    t = await createTestDatabase();
    [app, browser] = await Promise.all([startApp({ databaseUrl: t.url, queuePrefix: prefix }), launchBrowser({ viewport: { width: 420, height: 900 } })]);
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await t?.drop();
    await deleteQueuePrefix(prefix);
  });

  it('When a person says "xin chào" on Messenger, declines the consent notice and taps "Trợ giúp", then switches to Zalo, presses "Bắt đầu", types "menu" and the waves\' number, then the bot greets, asks for consent, offers the menu as chips and then as numbered lines, and answers each choice', async () => {
    const { page } = browser;
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const botBubble = (text: string) => page.locator('.row.bot .bubble', { hasText: text });
    await page.goto(`${app.baseUrl}/simulator`);
    await page.locator('#name').fill('Nguyễn Minh Anh');

    // Messenger: the greeting, then the consent notice with its two answers as chips.
    await page.locator('#text').fill('xin chào');
    await page.locator('#text').press('Enter');
    await botBubble('Chào bạn! Mình là trợ lý').waitFor();
    await botBubble('Nghị định 13/2023/NĐ-CP').waitFor();
    await page.locator('#chips .chip', { hasText: ONBOARDING.consentNo.title }).waitFor();
    expect(await page.locator('#chips .chip').allTextContents()).toEqual([ONBOARDING.consentYes.title, ONBOARDING.consentNo.title]);

    // Declining keeps the public menu, as quick-reply chips.
    await page.locator('#chips .chip', { hasText: ONBOARDING.consentNo.title }).click();
    await botBubble('Không sao bạn nhé!').waitFor();
    await botBubble(TEXT.menuPrompt).waitFor();
    await page.locator('#chips .chip', { hasText: MENU.help.title }).waitFor();
    expect(await page.locator('#chips .chip').allTextContents()).toEqual(menuEntriesFor(null).map((e) => MENU[e.key].title));
    await page.screenshot({ path: join(ARTIFACTS, 'conversation-messenger.png'), fullPage: true });

    await page.locator('#chips .chip', { hasText: MENU.help.title }).click();
    await botBubble('Bạn có thể nhắn cho mình bất cứ lúc nào').waitFor();
    expect(await botBubble('ngừng nhận mọi tin định kỳ').count()).toBe(1);
    // The help comes with the menu under it: the chips are offered again.
    await page.locator('#chips .chip', { hasText: MENU.currentWaves.title }).waitFor();

    // Zalo: following the OA greets and shows the notice with numbered answers; "menu" brings the numbered menu.
    await page.locator('#tab-zalo').click();
    await page.locator('#start').click();
    await botBubble('Chào bạn! Mình là trợ lý').waitFor();
    await botBubble(`1. ${ONBOARDING.consentYes.title}`).waitFor();
    expect(await page.locator('#chips .chip').count()).toBe(0);
    await page.locator('#text').fill('menu');
    await page.locator('#text').press('Enter');
    const waves = menuEntriesFor(null).findIndex((e) => e.key === 'currentWaves') + 1;
    await botBubble(`${waves}. ${MENU.currentWaves.title}`).waitFor();
    await expect(botBubble(`${menuEntriesFor(null).findIndex((e) => e.key === 'help') + 1}. ${MENU.help.title}`).count()).resolves.toBe(1);

    await page.locator('#text').fill(String(waves));
    await page.locator('#text').press('Enter');
    // A fresh database has no waves: the bot says so.
    await botBubble(TEXT.noCurrentWaves).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'conversation.png'), fullPage: true });

    const zaloBubbles = await page.locator('.row.bot .bubble').allTextContents();
    expect(zaloBubbles).toHaveLength(4);
    expect(pageErrors).toEqual([]);
  });
});
