import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminPages } from '../../src/admin/admin-pages';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser';
import { aStaffAccount, startAdminWeb, STAFF_PASSWORD, TestClock, type AdminWeb } from '../helpers/admin-web';
import { seedAdminDistrict, type AdminSeed } from '../helpers/admin-seed';
import { aMember } from '../helpers/builders';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

/**
 * Đoàn viên as a branch cadre uses it from a phone, in headless Chromium: searching by name as
 * they type (htmx), verifying a pending registration in place, and uploading a roster (a multipart
 * htmx post whose CSRF token rides in the header) that reports its bad row and imports nothing.
 */
describe('admin web in headless Chromium: Đoàn viên', () => {
  let t: TestDatabase;
  let s: AdminSeed;
  let web: AdminWeb;
  let browser: LaunchedBrowser;
  let username: string;
  let pending: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    const clock = new TestClock(new Date());
    s = await seedAdminDistrict(t.db, clock.now());
    web = await startAdminWeb(t.db, adminPages({ db: t.db, timeZone: 'Asia/Ho_Chi_Minh', now: clock.now, basePath: '/admin', broadcasts: undefined }), { clock });
    username = (await aStaffAccount(t.db, 'branchCadre', { branch: s.branchA })).username;
    pending = await aMember(t.db, { branchId: s.branchA, fullName: 'Trương Mỹ Linh', status: 'pending', phone: '+84912345321' });
    await aMember(t.db, { branchId: s.branchB, fullName: 'Trương Văn Bảo', status: 'pending' });
    browser = await launchBrowser({ viewport: { width: 420, height: 900 } });
    browser.page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await t?.drop();
  });

  it('When the cadre searches a name and verifies the pending registration, then the row changes in place and the member is verified', async () => {
    const { page } = browser;
    await page.goto(`${web.url}/admin/members`);
    await page.waitForURL(/\/admin\/login\?next=/);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${web.url}/admin/members`);

    await page.getByLabel('Tên hoặc số điện thoại').fill('Trương');
    // htmx replaces the results as the cadre types: only branch A's Trương is in scope.
    await page.waitForURL(/\/admin\/members\?q=/);
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(q: string): { length: number } } }).document.querySelectorAll('#member-results tbody tr').length === 1);
    await expect(page.locator(`#member-results tr[data-member="${pending}"]`).count()).resolves.toBe(1);
    await expect(page.locator(`tr[data-member="${pending}"] td`).nth(1).textContent()).resolves.toBe('09xx xxx 321');

    await page.locator(`tr[data-member="${pending}"]`).getByRole('button', { name: 'Xác minh', exact: true }).click();
    await page.waitForSelector(`tr[data-member="${pending}"][data-status="verified"]`);
    await expect(page.locator(`tr[data-member="${pending}"] [role="status"]`).textContent()).resolves.toBe('Đã xác minh.');
    const row = await t.db.selectFrom('members').select(['status', 'verified_by']).where('id', '=', pending).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'verified', verified_by: 'cadre' });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-members-verified.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
  });

  it('When the cadre uploads a roster with a bad row, then the report shows its line and nothing is imported', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Nhập danh sách' }).click();
    await page.waitForURL(`${web.url}/admin/members/import`);
    const file = join(ARTIFACTS, 'danh-sach-loi.csv');
    writeFileSync(file, 'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò\nNgô Thanh Vân,0912000777,Đoàn phường An Lạc,Đoàn viên\nLê Văn Tám,0123,Đoàn phường An Lạc,Đoàn viên\n');
    await page.getByLabel('Tệp danh sách').setInputFiles(file);
    await page.getByRole('button', { name: 'Nhập danh sách' }).click();
    await page.waitForSelector('#import-report[data-imported="false"]');
    await expect(page.locator('#import-report li[data-row="3"]').textContent()).resolves.toMatch(/^Dòng 3: số điện thoại 0123/);
    expect(await t.db.selectFrom('members').select('id').where('phone', '=', '+84912000777').executeTakeFirst()).toBeUndefined();
    await page.screenshot({ path: join(ARTIFACTS, 'admin-members-import.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
  });
});
