import { join } from 'node:path';
import { ARTIFACTS, signInThroughThePage, useAdminBrowser, useAdminWorld } from '../helpers/admin-world';

/**
 * The admin web as a district admin uses it from a phone, in headless Chromium: signing in, the
 * dashboard drawing its two Chart.js charts under the CSP (no inline script), and a broadcast
 * composed while htmx brings the reach forecast for the chosen audience.
 */
describe('admin web in headless Chromium', () => {
  const w = useAdminWorld({ now: new Date(), signIn: false, pages: 'wired' });
  const browser = useAdminBrowser();
  const { cspViolations } = browser;

  it('When the admin signs in, then the dashboard draws its charts and marks the branches under target', async () => {
    const { page } = browser.browser;
    await signInThroughThePage(page, w.web.url, '/admin', w.staff.admin.username);

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
    await expect(page.locator(`tr.under[data-branch="${w.s.branchB}"]`).count()).resolves.toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-dashboard.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
  });

  it('When a broadcast is composed for one branch, then the reach forecast for that branch appears, and sending lists it', async () => {
    const { page } = browser.browser;
    await page.getByRole('link', { name: 'Gửi tin' }).click();
    await page.waitForURL(`${w.web.url}/admin/broadcasts`);
    const everyone = await w.wired.broadcasts.forecast({ everyone: true }, 'recurringContent', null);
    await page.waitForSelector(`#forecast-result[data-total="${everyone.total}"]`);

    await page.getByLabel('Nội dung tin nhắn').fill('Mời các bạn đoàn viên An Lạc tham gia thắp nến tri ân tối nay.');
    await page.getByLabel('Theo điều kiện').check();
    await page.locator('select[name="branches"]').selectOption({ label: w.s.names.A });
    const branchA = await w.wired.broadcasts.forecast({ branches: [w.s.branchA] }, 'recurringContent', null);
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
    const row = await w.db.selectFrom('broadcasts').select(['id', 'audience', 'text']).executeTakeFirstOrThrow();
    expect(row.audience).toEqual({ branches: [w.s.branchA] });
    await expect(page.locator(`tr[data-broadcast="${row.id}"]`).count()).resolves.toBe(1);
    expect(cspViolations).toEqual([]);
  });
});
