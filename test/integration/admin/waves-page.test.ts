import { aWave } from '../../helpers/builders';
import { useAdminWorld } from '../../helpers/admin-world';

const aWaveForm = (over: Record<string, string> = {}) => ({
  title: 'Sắc xanh mùa đông',
  description: 'Mỗi đoàn viên đăng một bài về việc tốt quanh mình.',
  action: 'publicPost',
  hashtags: 'sắc xanh mùa đông, #BìnhTânXanh',
  first_day: '2026-12-01',
  last_day: '2026-12-15',
  ...over,
});

/**
 * Đợt through the admin web: every route for each role on its own branch and on another's (the
 * other branch's ids read as absent), the rules of the API for who may create, open and close,
 * and the CSRF check on every form.
 */
describe('admin web: Đợt', () => {
  const w = useAdminWorld({ pages: 'wired' });
  /** Branch B's draft trend, made here so each test knows it. */
  let draftOfB: string;

  beforeAll(async () => {
    draftOfB = await aWave(w.db, { ownerUnitId: w.s.branchB, title: 'Trào lưu Bình Trị Đông sạch', startsAt: new Date('2026-12-02T00:00:00+07:00'), status: 'draft' });
  });

  const statusOf = async (id: string) => (await w.db.selectFrom('waves').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  it.each([
    ['admin', 200, 200],
    ['staffOne', 200, 200],
    ['staffTwo', 404, 200],
    ['cadreA', 200, 200],
    ['cadreB', 404, 200],
  ] as const)('When %s opens branch A\'s trend and the district wave, then the answers are %i and %i', async (who, trend, district) => {
    expect((await w.c[who].get(`/admin/waves/${w.s.trendOfA}`)).status).toBe(trend);
    expect((await w.c[who].get(`/admin/waves/${w.s.novemberWave}`)).status).toBe(district);
    expect((await w.c[who].get(`/admin/waves/${w.s.trendOfA}?page=2`, { 'hx-request': 'true' })).status).toBe(trend);
  });

  it.each([
    ['admin', 7],
    ['staffOne', 6],
    ['staffTwo', 1],
    ['cadreA', 6],
    ['cadreB', 0],
  ] as const)('When %s looks at the participants of the district wave, then %i in scope are listed, with their proof state and no phone', async (who, rows) => {
    const page = await w.c[who].get(`/admin/waves/${w.s.novemberWave}`);
    expect(page.body.match(/data-participation="/g)?.length ?? 0).toBe(rows);
    expect(page.body).not.toMatch(/\+84\d{9}/);
    expect(page.body).toContain(`/admin/exports/waves/${w.s.novemberWave}.xlsx`);
    expect(page.body).toContain(`/admin/exports/waves/${w.s.novemberWave}/participants.csv`);
  });

  it.each([
    ['admin', true, true],
    ['staffOne', true, false],
    ['staffTwo', false, true],
    ['cadreA', true, false],
    ['cadreB', false, false],
  ] as const)('When %s lists the waves, then branch A\'s trend is listed: %s; branch X\'s wave: %s', async (who, seesA, seesX) => {
    const waveOfX = await aWave(w.db, { ownerUnitId: w.s.branchX, title: `Đợt Tân Tạo ${who}` });
    const page = await w.c[who].get('/admin/waves');
    expect(page.status).toBe(200);
    expect(page.body.includes(`data-wave="${w.s.trendOfA}"`)).toBe(seesA);
    expect(page.body.includes(`data-wave="${waveOfX}"`)).toBe(seesX);
    expect(page.body).toContain(`data-wave="${w.s.novemberWave}"`);
  });

  it('When the list is filtered by status and owner, then only those waves are shown', async () => {
    const drafts = await w.c.admin.get('/admin/waves?status=draft');
    expect(drafts.body).toContain(`data-wave="${draftOfB}"`);
    expect(drafts.body).not.toContain(`data-wave="${w.s.novemberWave}"`);
    const ofA = await w.c.admin.get(`/admin/waves?owner=${w.s.branchA}`);
    expect(ofA.body).toContain(`data-wave="${w.s.trendOfA}"`);
    expect(ofA.body).not.toContain(`data-wave="${w.s.novemberWave}"`);
    const trends = await w.c.admin.get('/admin/waves/trends');
    expect(trends.body).toContain(`data-wave="${w.s.trendOfA}"`);
    expect(trends.body).not.toContain(`data-wave="${w.s.novemberWave}"`);
    expect(trends.body).toContain(`/admin/waves/${draftOfB}/open`);
  });

  it('When a district wave is created, then only the district admin may; a staff member gets 403, and nobody creates for a branch outside the scope', async () => {
    await w.c.staffOne.get('/admin/waves/new');
    expect((await w.c.staffOne.post('/admin/waves', aWaveForm())).status).toBe(403);
    expect((await w.c.staffOne.post('/admin/waves', aWaveForm({ owner: w.s.branchX }))).status).toBe(404);
    expect((await w.c.cadreA.post('/admin/waves', aWaveForm({ owner: w.s.branchB }))).status).toBe(404);

    const created = await w.c.admin.post('/admin/waves', aWaveForm({ title: 'Đợt cấp Quận tháng 12' }));
    expect(created.status).toBe(303);
    const row = await w.db.selectFrom('waves').selectAll().where('title', '=', 'Đợt cấp Quận tháng 12').executeTakeFirstOrThrow();
    expect([row.owner_unit_id, row.status, row.hashtags]).toEqual([w.s.districtId, 'open', ['#SắcXanhMùaĐông', '#BìnhTânXanh']]);
    expect(row.starts_at.toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(row.ends_at.toISOString()).toBe('2026-12-15T17:00:00.000Z');
    expect(created.headers.get('location')).toBe(`/admin/waves/${row.id}?done=created`);
  });

  it('When a branch cadre creates a wave for their branch, then it waits as a draft, which they may edit but not open', async () => {
    expect((await w.c.cadreA.post('/admin/waves', aWaveForm({ title: 'Trào lưu An Lạc mùa đông', owner: w.s.branchA, status: 'open' }))).status).toBe(303);
    const row = await w.db.selectFrom('waves').select(['id', 'status', 'owner_unit_id']).where('title', '=', 'Trào lưu An Lạc mùa đông').executeTakeFirstOrThrow();
    expect([row.status, row.owner_unit_id]).toEqual(['draft', w.s.branchA]);
    expect((await w.c.cadreA.get(`/admin/waves/${row.id}/edit`)).status).toBe(200);
    expect((await w.c.cadreA.post(`/admin/waves/${row.id}`, aWaveForm({ title: 'Trào lưu An Lạc đón Tết' }))).status).toBe(303);
    expect((await w.c.cadreB.post(`/admin/waves/${row.id}`, aWaveForm({ title: 'Bị sửa' }))).status).toBe(404);
    expect((await w.c.cadreA.post(`/admin/waves/${row.id}/open`)).status).toBe(403);
    const after = await w.db.selectFrom('waves').select(['title', 'status']).where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ title: 'Trào lưu An Lạc đón Tết', status: 'draft' });
  });

  it('When a branch trend is approved, then another cluster\'s staff get 404, its cluster\'s staff open it once, and a second approval is a conflict', async () => {
    expect((await w.c.staffTwo.post(`/admin/waves/${draftOfB}/open`, { back: 'trends' })).status).toBe(404);
    expect((await w.c.cadreB.post(`/admin/waves/${draftOfB}/open`)).status).toBe(403);
    expect(await statusOf(draftOfB)).toBe('draft');
    const approved = await w.c.staffOne.post(`/admin/waves/${draftOfB}/open`, { back: 'trends' });
    expect([approved.status, approved.headers.get('location')]).toEqual([303, '/admin/waves/trends?done=open']);
    expect(await statusOf(draftOfB)).toBe('open');
    expect((await w.c.admin.post(`/admin/waves/${draftOfB}/open`)).status).toBe(409);
    const audit = await w.db.selectFrom('audit_log').select('action').where('subject_id', '=', draftOfB).execute();
    expect(audit.map((a) => a.action)).toEqual(['wave.opened']);
  });

  it('When waves are closed, then a district wave only by the district admin, a branch wave by its cluster\'s staff', async () => {
    const districtWave = await aWave(w.db, { ownerUnitId: w.s.districtId, title: 'Đợt sẽ kết thúc' });
    const waveOfA = await aWave(w.db, { ownerUnitId: w.s.branchA, title: 'Đợt An Lạc sẽ kết thúc' });
    expect((await w.c.staffOne.post(`/admin/waves/${districtWave}/close`)).status).toBe(403);
    expect((await w.c.cadreA.post(`/admin/waves/${waveOfA}/close`)).status).toBe(403);
    expect((await w.c.staffTwo.post(`/admin/waves/${waveOfA}/close`)).status).toBe(404);
    expect((await w.c.staffOne.post(`/admin/waves/${waveOfA}/close`)).status).toBe(303);
    expect((await w.c.admin.post(`/admin/waves/${districtWave}/close`)).status).toBe(303);
    expect([await statusOf(districtWave), await statusOf(waveOfA)]).toEqual(['closed', 'closed']);
    expect((await w.c.admin.post(`/admin/waves/${waveOfA}`, aWaveForm())).status).toBe(409);
  });

  it('When a form is posted without the CSRF token or with a wrong one, then it is refused (403) and nothing changes', async () => {
    const waveOfA = await aWave(w.db, { ownerUnitId: w.s.branchA, title: 'Đợt có CSRF' });
    expect((await w.c.admin.post(`/admin/waves/${waveOfA}/close`, {}, { csrf: false })).status).toBe(403);
    expect((await w.c.admin.post(`/admin/waves/${waveOfA}/close`, { _csrf: 'khong-dung' }, { csrf: false })).status).toBe(403);
    expect((await w.c.admin.post('/admin/waves', aWaveForm({ title: 'Không được tạo' }), { csrf: false })).status).toBe(403);
    expect(await statusOf(waveOfA)).toBe('open');
    expect(await w.db.selectFrom('waves').select('id').where('title', '=', 'Không được tạo').executeTakeFirst()).toBeUndefined();
  });

  it('When the form is wrong, then the page says why in Vietnamese and keeps what was typed', async () => {
    const answer = await w.c.admin.post('/admin/waves', aWaveForm({ title: 'Ngày ngược', first_day: '2026-12-10', last_day: '2026-12-01' }));
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('Ngày kết thúc phải từ ngày bắt đầu trở đi.');
    expect(answer.body).toContain('value="Ngày ngược"');
    expect((await w.c.admin.get('/admin/waves/khong-phai-id')).status).toBe(404);
  });
});
