import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser';
import { aStaffAccount, startAdminWeb, STAFF_PASSWORD, TestClock, wiredAdminPages, type AdminWeb } from '../helpers/admin-web';
import { seedAdminDistrict, type AdminSeed } from '../helpers/admin-seed';
import { deleteQueuePrefix, uniqueQueuePrefix } from '../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

/**
 * The admin web as a district admin uses it from a phone, in headless Chromium: signing in, the
 * dashboard drawing its two Chart.js charts under the CSP (no inline script), and a broadcast
 * composed while htmx brings the reach forecast for the chosen audience.
 */
describe('admin web in headless Chromium', () => {
  let t: TestDatabase;
  let s: AdminSeed;
  let web: AdminWeb;
  let wired: ReturnType<typeof wiredAdminPages>;
  let browser: LaunchedBrowser;
  let username: string;
  const prefix = uniqueQueuePrefix();
  const cspViolations: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    const clock = new TestClock(new Date());
    s = await seedAdminDistrict(t.db, clock.now());
    wired = wiredAdminPages(t.db, clock, prefix);
    web = await startAdminWeb(t.db, wired.pages, { clock, tools: wired.tools });
    username = (await aStaffAccount(t.db, 'districtAdmin')).username;
    browser = await launchBrowser({ viewport: { width: 420, height: 900 } });
    browser.page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await wired?.close();
    await t?.drop();
    await deleteQueuePrefix(prefix);
  });

  it('When the admin signs in, then the dashboard draws its charts and marks the branches under target', async () => {
    const { page } = browser;
    await page.goto(`${web.url}/admin`);
    await page.waitForURL(/\/admin\/login\?next=/);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${web.url}/admin`);

    await page.waitForSelector('body[data-charts-drawn="2"]');
    for (const id of ['waves-chart', 'reach-chart']) {
      const canvas = page.locator(`#${id}`);
      expect(await canvas.getAttribute('data-drawn')).toBe('1');
      const box = await canvas.boundingBox();
      expect(box!.width).toBeGreaterThan(100);
      expect(box!.height).toBeGreaterThan(100);
    }
    // Chart.js keeps its chart on the canvas: the wave chart carries the plan's waves.
    const labels = await page.evaluate(() => (globalThis as unknown as { Chart: { getChart(id: string): { data: { labels: string[] } } } }).Chart.getChart('waves-chart').data.labels);
    expect(labels).toEqual(['Tháng Thanh niên', 'Thắp nến tri ân']);
    await expect(page.locator(`tr.under[data-branch="${s.branchB}"]`).count()).resolves.toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-dashboard.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
  });

  it('When a broadcast is composed for one branch, then the reach forecast for that branch appears, and sending lists it', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Gửi tin' }).click();
    await page.waitForURL(`${web.url}/admin/broadcasts`);
    const everyone = await wired.broadcasts.forecast({ everyone: true }, 'recurringContent', null);
    await page.waitForSelector(`#forecast-result[data-total="${everyone.total}"]`);

    await page.getByLabel('Nội dung tin nhắn').fill('Mời các bạn đoàn viên An Lạc tham gia thắp nến tri ân tối nay.');
    await page.getByLabel('Theo điều kiện').check();
    await page.locator('select[name="branches"]').selectOption({ label: s.names.A });
    const branchA = await wired.broadcasts.forecast({ branches: [s.branchA] }, 'recurringContent', null);
    expect(branchA.total).not.toBe(everyone.total);
    const result = page.locator(`#forecast-result[data-total="${branchA.total}"]`);
    await result.waitFor();
    for (const channel of ['zalo', 'messenger'] as const) {
      const cells = await result.locator(`tr[data-channel="${channel}"] td.num`).allTextContents();
      const f = branchA.byChannel[channel];
      expect(cells.map((c) => Number(c.replace(/\./g, '')))).toEqual([f.now, f.later, f.paid, f.never]);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'admin-broadcast-forecast.png'), fullPage: true });

    await page.getByRole('button', { name: 'Gửi tin' }).click();
    await page.waitForURL(/\/admin\/broadcasts\?created=/);
    await expect(page.locator('.flash[role="status"]').textContent()).resolves.toMatch(/gửi tin/);
    const row = await t.db.selectFrom('broadcasts').select(['id', 'audience', 'text']).executeTakeFirstOrThrow();
    expect(row.audience).toEqual({ branches: [s.branchA] });
    await expect(page.locator(`tr[data-broadcast="${row.id}"]`).count()).resolves.toBe(1);
    expect(cspViolations).toEqual([]);
  });
});
