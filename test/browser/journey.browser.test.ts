import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { importMembersFile } from '../../src/domain/members/member-import.service';
import { importUnitsFile } from '../../src/domain/units/unit-import.service';
import { MENU, ONBOARDING, PROOF_TEXT, REVIEW_STATE_TEXT, RESULTS_TEXT, WAVES_TEXT } from '../../src/dialogs/messages.vi';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser';
import { startApp, type AppProcess } from '../helpers/app-process';
import { aWave } from '../helpers/builders';
import { until } from '../helpers/e2e';
import { SEED_UNITS_CSV } from '../helpers/onboarding-seed';
import { deleteQueuePrefix, uniqueQueuePrefix } from '../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const WAVE_TITLE = 'Tháng Thanh niên xanh';

/** Two people on the roster: one tries the Zalo rendering, the other the Messenger one. */
const ZALO_PERSON = { name: 'Lê Hoàng Minh', phone: '0912345679', branch: 'Đoàn phường Bình Hưng Hòa A', typed: 'binh hung hoa a' };
const MESSENGER_PERSON = { name: 'Võ Quốc Bảo', phone: '0938123456', branch: 'Đoàn phường An Lạc', typed: 'an lac' };
const ROSTER_CSV = [
  'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò',
  `${ZALO_PERSON.name},${ZALO_PERSON.phone},${ZALO_PERSON.branch},Đoàn viên`,
  `${MESSENGER_PERSON.name},${MESSENGER_PERSON.phone},${MESSENGER_PERSON.branch},Đoàn viên`,
].join('\n');

/**
 * The member's journey as a person does it on /simulator after `npm start`: consent, registration
 * (the branch typed without diacritics, the phone shared with the platform's own control), joining
 * the open wave, a link proof and a screenshot proof from the attach panel, then "Kết quả của tôi"
 * showing both waiting for review: on the Zalo rendering, then on the Messenger rendering.
 */
