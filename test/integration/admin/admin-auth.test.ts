import { hashSessionId } from '../../../src/domain/staff/staff-login.service';
import type { AdminPage } from '../../../src/admin/admin-page';
import { ALL_STAFF_ROLES } from '../../../src/admin/admin-page';
import { html } from '../../../src/admin/views/html';
import { sendPage } from '../../../src/admin/views/layout';
import { dashboardPage } from '../../../src/admin/pages/dashboard.page';
import { AdminClient, aStaffAccount, startAdminWeb, STAFF_PASSWORD, type AdminWeb } from '../../helpers/admin-web';
import { aDistrict, aUnit } from '../../helpers/builders';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const MINUTE = 60_000;

/** A page as another helper would add one: a form that changes something, for admins only. */
const notesPage: AdminPage = {
  path: '/notes',
  title: 'Ghi chú',
  roles: ['districtAdmin'],
  nav: { label: 'Ghi chú', order: 90 },
  routes: (r) => {
    r.get('/', (req, res) => sendPage(req, res, { title: 'Ghi chú', body: html`<h1>Ghi chú</h1>` }));
    r.post('/', (req, res) => sendPage(req, res, { title: 'Ghi chú', body: html`<p>Đã lưu ${String((req.body as { text?: string }).text)}</p>` }));
  },
};
const everyonePage: AdminPage = { ...notesPage, path: '/open', roles: ALL_STAFF_ROLES, nav: { label: 'Mở', order: 80 } };

