import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { outboundJobId, outboundQueueOf } from '../../src/jobs/queues';
import { REJECT_REASONS } from '../../src/dialogs/catalog/cadre.vi';
import { launchBrowser, type LaunchedBrowser } from '../helpers/browser';
import { aStaffAccount, startAdminWeb, STAFF_PASSWORD, TestClock, wiredAdminPages, type AdminWeb } from '../helpers/admin-web';
import { seedAdminDistrict, type AdminSeed } from '../helpers/admin-seed';
import { aMember, anIdentityFor, aProof } from '../helpers/builders';
import { deleteQueuePrefix, uniqueQueuePrefix } from '../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

/**
 * A branch cadre reviews proofs from a phone in headless Chromium: the queue shows the link (a new
 * tab, no opener), approving swaps the card in place through htmx, rejecting takes a reason from
 * the chat's list; the database and the outbound queue show each member told once.
 */
describe('admin web in headless Chromium: Minh chứng', () => {
  let t: TestDatabase;
  let s: AdminSeed;
  let web: AdminWeb;
  let wired: ReturnType<typeof wiredAdminPages>;
  let browser: LaunchedBrowser;
  let username: string;
  const prefix = uniqueQueuePrefix();
  const cspViolations: string[] = [];
  const proofs: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    const clock = new TestClock(new Date());
    s = await seedAdminDistrict(t.db, clock.now());
    for (const n of [1, 2]) {
      const memberId = await aMember(t.db, { branchId: s.branchA, fullName: `Nguyễn Văn Minh Chứng ${n}` });
      await anIdentityFor(t.db, { channel: 'messenger', platformUserId: `psid-browser-${n}` }, memberId);
      proofs.push(await aProof(t.db, { waveId: s.novemberWave, memberId, link: `https://www.facebook.com/anlac/posts/thap-nen-${n}` }));
    }
    wired = wiredAdminPages(t.db, clock, prefix);
    web = await startAdminWeb(t.db, wired.pages, { clock, tools: wired.tools });
    username = (await aStaffAccount(t.db, 'branchCadre', { branch: s.branchA })).username;
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

  const stateOf = async (id: string) => (await t.db.selectFrom('proofs').select(['review_state', 'reject_reason']).where('id', '=', id).executeTakeFirstOrThrow());
  const noticesOf = (id: string) => t.db.selectFrom('deliveries').select('id').where('idempotency_key', '=', `review:${id}`).execute();

  it('When a cadre approves one proof and rejects another on the page, then each card changes in place and each member is told once', async () => {
    const { page } = browser;
    await page.goto(`${web.url}/admin/proofs`);
    await page.waitForURL(/\/admin\/login\?next=/);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${web.url}/admin/proofs`);

    const [first, second] = proofs.map((id) => page.locator(`#proof-${id}`));
    const link = first!.locator('a.proof-link');
    expect(await link.getAttribute('href')).toBe('https://www.facebook.com/anlac/posts/thap-nen-1');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-proofs-queue.png'), fullPage: true });

    await first!.getByRole('button', { name: 'Duyệt', exact: true }).click();
    await page.waitForSelector(`#proof-${proofs[0]}[data-state="approved"]`);
    await expect(page.locator(`#proof-${proofs[0]} .flash`).textContent()).resolves.toContain('Đã duyệt');

    await second!.locator('summary').click();
    await second!.locator('select[name="reason"]').selectOption({ label: 'Thiếu hashtag' });
    await second!.getByRole('button', { name: 'Không duyệt' }).click();
    await page.waitForSelector(`#proof-${proofs[1]}[data-state="rejected"]`);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-proofs-reviewed.png'), fullPage: true });

    expect(await stateOf(proofs[0]!)).toEqual({ review_state: 'approved', reject_reason: null });
    expect(await stateOf(proofs[1]!)).toEqual({ review_state: 'rejected', reject_reason: REJECT_REASONS.find((r) => r.value === 'reason:hashtag')!.reason });
    for (const id of proofs) {
      const told = await noticesOf(id);
      expect(told).toHaveLength(1);
      await expect(outboundQueueOf(wired.queues, 'messenger').getJob(outboundJobId(Number(told[0]!.id)))).resolves.toBeDefined();
    }
    expect(page.url()).toBe(`${web.url}/admin/proofs`);
    expect(cspViolations).toEqual([]);
  });
});
