import { join } from 'node:path';
import { outboundJobId, outboundQueueOf } from '../../src/jobs/queues';
import { REJECT_REASONS } from '../../src/dialogs/catalog/cadre.vi';
import { aMember, anIdentityFor, aProof } from '../helpers/builders';
import { ARTIFACTS, signInThroughThePage, useAdminBrowser, useAdminWorld } from '../helpers/admin-world';

/**
 * A branch cadre reviews proofs from a phone in headless Chromium: the queue shows the link (a new
 * tab, no opener), approving swaps the card in place through htmx, rejecting takes a reason from
 * the chat's list; the database and the outbound queue show each member told once.
 */
describe('admin web in headless Chromium: Minh chứng', () => {
  const w = useAdminWorld({ now: new Date(), signIn: false, pages: 'wired' });
  const browser = useAdminBrowser();
  const { cspViolations } = browser;
  const proofs: string[] = [];

  beforeAll(async () => {
    for (const n of [1, 2]) {
      const memberId = await aMember(w.db, { branchId: w.s.branchA, fullName: `Nguyễn Văn Minh Chứng ${n}` });
      await anIdentityFor(w.db, { channel: 'messenger', platformUserId: `psid-browser-${n}` }, memberId);
      proofs.push(await aProof(w.db, { waveId: w.s.novemberWave, memberId, link: `https://www.facebook.com/anlac/posts/thap-nen-${n}` }));
    }
  });

  const stateOf = async (id: string) => (await w.db.selectFrom('proofs').select(['review_state', 'reject_reason']).where('id', '=', id).executeTakeFirstOrThrow());
  const noticesOf = (id: string) => w.db.selectFrom('deliveries').select('id').where('idempotency_key', '=', `review:${id}`).execute();

  it('When a cadre approves one proof and rejects another on the page, then each card changes in place and each member is told once', async () => {
    const { page } = browser.browser;
    await signInThroughThePage(page, w.web.url, '/admin/proofs', w.staff.cadreA.username);

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
      await expect(outboundQueueOf(w.wired.queues, 'messenger').getJob(outboundJobId(Number(told[0]!.id)))).resolves.toBeDefined();
    }
    expect(page.url()).toBe(`${w.web.url}/admin/proofs`);
    expect(cspViolations).toEqual([]);
  });
});