describe('a member\'s journey on the simulator page, against the running app, in headless Chromium', () => {
  let t: TestDatabase;
  let app: AppProcess;
  let browser: LaunchedBrowser;
  const prefix = uniqueQueuePrefix();

  beforeAll(async () => {
    t = await createTestDatabase();
    const units = await importUnitsFile(t.db, { name: 'units.csv', content: Buffer.from(SEED_UNITS_CSV) }, { skipInvalid: false });
    const roster = await importMembersFile(t.db, { name: 'members.csv', content: Buffer.from(ROSTER_CSV) }, { skipInvalid: false });
    for (const report of [units, roster]) if (!report.imported || report.invalid.length > 0) throw new Error(`seed import problems: ${JSON.stringify(report.invalid)}`);
    const district = await t.db.selectFrom('units').select('id').where('level', '=', 'district').executeTakeFirstOrThrow();
    await aWave(t.db, { ownerUnitId: district.id, title: WAVE_TITLE, startsAt: new Date(Date.now() - 86_400_000), endsAt: new Date(Date.now() + 10 * 86_400_000) });
    [app, browser] = await Promise.all([startApp({ databaseUrl: t.url, queuePrefix: prefix }), launchBrowser({ viewport: { width: 420, height: 900 } })]);
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await t?.drop();
    await deleteQueuePrefix(prefix);
  });

  const botRows = (page: Page) => page.locator('.row.bot');

  /** Does `act`, then waits until bot messages that arrived after it show every one of `texts`. */
  async function answered(page: Page, act: () => Promise<unknown>, ...texts: string[]): Promise<void> {
    const before = await botRows(page).count();
    await act();
    await until(`the bot to answer with ${JSON.stringify(texts)}`, async () => {
      const fresh = (await botRows(page).allTextContents()).slice(before);
      return texts.every((text) => fresh.some((shown) => shown.includes(text)));
    });
  }

  async function type(page: Page, text: string): Promise<void> {
    await page.locator('#text').fill(text);
    await page.locator('#text').press('Enter');
  }

  /** The number in front of `title` in the bot's last numbered list (Zalo). */
  async function numberOf(page: Page, title: string): Promise<string> {
    const text = (await botRows(page).last().textContent()) ?? '';
    const line = text
      .split('\n')
      .map((l) => /^(\d+)\. (.*)$/.exec(l))
      .find((match) => match?.[2] === title);
    if (!line) throw new Error(`no numbered "${title}" in the last message: ${text}`);
    return line[1]!;
  }

  async function chip(page: Page, title: string): Promise<void> {
    await page.locator('#chips').getByRole('button', { name: title, exact: true }).click();
  }

  /** Sends a link or an image from the composer's attach panel; an image is the first sample the panel offers. */
  async function attach(page: Page, kind: 'link' | 'image', link?: string): Promise<void> {
    await page.locator('#attach').click();
    await page.locator('#attach-kind').selectOption(kind);
    const url = kind === 'link' ? link! : ((await page.locator('#attach-samples option').first().getAttribute('value')) ?? '');
    expect(url).toMatch(kind === 'image' ? /\/simulator\/samples\/anh-minh-chung-1\.png$/ : /^https:/);
    await page.locator('#attach-url').fill(url);
    if (kind === 'image') await page.screenshot({ path: join(ARTIFACTS, `journey-${await page.locator('#app').getAttribute('data-channel')}-attach-image.png`) });
    await page.locator('#attach-send').click();
  }

  it('When a person on the Zalo rendering follows, agrees, registers (branch typed without diacritics, phone shared through the card), joins the wave, sends a link and a sample screenshot and asks for "Kết quả của tôi", then each step is answered and both proofs show as waiting for review; then the same on the Messenger rendering with its chips, phone quick reply and persistent menu', async () => {
    const { page } = browser;
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${app.baseUrl}/simulator`);

    // ── Zalo ──
    await page.locator('#tab-zalo').click();
    await page.locator('#name').fill(ZALO_PERSON.name);
    await answered(page, () => page.locator('#start').click(), `1. ${ONBOARDING.consentYes.title}`);
    await answered(page, async () => type(page, await numberOf(page, ONBOARDING.consentYes.title)), ONBOARDING.askName);
    await answered(page, () => type(page, ZALO_PERSON.name), ONBOARDING.askBranch);
    await answered(page, () => type(page, ZALO_PERSON.typed), ONBOARDING.branchChosen(ZALO_PERSON.branch));
    await answered(page, async () => type(page, await numberOf(page, ONBOARDING.roles.member.title)), ONBOARDING.phoneCard.title);
    // Zalo's request_user_info card: "Chia sẻ thông tin" opens the share form, the name filled in.
    await page.locator('.card', { hasText: ONBOARDING.phoneCard.title }).locator('button', { hasText: 'Chia sẻ thông tin' }).click();
    await expect(page.locator('.card form input[aria-label="Họ và tên"]').inputValue()).resolves.toBe(ZALO_PERSON.name);
    await page.locator('.card form input[type=tel]').fill(ZALO_PERSON.phone);
    await page.screenshot({ path: join(ARTIFACTS, 'journey-zalo-share-phone.png') });
    await answered(page, () => page.locator('.card form button[type=submit]').click(), ONBOARDING.verifiedByRoster(ZALO_PERSON.name, ZALO_PERSON.branch), `. ${MENU.joinWave.title}`);

    await answered(page, async () => type(page, await numberOf(page, MENU.joinWave.title)), WAVES_TEXT.joined(WAVE_TITLE), `1. ${WAVES_TEXT.proofChoice}`);
    await answered(page, async () => type(page, await numberOf(page, WAVES_TEXT.proofChoice)), PROOF_TEXT.ask(WAVE_TITLE));
    await answered(page, () => attach(page, 'link', 'https://m.facebook.com/story.php?story_fbid=pfbid02ZsJ8c3kKqXv7wR4Lm1&id=100012345678901&mibextid=Nif5oz&fbclid=IwAR0xYz'), PROOF_TEXT.linkRecorded('Facebook'));
    await answered(page, () => attach(page, 'image'), PROOF_TEXT.imageRecorded, PROOF_TEXT.imageReceived(WAVE_TITLE));
    await page.locator('.row.user img[src$="/simulator/samples/anh-minh-chung-1.png"]').waitFor();
    await answered(page, () => type(page, 'xong'), PROOF_TEXT.done);
    await answered(page, () => type(page, 'menu'), `. ${MENU.myResults.title}`);
    await answered(page, async () => type(page, await numberOf(page, MENU.myResults.title)), RESULTS_TEXT.proofsTitle);
    const zaloText = (await botRows(page).filter({ hasText: RESULTS_TEXT.proofsTitle }).last().textContent()) ?? '';
    expect(zaloText).toContain(`Facebook: https://www.facebook.com/permalink.php?story_fbid=pfbid02ZsJ8c3kKqXv7wR4Lm1&id=100012345678901 — ${REVIEW_STATE_TEXT.pending}`);
    expect(zaloText).toContain(`${RESULTS_TEXT.imageProof} — ${REVIEW_STATE_TEXT.pending}`);
    await page.screenshot({ path: join(ARTIFACTS, 'journey-zalo.png'), fullPage: true });

    // ── Messenger: another person ──
    await page.locator('#new-user').click();
    await page.locator('#tab-messenger').click();
    await page.locator('#name').fill(MESSENGER_PERSON.name);
    await answered(page, () => page.locator('#start').click(), ONBOARDING.consentNotice.slice(0, 40));
    await answered(page, () => chip(page, ONBOARDING.consentYes.title), ONBOARDING.askName);
    await answered(page, () => type(page, MESSENGER_PERSON.name), ONBOARDING.askBranch);
    await answered(page, () => type(page, MESSENGER_PERSON.typed), ONBOARDING.branchChosen(MESSENGER_PERSON.branch));
    await answered(page, () => chip(page, ONBOARDING.roles.member.title), ONBOARDING.askPhone);
    // Messenger's user_phone_number quick reply: the page asks for the number the account holds.
    await chip(page, 'Gửi số điện thoại');
    await page.locator('#chips input[type=tel]').fill(MESSENGER_PERSON.phone);
    await page.screenshot({ path: join(ARTIFACTS, 'journey-messenger-share-phone.png') });
    await answered(page, () => page.locator('#chips button[type=submit]').click(), ONBOARDING.verifiedByRoster(MESSENGER_PERSON.name, MESSENGER_PERSON.branch));

    await answered(page, () => chip(page, MENU.joinWave.title), WAVES_TEXT.joined(WAVE_TITLE), WAVES_TEXT.afterJoinPrompt);
    await answered(page, () => chip(page, WAVES_TEXT.proofChoice), PROOF_TEXT.ask(WAVE_TITLE));
    await answered(page, () => attach(page, 'link', 'https://www.tiktok.com/@doananlac/video/7312345678901234567?is_from_webapp=1&sender_device=pc&utm_source=zalo'), PROOF_TEXT.linkRecorded('TikTok'));
    await answered(page, () => attach(page, 'image'), PROOF_TEXT.imageRecorded, PROOF_TEXT.imageReceived(WAVE_TITLE));
    await page.locator('.row.user img[src$="/simulator/samples/anh-minh-chung-1.png"]').waitFor();
    // The persistent menu beside the composer opens "Kết quả của tôi" from anywhere.
    await page.locator('#menu-toggle').click();
    await answered(page, () => page.locator('#menu button', { hasText: MENU.myResults.title }).click(), RESULTS_TEXT.proofsTitle);
    const messengerText = (await botRows(page).filter({ hasText: RESULTS_TEXT.proofsTitle }).last().textContent()) ?? '';
    expect(messengerText).toContain(`TikTok: https://www.tiktok.com/@doananlac/video/7312345678901234567 — ${REVIEW_STATE_TEXT.pending}`);
    expect(messengerText).toContain(`${RESULTS_TEXT.imageProof} — ${REVIEW_STATE_TEXT.pending}`);
    await page.screenshot({ path: join(ARTIFACTS, 'journey-messenger.png'), fullPage: true });

    expect(pageErrors).toEqual([]);
    // Both people are verified by the roster and have two pending proofs each.
    const proofs = await t.db.selectFrom('proofs').select(['kind', 'review_state', 'image_state']).orderBy('kind').execute();
    expect(proofs).toEqual([
      { kind: 'image', review_state: 'pending', image_state: 'stored' },
      { kind: 'image', review_state: 'pending', image_state: 'stored' },
      { kind: 'link', review_state: 'pending', image_state: null },
      { kind: 'link', review_state: 'pending', image_state: null },
    ]);
  });
});
