import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SIMULATED_MESSENGER, SIMULATED_ZALO } from '../../src/channels/simulator';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser';
import { startSimulatorHarness, type ReceivedWebhook, type SimulatorHarness } from '../integration/channels/simulator/simulator-harness';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const itemOf = (w: ReceivedWebhook) => (w.body.entry as { messaging: Record<string, unknown>[] }[] | undefined)?.[0]?.messaging[0] ?? {};
const messageOf = (w: ReceivedWebhook) => (itemOf(w).message ?? {}) as { text?: string; is_echo?: boolean; quick_reply?: { payload: string } };

describe('simulator page in headless Chromium', () => {
  let h: SimulatorHarness;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    h = await startSimulatorHarness();
    browser = await launchBrowser({ viewport: { width: 420, height: 900 } });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  // The "bot" of this test: it answers through the stand-in APIs exactly as the app's clients would.
  const graphSend = async (body: unknown) => {
    const res = await h.post('/simulator/graph/v25.0/me/messages', body, { authorization: `Bearer ${SIMULATED_MESSENGER.pageAccessToken}` });
    expect(res.status).toBe(200);
  };
  const zaloSend = async (body: unknown) => {
    const res = await h.post('/simulator/zalo/v3.0/oa/message/cs', body, { access_token: SIMULATED_ZALO.accessToken });
    expect(res.body).toMatchObject({ error: 0 });
  };

  it('When a person chats as a Messenger user and then as a Zalo user, then the webhooks arrive and the bot\'s messages render as each platform shows them', async () => {
    const { page } = browser;
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${h.url}/simulator`);
    await page.locator('#name').fill('Nguyễn Minh Anh');

    // Messenger: type, see the signed webhook arrive.
    await page.locator('#text').fill('Chào Đoàn phường');
    await page.locator('#text').press('Enter');
    const first = await h.receiver.waitFor((w) => w.channel === 'messenger' && messageOf(w).text === 'Chào Đoàn phường');
    const psid = (itemOf(first).sender as { id: string }).id;
    expect(psid).toMatch(/^\d{16}$/);
    await page.locator('.row.user .bubble', { hasText: 'Chào Đoàn phường' }).waitFor();

    // The bot answers with text and two quick replies; markup in text must stay text.
    await graphSend({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'Thử <b>đậm</b>: không phải HTML' } });
    await graphSend({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { attachment: { type: 'image', payload: { url: `${h.url}/test-assets/candle.svg`, is_reusable: true } } } });
    await graphSend({
      recipient: { id: psid },
      messaging_type: 'RESPONSE',
      message: { text: 'Bạn muốn tham gia đợt nào?', quick_replies: [{ content_type: 'text', title: 'Tháng Thanh niên', payload: 'WAVE_1' }, { content_type: 'text', title: 'Thắp nến', payload: 'WAVE_2' }] },
    });
    await page.locator('.row.bot .bubble', { hasText: 'Bạn muốn tham gia đợt nào?' }).waitFor();
    expect(await page.locator('.row.bot .bubble', { hasText: 'Thử <b>đậm</b>' }).count()).toBe(1);
    expect(await page.locator('.row.bot b').count()).toBe(0);
    await page.locator('.row.bot img.media').waitFor();
    expect(await page.locator('#chips .chip').allTextContents()).toEqual(['Tháng Thanh niên', 'Thắp nến']);
    await page.screenshot({ path: join(ARTIFACTS, 'simulator-messenger.png'), fullPage: true });

    await page.locator('#chips .chip', { hasText: 'Thắp nến' }).click();
    const chosen = await h.receiver.waitFor((w) => messageOf(w).quick_reply?.payload === 'WAVE_2');
    expect(messageOf(chosen).text).toBe('Thắp nến');
    await page.locator('#chips .chip').first().waitFor({ state: 'detached' });

    // A button template (web_url opens a new tab) and the phone-number quick reply.
    await graphSend({
      recipient: { id: psid },
      messaging_type: 'RESPONSE',
      message: { attachment: { type: 'template', payload: { template_type: 'button', text: 'Xem kế hoạch của đợt', buttons: [{ type: 'web_url', url: 'https://example.org/ke-hoach', title: 'Mở kế hoạch' }] } } },
    });
    await graphSend({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'Cho Đoàn xin số điện thoại nhé', quick_replies: [{ content_type: 'user_phone_number' }] } });
    const planLink = page.locator('.card a', { hasText: 'Mở kế hoạch' });
    await planLink.waitFor();
    expect(await planLink.getAttribute('href')).toBe('https://example.org/ke-hoach');
    expect(await planLink.getAttribute('target')).toBe('_blank');
    await page.locator('#chips .chip', { hasText: 'Gửi số điện thoại' }).click();
    await page.locator('#chips input[type=tel]').fill('0912345678');
    await page.locator('#chips input[type=tel]').press('Enter');
    await h.receiver.waitFor((w) => messageOf(w).quick_reply?.payload === '0912345678');

    // The persistent menu the bot set sends postbacks.
    await h.post('/simulator/graph/v25.0/me/messenger_profile', { persistent_menu: [{ locale: 'default', composer_input_disabled: false, call_to_actions: [{ type: 'postback', title: 'Đợt đang mở', payload: 'MENU_WAVES' }] }] }, { authorization: `Bearer ${SIMULATED_MESSENGER.pageAccessToken}` });
    await page.reload();
    await page.locator('#menu-toggle').click();
    await page.locator('#menu button', { hasText: 'Đợt đang mở' }).click();
    await h.receiver.waitFor((w) => (itemOf(w).postback as { payload?: string } | undefined)?.payload === 'MENU_WAVES');

    // A webhook failure is shown plainly.
    h.receiver.status.messenger = 503;
    await page.locator('#text').fill('Còn ai không?');
    await page.locator('#text').press('Enter');
    await page.locator('.status.error', { hasText: 'Máy chủ trả lời 503' }).waitFor();
    await page.locator('#banner', { hasText: 'Máy chủ trả lời 503' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'simulator-error.png') });
    h.receiver.status.messenger = 200;

    // Zalo: follow, then a numbered-choice text and a request_user_info card.
    await page.locator('#tab-zalo').click();
    await page.locator('#start').click();
    const follow = await h.receiver.waitFor((w) => w.body.event_name === 'follow');
    const zaloUser = (follow.body.follower as { id: string }).id;
    await page.locator('.row.center .system', { hasText: 'Bạn đã quan tâm' }).waitFor();
    await zaloSend({ recipient: { user_id: zaloUser }, message: { text: 'Chào mừng bạn đến với Vùng Xanh!\nChọn một mục:\n1. Tham gia đợt đang mở\n2. Gửi minh chứng\n3. Hỏi đáp' } });
    await zaloSend({
      recipient: { user_id: zaloUser },
      message: { attachment: { type: 'template', payload: { template_type: 'request_user_info', elements: [{ title: 'Chia sẻ số điện thoại với Đoàn phường', subtitle: 'Để xác nhận bạn là đoàn viên', image_url: `${h.url}/test-assets/candle.svg` }] } } },
    });
    await page.locator('.row.bot .bubble', { hasText: '1. Tham gia đợt đang mở' }).waitFor();
    await page.locator('.card', { hasText: 'Chia sẻ số điện thoại với Đoàn phường' }).waitFor();

    await page.locator('#text').fill('1');
    await page.locator('#text').press('Enter');
    await h.receiver.waitFor((w) => w.body.event_name === 'user_send_text' && (w.body.message as { text: string }).text === '1');

    await page.locator('.card button', { hasText: 'Chia sẻ thông tin' }).click();
    await page.locator('.card input[type=tel]').fill('0912 345 678');
    await page.screenshot({ path: join(ARTIFACTS, 'simulator.png'), fullPage: true });
    await page.locator('.card button', { hasText: 'Đồng ý chia sẻ' }).click();
    const shared = await h.receiver.waitFor((w) => w.body.event_name === 'user_submit_info');
    expect(shared.body).toMatchObject({ sender: { id: zaloUser }, info: { name: 'Nguyễn Minh Anh', phone: '84912345678' } });
    await page.locator('.row.user .bubble', { hasText: 'Đã chia sẻ thông tin' }).waitFor();

    // The person's identity survives a reload (localStorage), and the thread comes back.
    await page.reload();
    await page.locator('.row.bot .bubble', { hasText: '1. Tham gia đợt đang mở' }).waitFor();
    expect(await page.locator('#tab-zalo').getAttribute('aria-selected')).toBe('true');
    expect(pageErrors).toEqual([]);
  });
});
