import { submitGoodNews } from '../../../src/domain/content/good-news.service';
import { nextTeaching } from '../../../src/domain/content/recurring-content.repository';
import { aMember } from '../../helpers/builders';
import { useAdminWorld } from '../../helpers/admin-world';
import { CONTENT_PAGE_SIZE } from '../../../src/admin/pages/content.page';

/**
 * Nội dung in the admin web: the Lời Bác dạy library (no approval without a source), members'
 * good news seen and approved only inside the scope, adding, editing and scheduling.
 */
describe('admin web: Nội dung', () => {
  const w = useAdminWorld();
  let goodNewsOfA: string;

  beforeAll(async () => {
    const member = await aMember(w.db, { branchId: w.s.branchA, fullName: 'Lâm Gia Huy' });
    goodNewsOfA = await submitGoodNews(w.db, member, { kind: 'link', link: 'https://www.facebook.com/anlac/posts/99', description: 'Đoàn viên An Lạc hiến máu' });
  });

  const approvalOf = async (id: string) => (await w.db.selectFrom('content_items').select('approval').where('id', '=', id).executeTakeFirstOrThrow()).approval;

  it.each([
    ['admin', 200, 200],
    ['staffOne', 200, 200],
    ['staffTwo', 200, 404],
    ['cadreA', 403, 403],
    ['cadreB', 403, 403],
  ] as const)('When %s opens Nội dung, then %i; a good news sent by a member of branch A opens with %i', async (who, list, item) => {
    const page = await w.c[who].get('/admin/content?kind=goodNews');
    expect(page.status).toBe(list);
    if (list === 200) expect(page.body.includes(`data-content="${goodNewsOfA}"`)).toBe(item === 200);
    expect((await w.c[who].get(`/admin/content/${goodNewsOfA}`)).status).toBe(item);
  });

  it('When staff of another cluster try to approve branch A\'s good news, then 404 and it waits; staff of its cluster approve it, with an audit row', async () => {
    await w.c.staffTwo.get('/admin/content');
    expect((await w.c.staffTwo.post(`/admin/content/${goodNewsOfA}/approve`)).status).toBe(404);
    expect(await approvalOf(goodNewsOfA)).toBe('pending');
    await w.c.staffOne.get('/admin/content');
    const answer = await w.c.staffOne.post(`/admin/content/${goodNewsOfA}/approve`, {}, { headers: { 'hx-request': 'true', 'hx-target': `content-${goodNewsOfA}` } });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('data-approval="approved"');
    expect(await approvalOf(goodNewsOfA)).toBe('approved');
    const audit = await w.db.selectFrom('audit_log').select(['actor_id', 'unit_id']).where('action', '=', 'content.approved').where('subject_id', '=', goodNewsOfA).execute();
    expect(audit).toEqual([{ actor_id: w.staff.staffOne.id, unit_id: w.s.branchA }]);
  });

  it('When a teaching is saved without a source, then it is refused; one whose source is empty cannot be approved; with its source it is approved and becomes the next teaching sent', async () => {
    const admin = w.c.admin;
    const words = 'Vì lợi ích mười năm thì phải trồng cây, vì lợi ích trăm năm thì phải trồng người.';
    await admin.get('/admin/content?kind=uncleHoTeaching');
    const unsourced = await admin.post('/admin/content', { kind: 'uncleHoTeaching', body: words });
    expect(unsourced.status).toBe(400);
    expect(unsourced.body).toContain('cần ghi nguồn trích dẫn');
    expect(await w.db.selectFrom('content_items').select('id').where('kind', '=', 'uncleHoTeaching').execute()).toEqual([]);

    // An empty source (the database only refuses a missing one) is no source either.
    const teaching = await w.db.insertInto('content_items').values({ kind: 'uncleHoTeaching', body: words, source: '' }).returning('id').executeTakeFirstOrThrow();
    const refused = await admin.post(`/admin/content/${teaching.id}/approve`);
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('cần ghi nguồn trích dẫn');
    const inRow = await admin.post(`/admin/content/${teaching.id}/approve`, {}, { headers: { 'hx-request': 'true', 'hx-target': `content-${teaching.id}` } });
    expect(inRow.body).toContain('cần ghi nguồn trích dẫn');
    expect(await approvalOf(teaching.id)).toBe('pending');
    expect(await nextTeaching(w.db)).toBeUndefined();

    expect((await admin.post(`/admin/content/${teaching.id}`, { body: words, source: 'Hồ Chí Minh Toàn tập, tập 11, tr. 528', scheduled_on: '2026-12-07' })).status).toBe(303);
    expect((await admin.post(`/admin/content/${teaching.id}/approve`)).status).toBe(303);
    expect(await approvalOf(teaching.id)).toBe('approved');
    expect((await nextTeaching(w.db))?.id).toBe(teaching.id);
    const row = await w.db.selectFrom('content_items').select(['scheduled_on', 'source']).where('id', '=', teaching.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ scheduled_on: '2026-12-07', source: 'Hồ Chí Minh Toàn tập, tập 11, tr. 528' });

    // Its source cannot be taken away again.
    expect((await admin.post(`/admin/content/${teaching.id}`, { body: words, source: '' })).status).toBe(400);

    // One added with its source waits for approval like the seeded ones.
    expect((await admin.post('/admin/content', { kind: 'uncleHoTeaching', body: 'Không có việc gì khó, chỉ sợ lòng không bền.', source: 'Hồ Chí Minh, 1951' })).status).toBe(303);
    const added = await w.db.selectFrom('content_items').select(['approval', 'created_by_staff_id']).where('source', '=', 'Hồ Chí Minh, 1951').executeTakeFirstOrThrow();
    expect(added).toEqual({ approval: 'pending', created_by_staff_id: w.staff.admin.id });
  });

  it('When a form comes without the CSRF token or with a bad link, then nothing is added', async () => {
    const admin = w.c.admin;
    expect((await admin.post('/admin/content', { kind: 'legalInfo', body: 'Luật An ninh mạng 2018' }, { csrf: false })).status).toBe(403);
    const bad = await admin.post('/admin/content', { kind: 'legalInfo', body: 'Luật An ninh mạng 2018', link_url: 'javascript:alert(1)' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Đường dẫn');
    expect(await w.db.selectFrom('content_items').select('id').where('kind', '=', 'legalInfo').execute()).toEqual([]);
  });

  it('When a library holds more than a page, then every item is on exactly one page, waiting ones first, and the pager says where the reader is', async () => {
    const n = CONTENT_PAGE_SIZE + 7;
    const made = await w.db
      .insertInto('content_items')
      .values(Array.from({ length: n }, (_, i) => ({ kind: 'greenLiving' as const, body: `Mẹo sống xanh số ${i + 1}`, approval: i % 10 === 0 ? ('pending' as const) : ('approved' as const), created_at: new Date(Date.UTC(2026, 10, 1, 0, i)) })))
      .returning('id')
      .execute();
    const idsOn = (body: string) => [...body.matchAll(/data-content="([^"]+)"/g)].map((m) => m[1]!);
    const first = await w.c.staffOne.get('/admin/content?kind=greenLiving');
    const second = await w.c.staffOne.get('/admin/content?kind=greenLiving&page=2');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body).toContain(`Trang 1/2 · ${n} dòng`);
    expect(second.body).toContain('Trang 2/2');
    const onFirst = idsOn(first.body);
    const onSecond = idsOn(second.body);
    expect([onFirst.length, onSecond.length]).toEqual([CONTENT_PAGE_SIZE, 7]);
    expect(new Set([...onFirst, ...onSecond])).toEqual(new Set(made.map((r) => r.id)));
    // The six waiting items lead the first page.
    expect(onFirst.slice(0, 6).every((id) => made.findIndex((r) => r.id === id) % 10 === 0)).toBe(true);
    expect(idsOn((await w.c.staffOne.get('/admin/content?kind=greenLiving&page=abc')).body)).toEqual(onFirst);
    expect(idsOn((await w.c.staffOne.get('/admin/content?kind=greenLiving&approval=pending')).body)).toHaveLength(6);
  });
});