describe('admin web: sign-in, sessions, CSRF and lockout', () => {
  let t: TestDatabase;
  let web: AdminWeb;
  let admin: { id: string; username: string };
  let cadre: { id: string; username: string };

  beforeAll(async () => {
    t = await createTestDatabase();
    const district = await aDistrict(t.db);
    const branch = await aUnit(t.db, district);
    admin = await aStaffAccount(t.db, 'districtAdmin');
    cadre = await aStaffAccount(t.db, 'branchCadre', { branch });
    web = await startAdminWeb(t.db, [dashboardPage({ db: t.db, timeZone: 'Asia/Ho_Chi_Minh', now: () => web.clock.now(), basePath: '/admin' }), everyonePage, notesPage], { loginLimits: { maxFailures: 5, lockMs: 15 * MINUTE, maxFailuresPerAddress: 12, addressWindowMs: 15 * MINUTE } });
  });

  afterAll(async () => {
    await web?.close();
    await t?.drop();
  });

  const client = () => new AdminClient(web.url);
  const auditActions = async (staffId: string) =>
    (await t.db.selectFrom('audit_log').select(['action', 'details']).where('actor_id', '=', staffId).orderBy('id').execute()).map((r) => r.action);

  it('When nobody is signed in, then a page redirects to the sign-in page and htmx or JSON get 401', async () => {
    const c = client();
    const page = await c.get('/admin/notes');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fnotes');
    expect((await c.get('/admin', { 'hx-request': 'true' })).status).toBe(401);
    const json = await c.get('/admin', { accept: 'application/json' });
    expect(json.status).toBe(401);
    expect(JSON.parse(json.body).error.code).toBe('UNAUTHENTICATED');
    expect((await c.post('/admin/notes', { text: 'x' })).status).toBe(401);
  });

  it('When staff sign in, then the cookie is httpOnly, sameSite=lax, scoped to /admin, only its hash is stored, and the sign-in is audited', async () => {
    const c = client();
    const answer = await c.signIn(admin.username);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/admin');
    const cookie = answer.headers.getSetCookie().find((l) => l.startsWith('vx_admin='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/admin/);
    expect(cookie).not.toMatch(/Secure/);
    const id = /^vx_admin=([^;]+)/.exec(cookie)![1]!;
    const stored = await t.db.selectFrom('admin_sessions').select('id_hash').where('staff_user_id', '=', admin.id).execute();
    expect(stored.map((s) => s.id_hash)).toContain(hashSessionId(id));
    expect(stored.map((s) => s.id_hash)).not.toContain(id);
    expect(await auditActions(admin.id)).toContain('staff.login');
    const home = await c.get('/admin');
    expect(home.status).toBe(200);
    expect(home.body).toContain('Tổng quan');
  });

  it('When a page is served, then helmet sets a self-only CSP and the assets have versioned, year-long cached URLs', async () => {
    const c = client();
    await c.signIn(admin.username);
    const home = await c.get('/admin');
    const csp = home.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(home.headers.get('x-content-type-options')).toBe('nosniff');
    const assets = [...home.body.matchAll(/(?:src|href)="(\/admin\/static\/[0-9a-f]{12}\/([a-z.]+))"/g)].map((m) => [m[1]!, m[2]!] as const);
    expect(assets.map(([, name]) => name).sort()).toEqual(['admin.css', 'admin.js', 'chart.js', 'htmx.js', 'icon.svg']);
    for (const [url, name] of assets) {
      const asset = await c.get(url);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      if (name === 'icon.svg') expect([asset.headers.get('content-type'), asset.body.startsWith('<svg')]).toEqual(['image/svg+xml', true]);
    }
  });

  it('When a state-changing request has no CSRF token or a wrong one, then it is refused with 403; with the token (form field or htmx header) it goes through', async () => {
    const c = client();
    await c.signIn(admin.username);
    expect((await c.post('/admin/notes', { text: 'a' }, { csrf: false })).status).toBe(403);
    expect((await c.post('/admin/notes', { text: 'a', _csrf: 'sai' }, { csrf: false })).status).toBe(403);
    expect((await c.post('/admin/notes', { text: 'a' }, { csrf: false, headers: { 'x-csrf-token': `${c.csrf!}x`, 'hx-request': 'true' } })).status).toBe(403);
    expect((await c.post('/admin/logout', {}, { csrf: false })).status).toBe(403);
    const ok = await c.post('/admin/notes', { text: 'bình thường' });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('Đã lưu bình thường');
    const viaHeader = await c.post('/admin/notes', { text: 'htmx' }, { csrf: false, headers: { 'x-csrf-token': c.csrf!, 'hx-request': 'true' } });
    expect(viaHeader.status).toBe(200);
  });

  it('When the sign-in form comes without its own token, then it is refused with 403 and nobody is signed in', async () => {
    const answer = await fetch(`${web.url}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: admin.username, password: STAFF_PASSWORD }).toString(),
      redirect: 'manual',
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.getSetCookie().some((l) => l.startsWith('vx_admin=') && !/Max-Age=0/.test(l))).toBe(false);
  });

  it('When a role opens a page not meant for it, then it gets 403, and its menu does not show that page', async () => {
    const c = client();
    await c.signIn(cadre.username);
    const home = await c.get('/admin');
    expect(home.body).toContain('>Mở</a>');
    expect(home.body).not.toContain('Ghi chú');
    expect((await c.get('/admin/notes')).status).toBe(403);
    expect((await c.post('/admin/notes', { text: 'x' })).status).toBe(403);
  });

  it('When staff sign out, then the session row is gone, the cookie is cleared, the sign-out is audited and the old cookie opens nothing', async () => {
    const c = client();
    await c.signIn(cadre.username);
    const before = await t.db.selectFrom('admin_sessions').select('id_hash').where('staff_user_id', '=', cadre.id).execute();
    const out = await c.post('/admin/logout');
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/admin/login');
    const after = await t.db.selectFrom('admin_sessions').select('id_hash').where('staff_user_id', '=', cadre.id).execute();
    expect(after.length).toBe(before.length - 1);
    expect(await auditActions(cadre.id)).toContain('staff.logout');
    expect((await c.get('/admin')).status).toBe(303);
  });

  it('When a session is idle past its limit, or reaches its absolute end however active, then it ends', async () => {
    const idle = client();
    await idle.signIn(admin.username);
    web.clock.advance(119 * MINUTE);
    expect((await idle.get('/admin')).status).toBe(200);
    web.clock.advance(119 * MINUTE);
    expect((await idle.get('/admin')).status).toBe(200);
    web.clock.advance(120 * MINUTE);
    expect((await idle.get('/admin')).status).toBe(303);

    const busy = client();
    await busy.signIn(admin.username);
    for (let hour = 1; hour < 12; hour += 1) {
      web.clock.advance(60 * MINUTE);
      expect((await busy.get('/admin')).status).toBe(200);
    }
    web.clock.advance(60 * MINUTE);
    expect((await busy.get('/admin')).status).toBe(303);
  });

  it('When an account gets 5 wrong passwords, then it is locked for 15 minutes even with the right one, and opens again after', async () => {
    const locked = await aStaffAccount(t.db, 'districtAdmin');
    const c = client();
    for (let i = 1; i <= 4; i += 1) {
      const wrong = await c.signIn(locked.username, 'khong-dung-mat-khau');
      expect(wrong.status).toBe(401);
      expect(wrong.body).toContain('Tên đăng nhập hoặc mật khẩu không đúng.');
    }
    const fifth = await c.signIn(locked.username, 'khong-dung-mat-khau');
    expect(fifth.status).toBe(429);
    expect(fifth.body).toContain('Tài khoản tạm khoá');
    const row = await t.db.selectFrom('staff_users').select(['locked_until', 'failed_logins']).where('id', '=', locked.id).executeTakeFirstOrThrow();
    expect(row.locked_until!.getTime()).toBe(web.clock.now().getTime() + 15 * MINUTE);

    web.clock.advance(14 * MINUTE);
    expect((await c.signIn(locked.username)).status).toBe(429);
    web.clock.advance(MINUTE + 1000);
    const again = await c.signIn(locked.username);
    expect(again.status).toBe(303);
    const reset = await t.db.selectFrom('staff_users').select(['locked_until', 'failed_logins']).where('id', '=', locked.id).executeTakeFirstOrThrow();
    expect(reset).toEqual({ locked_until: null, failed_logins: 0 });
    const failures = await t.db.selectFrom('audit_log').select('details').where('actor_id', '=', locked.id).where('action', '=', 'staff.loginFailed').execute();
    expect(failures.map((f) => f.details.reason)).toEqual(['wrongPassword', 'wrongPassword', 'wrongPassword', 'wrongPassword', 'wrongPassword', 'locked']);
    expect(JSON.stringify(failures)).not.toContain('khong-dung');
  });

  it('When one address fails too often, whatever the usernames, then it is refused for a while (per-address limit)', async () => {
    web.clock.advance(60 * MINUTE);
    const viaProxy = await startAdminWeb(t.db, [dashboardPage({ db: t.db, timeZone: 'Asia/Ho_Chi_Minh', now: () => web.clock.now(), basePath: '/admin' })], { clock: web.clock, trustProxy: 'loopback', loginLimits: { maxFailures: 5, lockMs: 15 * MINUTE, maxFailuresPerAddress: 3, addressWindowMs: 15 * MINUTE } });
    try {
      const attacker = new AdminClient(viaProxy.url, { 'x-forwarded-for': '203.0.113.7' });
      for (const name of ['khong-ai-1', 'khong-ai-2', 'khong-ai-3']) expect((await attacker.signIn(name, 'doan-bua-mat-khau')).status).toBe(401);
      const refused = await attacker.signIn(admin.username);
      expect(refused.status).toBe(429);
      expect(refused.body).toContain('địa chỉ mạng này');
      const other = new AdminClient(viaProxy.url, { 'x-forwarded-for': '198.51.100.9' });
      expect((await other.signIn(admin.username)).status).toBe(303);
      web.clock.advance(16 * MINUTE);
      expect((await attacker.signIn(admin.username)).status).toBe(303);
    } finally {
      await viaProxy.close();
    }
  });

  it('When the next address after sign-in points elsewhere, then the sign-in lands on the dashboard instead (no open redirect)', async () => {
    const c = client();
    const page = await c.get('/admin/login?next=//evil.example/x');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const answer = await c.request('POST', '/admin/login', { form: { username: admin.username, password: STAFF_PASSWORD, _csrf: token, next: 'https://evil.example/' } });
    expect(answer.headers.get('location')).toBe('/admin');
  });
});

describe('admin web behind https', () => {
  let t: TestDatabase;
  let web: AdminWeb;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = await startAdminWeb(t.db, [dashboardPage({ db: t.db, timeZone: 'Asia/Ho_Chi_Minh', now: () => web.clock.now(), basePath: '/admin' })], { secureCookies: true });
  });

  afterAll(async () => {
    await web?.close();
    await t?.drop();
  });

  it('When PUBLIC_BASE_URL is https, then the session cookie is Secure and HSTS is sent', async () => {
    const admin = await aStaffAccount(t.db, 'districtAdmin');
    const answer = await new AdminClient(web.url).signIn(admin.username);
    expect(answer.headers.getSetCookie().find((l) => l.startsWith('vx_admin='))).toMatch(/Secure/);
    expect(answer.headers.get('strict-transport-security')).toContain('max-age=');
  });
});
