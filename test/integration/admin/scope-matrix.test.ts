import { AdminClient } from '../../helpers/admin-web';
import { useAdminWorld } from '../../helpers/admin-world';

/**
 * Every admin route of the shell, for each role, on its own branch and on another's: the other
 * branch's ids read as absent (404), a page the role may not use is 403, and nobody signed in is
 * sent to the sign-in page (pages) or gets 401 (htmx).
 */
describe('admin web scope matrix: each role × own / other branch', () => {
  const w = useAdminWorld({ pages: 'wired' });
  /** Made by the cadre of branch A, so its scope is branch A. */
  let broadcastOfA: string;

  beforeAll(async () => {
    await w.c.cadreA.get('/admin/broadcasts');
    const created = await w.c.cadreA.post('/admin/broadcasts', { text: 'Chi đoàn An Lạc họp lúc 19 giờ.', audience_mode: 'everyone', when: 'later', send_at: '2026-12-05T19:00' });
    expect(created.status).toBe(303);
    broadcastOfA = (await w.db.selectFrom('broadcasts').select('id').executeTakeFirstOrThrow()).id;
  });

  it('When nobody is signed in, then every page redirects to the sign-in page and every htmx call is 401', async () => {
    const anonymous = new AdminClient(w.web.url);
    for (const path of ['/admin', '/admin/broadcasts', `/admin/broadcasts/${broadcastOfA}/figures`, '/admin/audit', '/admin/queues']) {
      const page = await anonymous.get(path);
      expect([path, page.status, page.headers.get('location')?.startsWith('/admin/login?next=')]).toEqual([path, 303, true]);
      expect([path, (await anonymous.get(path, { 'hx-request': 'true' })).status]).toEqual([path, 401]);
    }
    expect((await anonymous.post('/admin/broadcasts/forecast', { audience_mode: 'everyone' }, { headers: { 'hx-request': 'true' } })).status).toBe(401);
    expect((await anonymous.post(`/admin/broadcasts/${broadcastOfA}/cancel`)).status).toBe(401);
  });

  it.each([
    ['admin', 200],
    ['staffOne', 200],
    ['staffTwo', 404],
    ['cadreA', 200],
    ['cadreB', 404],
  ] as const)('When %s asks for the figures of branch A\'s broadcast, then the answer is %i', async (who, status) => {
    expect((await w.c[who].get(`/admin/broadcasts/${broadcastOfA}/figures`, { 'hx-request': 'true' })).status).toBe(status);
  });

  it.each([
    ['admin', true],
    ['staffOne', true],
    ['staffTwo', false],
    ['cadreA', true],
    ['cadreB', false],
  ] as const)('When %s opens Gửi tin, then branch A\'s broadcast is listed: %s', async (who, listed) => {
    const page = await w.c[who].get('/admin/broadcasts');
    expect(page.status).toBe(200);
    expect(page.body.includes(`data-broadcast="${broadcastOfA}"`)).toBe(listed);
  });

  it.each([
    ['admin', 'branchX', 200],
    ['staffOne', 'branchA', 200],
    ['staffOne', 'branchX', 404],
    ['staffTwo', 'branchX', 200],
    ['staffTwo', 'branchB', 404],
    ['cadreA', 'branchA', 200],
    ['cadreA', 'branchB', 404],
    ['cadreB', 'branchB', 200],
    ['cadreB', 'branchA', 404],
  ] as const)('When %s asks the reach forecast for %s, then the answer is %i', async (who, branch, status) => {
    const c = w.c[who];
    const answer = await c.post('/admin/broadcasts/forecast', { audience_mode: 'filter', branches: w.s[branch] }, { csrf: false, headers: { 'x-csrf-token': c.csrf!, 'hx-request': 'true' } });
    expect(answer.status).toBe(status);
    if (status === 200) expect(answer.body).toContain('id="forecast-result"');
  });

  it('When a cadre names a cluster in the audience, then it is refused (403); a district staff member naming another\'s cluster gets 404', async () => {
    const cadre = w.c.cadreA;
    expect((await cadre.post('/admin/broadcasts/forecast', { audience_mode: 'filter', clusters: w.s.clusterOne }, { csrf: false, headers: { 'x-csrf-token': cadre.csrf!, 'hx-request': 'true' } })).status).toBe(403);
    const staff = w.c.staffOne;
    expect((await staff.post('/admin/broadcasts/forecast', { audience_mode: 'filter', clusters: w.s.clusterTwo }, { csrf: false, headers: { 'x-csrf-token': staff.csrf!, 'hx-request': 'true' } })).status).toBe(404);
    expect((await staff.post('/admin/broadcasts', { text: 'x', audience_mode: 'filter', branches: w.s.branchX })).status).toBe(404);
  });

  it.each([
    ['admin', 'Đoàn phường An Lạc', 'Đoàn phường Tân Tạo'],
    ['staffOne', 'Đoàn phường Bình Trị Đông', null],
    ['staffTwo', 'Đoàn phường Tân Tạo', 'Đoàn phường An Lạc'],
    ['cadreA', 'Đoàn phường An Lạc', 'Đoàn phường Bình Trị Đông'],
    ['cadreB', 'Đoàn phường Bình Trị Đông', 'Đoàn phường An Lạc'],
  ] as const)('When %s opens Tổng quan, then it shows %s and not branches outside the scope', async (who, shown, hidden) => {
    const page = await w.c[who].get('/admin');
    expect(page.status).toBe(200);
    expect(page.body).toContain(shown);
    if (who !== 'admin' && hidden) expect(page.body).not.toContain(hidden);
    if (who === 'admin') expect(page.body).toContain(hidden);
  });

  it.each([
    ['admin', 200],
    ['staffOne', 403],
    ['staffTwo', 403],
    ['cadreA', 403],
    ['cadreB', 403],
  ] as const)('When %s opens Hàng đợi and Nhật ký, then the answer is %i (district admin only), and the menu matches', async (who, status) => {
    const queues = await w.c[who].get('/admin/queues');
    expect(queues.status).toBe(status);
    expect((await w.c[who].get('/admin/audit')).status).toBe(status);
    const home = await w.c[who].get('/admin');
    expect(home.body.includes('>Hàng đợi</a>')).toBe(status === 200);
    expect(home.body.includes('>Nhật ký</a>')).toBe(status === 200);
  });

  it('When bull-board is asked to change a queue from another site, then it is refused; its page is served with its own CSP', async () => {
    const admin = w.c.admin;
    const page = await admin.get('/admin/queues');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await admin.request('PUT', '/admin/queues/api/queues/outbound-zalo/retry/failed', { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    const api = await admin.get('/admin/queues/api/queues?activeQueue=', { accept: 'application/json' });
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body).queues.length).toBeGreaterThan(0);
  });

  it('When other branches try to cancel branch A\'s broadcast, then they get 404; its own cadre stops it, and the audit log shows it to the admin', async () => {
    expect((await w.c.cadreB.post(`/admin/broadcasts/${broadcastOfA}/cancel`)).status).toBe(404);
    expect((await w.c.staffTwo.post(`/admin/broadcasts/${broadcastOfA}/cancel`)).status).toBe(404);
    expect((await w.c.cadreA.post(`/admin/broadcasts/${broadcastOfA}/cancel`)).status).toBe(303);
    const status = await w.db.selectFrom('broadcasts').select('status').where('id', '=', broadcastOfA).executeTakeFirstOrThrow();
    expect(status.status).toBe('cancelled');
    const audit = await w.c.admin.get('/admin/audit');
    expect(audit.body).toContain('Dừng gửi tin');
    expect(audit.body).toContain('Gửi tin');
    expect(audit.body).toContain('Đăng nhập');
  });
});
