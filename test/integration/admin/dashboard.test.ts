import { loadDashboard } from '../../../src/domain/reports/dashboard.service';
import { resolveStaffScope, type StaffPrincipal } from '../../../src/domain/staff/staff-scope';
import { dashboardPage } from '../../../src/admin/pages/dashboard.page';
import { AdminClient, aStaffAccount, startAdminWeb, TestClock, type AdminWeb } from '../../helpers/admin-web';
import { seedAdminDistrict, type AdminSeed } from '../../helpers/admin-seed';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const TZ = 'Asia/Ho_Chi_Minh';
const NOW = new Date('2026-11-30T02:00:00Z');

describe('Tổng quan (dashboard): participation against the plan, per branch, in scope', () => {
  let t: TestDatabase;
  let s: AdminSeed;
  let web: AdminWeb;

  async function principal(role: StaffPrincipal['role'], where: { branchId?: string; clusterIds?: string[] } = {}): Promise<StaffPrincipal> {
    const id = '00000000-0000-0000-0000-000000000000';
    if (role === 'districtStaff') return { id, username: 'staff', role, branchId: null, clusterIds: where.clusterIds!, scope: { branchIds: where.clusterIds![0] === s.clusterOne ? [s.branchA, s.branchB] : [s.branchX] } };
    const { scope, clusterIds } = await resolveStaffScope(t.db, { id, role, branchId: where.branchId ?? null });
    return { id, username: role, role, branchId: where.branchId ?? null, clusterIds, scope };
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    s = await seedAdminDistrict(t.db, NOW);
    web = await startAdminWeb(t.db, [dashboardPage({ db: t.db, timeZone: TZ, now: () => web.clock.now(), basePath: '/admin' })], { clock: new TestClock(NOW) });
  });

  afterAll(async () => {
    await web?.close();
    await t?.drop();
  });

  it('When the district admin looks, then each district wave has its rates against the targets and the branches under target are counted', async () => {
    const d = await loadDashboard(t.db, await principal('districtAdmin'), {}, NOW, TZ);
    expect(d.plan?.year).toBe(2026);
    expect(d.waves.map((w) => [w.wave.title, w.cadreRatePct, w.memberRatePct, w.meetsCadreTarget, w.meetsMemberTarget, w.branchesUnderTarget])).toEqual([
      ['Tháng Thanh niên', 100, 75, true, false, 1],
      ['Thắp nến tri ân', 33.3, 62.5, false, false, 3],
    ]);
    expect(d.selected?.wave.id).toBe(s.novemberWave);
    expect(d.branches.map((b) => [b.name, b.cadreRatePct, b.memberRatePct])).toEqual([
      [s.names.B, 0, 0],
      [s.names.X, null, 0],
      [s.names.A, 50, 100],
    ]);
  });

  it('When a wave and a sort are asked for, then that wave is shown sorted; a wave that is not the plan\'s district wave is 404', async () => {
    const admin = await principal('districtAdmin');
    const d = await loadDashboard(t.db, admin, { waveId: s.marchWave, sort: 'memberRate', dir: 'desc' }, NOW, TZ);
    expect(d.branches.map((b) => [b.name, b.memberRatePct, b.meetsCadreTarget && b.meetsMemberTarget])).toEqual([
      [s.names.X, 100, true],
      [s.names.A, 80, true],
      [s.names.B, 50, false],
    ]);
    await expect(loadDashboard(t.db, admin, { waveId: s.trendOfA }, NOW, TZ)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('When branches are ranked, then it is by the share of the targets reached, not by raw counts', async () => {
    const d = await loadDashboard(t.db, await principal('districtAdmin'), {}, NOW, TZ);
    expect(d.ranking.map((r) => [r.name, r.attainmentPct, r.wavesUnderTarget])).toEqual([
      [s.names.A, 87.5, 1],
      [s.names.X, 50, 1],
      [s.names.B, 40.6, 2],
    ]);
  });

  it('When the year is looked at, then branches with no opened trend of their own are listed (a draft does not count)', async () => {
    const d = await loadDashboard(t.db, await principal('districtAdmin'), {}, NOW, TZ);
    expect(d.trendless.map((b) => b.name)).toEqual([s.names.B, s.names.X]);
  });

  it('When the good-news calendar is built, then each branch has its reported days of the month and a rate over the days so far', async () => {
    const d = await loadDashboard(t.db, await principal('districtAdmin'), {}, NOW, TZ);
    expect(d.calendar.days).toHaveLength(30);
    expect(d.calendar.today).toBe('2026-11-30');
    expect(d.calendar.rows.map((r) => [r.name, [...r.reported].sort(), r.compliancePct])).toEqual([
      [s.names.B, [], 0],
      [s.names.X, ['2026-11-29'], 3.3],
      [s.names.A, ['2026-11-01', '2026-11-02'], 6.7],
    ]);
    const october = await loadDashboard(t.db, await principal('districtAdmin'), { month: { year: 2026, month: 10 } }, NOW, TZ);
    expect(october.calendar.rows.find((r) => r.name === s.names.B)?.compliancePct).toBe(3.2);
  });

  it('When reach is counted, then each channel\'s open window follows the delivery policy (Messenger 24 h, Zalo 48 h free and 7 days paid)', async () => {
    const d = await loadDashboard(t.db, await principal('districtAdmin'), {}, NOW, TZ);
    expect(d.reach).toEqual([
      { channel: 'zalo', members: 3, openNow: 2, paidOnly: 1 },
      { channel: 'messenger', members: 3, openNow: 1, paidOnly: 0 },
    ]);
  });

  it('When a branch cadre or district staff look, then every figure covers only their branches', async () => {
    const cadreB = await loadDashboard(t.db, await principal('branchCadre', { branchId: s.branchB }), {}, NOW, TZ);
    expect(cadreB.branches.map((b) => b.name)).toEqual([s.names.B]);
    expect(cadreB.ranking.map((b) => b.name)).toEqual([s.names.B]);
    expect(cadreB.calendar.rows.map((b) => b.name)).toEqual([s.names.B]);
    expect(cadreB.trendless.map((b) => b.name)).toEqual([s.names.B]);
    expect(cadreB.waves.map((w) => w.memberRatePct)).toEqual([50, 0]);
    expect(cadreB.reach).toEqual([
      { channel: 'zalo', members: 1, openNow: 1, paidOnly: 0 },
      { channel: 'messenger', members: 1, openNow: 0, paidOnly: 0 },
    ]);
    const staffTwo = await loadDashboard(t.db, await principal('districtStaff', { clusterIds: [s.clusterTwo] }), {}, NOW, TZ);
    expect(staffTwo.branches.map((b) => b.name)).toEqual([s.names.X]);
    expect(staffTwo.reach.every((r) => r.members === 0)).toBe(true);
  });

  it('When the page is opened, then it shows both charts\' data, marks under-target rows, and a cadre guessing another branch\'s trend gets 404', async () => {
    const admin = await aStaffAccount(t.db, 'districtAdmin');
    const c = new AdminClient(web.url);
    await c.signIn(admin.username);
    const page = await c.get('/admin');
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-chart="waves-chart-data"');
    expect(page.body).toContain('data-chart="reach-chart-data"');
    expect(page.body).toMatch(new RegExp(`<tr class="under" data-branch="${s.branchB}">`));
    expect(page.body).toMatch(new RegExp(`<tr class="under" data-branch="${s.branchA}">`));
    const march = await c.get(`/admin?wave=${s.marchWave}`);
    expect(march.body).toMatch(new RegExp(`<tr class="" data-branch="${s.branchA}">`));
    expect(march.body).toMatch(new RegExp(`<tr class="under" data-branch="${s.branchB}">`));
    const sorted = await c.get(`/admin?wave=${s.marchWave}&sort=name&dir=desc`);
    const order = [s.names.X, s.names.B, s.names.A].map((n) => sorted.body.indexOf(`<td>${n}</td>`));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true);

    const cadre = await aStaffAccount(t.db, 'branchCadre', { branch: s.branchB });
    const cc = new AdminClient(web.url);
    await cc.signIn(cadre.username);
    expect((await cc.get(`/admin?wave=${s.trendOfA}`)).status).toBe(404);
    expect((await cc.get('/admin?wave=not-an-id')).status).toBe(404);
    const own = await cc.get(`/admin?wave=${s.marchWave}`);
    expect(own.status).toBe(200);
    expect(own.body).toContain(s.names.B);
    expect(own.body).not.toContain(s.names.A);
  });
});
