import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aMember } from '../helpers/builders';
import { ARTIFACTS, signInThroughThePage, useAdminBrowser, useAdminWorld } from '../helpers/admin-world';

/**
 * Đoàn viên as a branch cadre uses it from a phone, in headless Chromium: searching by name as
 * they type (htmx), verifying a pending registration in place, and uploading a roster (a multipart
 * htmx post whose CSRF token rides in the header) that reports its bad row and imports nothing.
 */
describe('admin web in headless Chromium: Đoàn viên', () => {
  const w = useAdminWorld({ now: new Date(), signIn: false });
  const browser = useAdminBrowser();
  const { cspViolations } = browser;
  let pending: string;

  beforeAll(async () => {
    pending = await aMember(w.db, { branchId: w.s.branchA, fullName: 'Trương Mỹ Linh', status: 'pending', phone: '+84912345321' });
    await aMember(w.db, { branchId: w.s.branchB, fullName: 'Trương Văn Bảo', status: 'pending' });
  });

  it('When the cadre searches a name and verifies the pending registration, then the row changes in place and the member is verified', async () => {
    const { page } = browser.browser;
    await signInThroughThePage(page, w.web.url, '/admin/members', w.staff.cadreA.username);

    await page.getByLabel('Tên hoặc số điện thoại').fill('Trương');
    // htmx replaces the results as the cadre types: only branch A's Trương is in scope.
    await page.waitForURL(/\/admin\/members\?q=/);
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(q: string): { length: number } } }).document.querySelectorAll('#member-results tbody tr').length === 1);
    await expect(page.locator(`#member-results tr[data-member="${pending}"]`).count()).resolves.toBe(1);
    await expect(page.locator(`tr[data-member="${pending}"] td`).nth(1).textContent()).resolves.toBe('09xx xxx 321');

    await page.locator(`tr[data-member="${pending}"]`).getByRole('button', { name: 'Xác minh', exact: true }).click();
    await page.waitForSelector(`tr[data-member="${pending}"][data-status="verified"]`);
    await expect(page.locator(`tr[data-member="${pending}"] [role="status"]`).textContent()).resolves.toBe('Đã xác minh.');
    const row = await w.db.selectFrom('members').select(['status', 'verified_by']).where('id', '=', pending).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'verified', verified_by: 'cadre' });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-members-verified.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
  });

  it('When the cadre uploads a roster with a bad row, then the report shows its line and nothing is imported', async () => {
    const { page } = browser.browser;
    await page.getByRole('link', { name: 'Nhập danh sách' }).click();
    await page.waitForURL(`${w.web.url}/admin/members/import`);
    const file = join(ARTIFACTS, 'danh-sach-loi.csv');
    writeFileSync(file, 'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò\nNgô Thanh Vân,0912000777,Đoàn phường An Lạc,Đoàn viên\nLê Văn Tám,0123,Đoàn phường An Lạc,Đoàn viên\n');
    await page.getByLabel('Tệp danh sách').setInputFiles(file);
    await page.getByRole('button', { name: 'Nhập danh sách' }).click();
    await page.waitForSelector('#import-report[data-imported="false"]');
    await expect(page.locator('#import-report li[data-row="3"]').textContent()).resolves.toMatch(/^Dòng 3: số điện thoại 0123/);
    expect(await w.db.selectFrom('members').select('id').where('phone', '=', '+84912000777').executeTakeFirst()).toBeUndefined();
    await page.screenshot({ path: join(ARTIFACTS, 'admin-members-import.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
  });
});
