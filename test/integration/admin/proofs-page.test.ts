import { proofApprovedNotice, proofRejectedNotice, REJECT_REASONS } from '../../../src/dialogs/catalog/cadre.vi';
import { outboundJobId, outboundQueueOf } from '../../../src/jobs/queues';
import { aMember, anIdentityFor, aProof } from '../../helpers/builders';
import { useAdminWorld, type Who } from '../../helpers/admin-world';

const SHA = 'ab'.repeat(32);
let links = 0;

/**
 * Minh chứng through the admin web: the queue in each role's scope (another branch's proofs read
 * as absent), the flags, and decisions — one, in bulk, and by two reviewers at once — that update
 * the proof and write the member's notice exactly once, handed to the outbound queue.
 */
describe('admin web: Minh chứng', () => {
  const w = useAdminWorld({ pages: 'wired' });

  /** A member of the branch with a Messenger identity, and a pending link proof of theirs in the wave. */
  async function aProofIn(branch: 'branchA' | 'branchB' | 'branchX', options: { wave?: string; link?: string; image?: string } = {}): Promise<{ proofId: string; memberId: string; identityId: string }> {
    const memberId = await aMember(w.db, { branchId: w.s[branch] });
    const identityId = await anIdentityFor(w.db, { channel: 'messenger', platformUserId: `psid-${memberId}` }, memberId);
    links += 1;
    const waveId = options.wave ?? w.s.novemberWave;
    const proofId = options.image
      ? await aProof(w.db, { waveId, memberId, imageSha256: options.image })
      : await aProof(w.db, { waveId, memberId, link: options.link ?? `https://www.facebook.com/dv/posts/${links}` });
    return { proofId, memberId, identityId };
  }

  const proof = (id: string) => w.db.selectFrom('proofs').select(['review_state', 'reject_reason', 'reviewed_by_staff_id']).where('id', '=', id).executeTakeFirstOrThrow();
  const notices = (id: string) => w.db.selectFrom('deliveries').select(['id', 'purpose', 'payload', 'identity_id', 'topic']).where('idempotency_key', '=', `review:${id}`).execute();
  const htmxPost = (who: Who, path: string, form: Record<string, string>) => w.c[who].post(path, form, { headers: { 'hx-request': 'true', 'hx-target': 'proof' } });

  describe('scope', () => {
    const ids = {} as Record<'A' | 'B' | 'X', string>;
    beforeAll(async () => {
      ids.A = (await aProofIn('branchA')).proofId;
      ids.B = (await aProofIn('branchB')).proofId;
      ids.X = (await aProofIn('branchX')).proofId;
    });

    it.each([
      ['admin', ['A', 'B', 'X']],
      ['staffOne', ['A', 'B']],
      ['staffTwo', ['X']],
      ['cadreA', ['A']],
      ['cadreB', ['B']],
    ] as const)('When %s opens the queue, then it lists the proofs of %j and no other', async (who, seen) => {
      const page = await w.c[who].get('/admin/proofs');
      expect(page.status).toBe(200);
      for (const b of ['A', 'B', 'X'] as const) expect([b, page.body.includes(`data-proof="${ids[b]}"`)]).toEqual([b, (seen as readonly string[]).includes(b)]);
    });

    it.each([
      ['staffOne', 'X'],
      ['staffTwo', 'A'],
      ['cadreA', 'B'],
      ['cadreB', 'A'],
    ] as const)('When %s reviews the proof of branch %s, one by one or in bulk, then it is 404 / untouched, and nobody is told', async (who, b) => {
      expect((await w.c[who].post(`/admin/proofs/${ids[b]}/review`, { decision: 'approve' })).status).toBe(404);
      expect((await htmxPost(who, `/admin/proofs/${ids[b]}/review`, { decision: 'approve' })).status).toBe(404);
      const bulk = await w.c[who].post('/admin/proofs/review', { decision: 'approve', ids: ids[b] });
      expect(bulk.body).toContain('không còn trong phạm vi');
      expect((await proof(ids[b])).review_state).toBe('pending');
      expect(await notices(ids[b])).toEqual([]);
    });

    it('When the queue is filtered by wave, branch and state, then only those proofs are listed', async () => {
      const inTrend = (await aProofIn('branchA', { wave: w.s.trendOfA })).proofId;
      const byWave = await w.c.admin.get(`/admin/proofs?wave=${w.s.trendOfA}`);
      expect([byWave.body.includes(`data-proof="${inTrend}"`), byWave.body.includes(`data-proof="${ids.A}"`)]).toEqual([true, false]);
      const byBranch = await w.c.admin.get(`/admin/proofs?branch=${w.s.branchX}`);
      expect([byBranch.body.includes(`data-proof="${ids.X}"`), byBranch.body.includes(`data-proof="${ids.A}"`)]).toEqual([true, false]);
      expect((await w.c.admin.get('/admin/proofs?state=approved')).body).not.toContain(`data-proof="${ids.A}"`);
      expect((await w.c.admin.get('/admin/proofs?state=all')).body).toContain(`data-proof="${ids.A}"`);
    });
  });

  it('When a link is shared by two members and an image reused, then both carry their flag; links open in a new tab, images by a signed URL', async () => {
    const shared = 'https://www.facebook.com/dv/posts/shared-1';
    const first = await aProofIn('branchA', { link: shared });
    const second = await aProofIn('branchB', { link: shared, wave: w.s.trendOfA });
    const own = await aProofIn('branchA');
    const img1 = await aProofIn('branchA', { image: SHA });
    const img2 = await aProofIn('branchB', { image: SHA });
    const page = await w.c.admin.get('/admin/proofs?state=pending');
    const card = (id: string) => page.body.slice(page.body.indexOf(`id="proof-${id}"`), page.body.indexOf('</article>', page.body.indexOf(`id="proof-${id}"`)));
    for (const p of [first, second]) expect(card(p.proofId)).toContain('data-flag="duplicate-link"');
    for (const p of [img1, img2]) expect(card(p.proofId)).toContain('data-flag="reused-image"');
    expect(card(own.proofId)).not.toContain('data-flag=');
    expect(card(first.proofId)).toContain(`href="${shared}" target="_blank" rel="noopener noreferrer"`);
    expect(card(img1.proofId)).toMatch(new RegExp(`<img class="proof-image" src="/media/images/${SHA}\\?e=\\d+&amp;s=[\\w-]+"`));
  });

  it('When a proof is approved through the page, then it is approved, the participation follows, and the member\'s notice is queued exactly once', async () => {
    const { proofId, identityId } = await aProofIn('branchA', { link: 'https://www.facebook.com/dv/posts/approve-me' });
    await w.c.cadreA.get('/admin/proofs');
    const answer = await htmxPost('cadreA', `/admin/proofs/${proofId}/review`, { decision: 'approve' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('data-state="approved"');
    expect(answer.body).toContain('Đã duyệt.');
    const row = await proof(proofId);
    expect(row.review_state).toBe('approved');
    const participation = await w.db.selectFrom('proofs as p').innerJoin('participations as pa', 'pa.id', 'p.participation_id').select('pa.state').where('p.id', '=', proofId).executeTakeFirstOrThrow();
    expect(participation.state).toBe('approved');

    const again = await htmxPost('cadreA', `/admin/proofs/${proofId}/review`, { decision: 'reject', reason: 'reason:link' });
    expect(again.body).toContain(`Minh chứng này đã được duyệt bởi ${w.staff.cadreA.username}.`);
    expect((await proof(proofId)).review_state).toBe('approved');

    const sent = await notices(proofId);
    expect(sent).toHaveLength(1);
    // Its own topic: a deferred result of another proof of the same member never collapses into this one.
    expect([sent[0]!.purpose, sent[0]!.identity_id, sent[0]!.topic]).toEqual(['reviewResult', identityId, `proof:${proofId}`]);
    expect(sent[0]!.payload).toEqual({ text: proofApprovedNotice('Thắp nến tri ân', { kind: 'link', platform: 'facebook', canonicalUrl: 'https://www.facebook.com/dv/posts/approve-me' }) });
    const job = await outboundQueueOf(w.wired.queues, 'messenger').getJob(outboundJobId(Number(sent[0]!.id)));
    expect(job?.data.deliveryId).toBe(Number(sent[0]!.id));
  });

  it('When proofs are rejected with a picked or a typed reason, then the reason is kept and told; a reason too short is refused', async () => {
    const picked = await aProofIn('branchB');
    const typed = await aProofIn('branchB');
    await w.c.staffOne.get('/admin/proofs');
    await htmxPost('staffOne', `/admin/proofs/${picked.proofId}/review`, { decision: 'reject', reason: 'reason:hashtag', reason_text: '' });
    const short = await htmxPost('staffOne', `/admin/proofs/${typed.proofId}/review`, { decision: 'reject', reason: 'other', reason_text: 'x' });
    expect(short.body).toContain('Gõ lý do chưa duyệt (ít nhất 3 ký tự).');
    expect((await proof(typed.proofId)).review_state).toBe('pending');
    await htmxPost('staffOne', `/admin/proofs/${typed.proofId}/review`, { decision: 'reject', reason: 'other', reason_text: '  Bài   đăng để chế độ riêng tư ' });

    const hashtagReason = REJECT_REASONS.find((r) => r.value === 'reason:hashtag')!.reason;
    expect(await proof(picked.proofId)).toMatchObject({ review_state: 'rejected', reject_reason: hashtagReason });
    expect(await proof(typed.proofId)).toMatchObject({ review_state: 'rejected', reject_reason: 'Bài đăng để chế độ riêng tư' });
    const told = await notices(typed.proofId);
    expect(told).toHaveLength(1);
    const { canonical_url } = await w.db.selectFrom('proofs').select('canonical_url').where('id', '=', typed.proofId).executeTakeFirstOrThrow();
    expect(told[0]!.payload).toEqual({ text: proofRejectedNotice('Thắp nến tri ân', { kind: 'link', platform: 'facebook', canonicalUrl: canonical_url }, 'Bài đăng để chế độ riêng tư') });
  });

  it('When several proofs are approved in bulk, one of them already decided, then the others are approved and told once each, and the page names who decided the one', async () => {
    const first = await aProofIn('branchA');
    const second = await aProofIn('branchA');
    const decided = await aProofIn('branchA');
    await w.c.admin.get('/admin/proofs');
    await htmxPost('admin', `/admin/proofs/${decided.proofId}/review`, { decision: 'approve' });
    await w.c.staffOne.get('/admin/proofs');
    const bulk = await w.c.staffOne.post('/admin/proofs/review', { decision: 'approve', ids: [first.proofId, second.proofId, decided.proofId], back_state: 'pending' });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toContain('Đã duyệt 2 minh chứng');
    expect(bulk.body).toContain(`Minh chứng này đã được duyệt bởi ${w.staff.admin.username}.`);
    for (const p of [first, second, decided]) {
      expect((await proof(p.proofId)).review_state).toBe('approved');
      expect(await notices(p.proofId)).toHaveLength(1);
    }
    expect((await proof(decided.proofId)).reviewed_by_staff_id).not.toBe((await proof(first.proofId)).reviewed_by_staff_id);
    const audited = await w.db.selectFrom('audit_log').select('subject_id').where('action', '=', 'proof.reviewed').where('subject_id', 'in', [first.proofId, second.proofId, decided.proofId]).execute();
    expect(audited).toHaveLength(3);
  });

  it('When two reviewers decide the same proofs at the same moment, then exactly one decision stands per proof, the other reviewer is told who decided, and each member is told once', async () => {
    const batch = await Promise.all([1, 2, 3, 4, 5].map(() => aProofIn('branchA')));
    await w.c.admin.get('/admin/proofs');
    await w.c.cadreA.get('/admin/proofs');
    for (const { proofId } of batch) {
      const [one, two] = await Promise.all([
        htmxPost('admin', `/admin/proofs/${proofId}/review`, { decision: 'approve' }),
        htmxPost('cadreA', `/admin/proofs/${proofId}/review`, { decision: 'reject', reason: 'reason:content' }),
      ]);
      const won = [one.body.includes('Đã duyệt.'), two.body.includes('Đã ghi nhận chưa duyệt')];
      expect(won.filter(Boolean)).toHaveLength(1);
      const loser = won[0] ? two : one;
      expect(loser.body).toMatch(new RegExp(`Minh chứng này đã được (duyệt|xét) bởi (${w.staff.admin.username}|${w.staff.cadreA.username})`));
      const row = await proof(proofId);
      expect(row.review_state).toBe(won[0] ? 'approved' : 'rejected');
      expect(await notices(proofId)).toHaveLength(1);
    }
    // Two bulk reviews of the same five at once: nothing changes twice, nobody is told twice.
    const more = await Promise.all([1, 2, 3, 4, 5].map(() => aProofIn('branchB')));
    const ids = more.map((m) => m.proofId);
    await w.c.staffOne.get('/admin/proofs');
    const [a, b] = await Promise.all([w.c.admin.post('/admin/proofs/review', { decision: 'approve', ids }), w.c.staffOne.post('/admin/proofs/review', { decision: 'approve', ids })]);
    const counted = [a, b].map((x) => Number(/Đã duyệt (\d+) minh chứng/.exec(x.body)?.[1]));
    expect(counted[0]! + counted[1]!).toBe(5);
    const rows = await w.db.selectFrom('deliveries').select('idempotency_key').where('idempotency_key', 'in', ids.map((id) => `review:${id}`)).execute();
    expect(rows).toHaveLength(5);
  });

  it('When a review is posted without the CSRF token, then it is refused (403) and the proof stays pending', async () => {
    const { proofId } = await aProofIn('branchA');
    expect((await w.c.admin.post(`/admin/proofs/${proofId}/review`, { decision: 'approve' }, { csrf: false })).status).toBe(403);
    expect((await w.c.admin.post('/admin/proofs/review', { decision: 'approve', ids: proofId }, { csrf: false })).status).toBe(403);
    expect((await proof(proofId)).review_state).toBe('pending');
    expect(await notices(proofId)).toEqual([]);
  });
});
