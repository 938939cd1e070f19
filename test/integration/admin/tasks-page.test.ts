import { adminPages } from '../../../src/admin/admin-pages';
import type { StaffRole } from '../../../src/db/types';
import { completeTask } from '../../../src/domain/tasks/collaborator-tasks.service';
import { AdminClient, aStaffAccount, startAdminWeb, TestClock, type AdminWeb } from '../../helpers/admin-web';
import { seedAdminDistrict, type AdminSeed } from '../../helpers/admin-seed';
import { aMember } from '../../helpers/builders';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const NOW = new Date('2026-11-30T02:00:00Z');
type Who = 'admin' | 'staffOne' | 'staffTwo' | 'cadreA' | 'cadreB';
const ROLES: Record<Who, StaffRole> = { admin: 'districtAdmin', staffOne: 'districtStaff', staffTwo: 'districtStaff', cadreA: 'branchCadre', cadreB: 'branchCadre' };

/** Nhiệm vụ CTV in the admin web: tasks addressed inside the scope, and who did them, seen inside the scope. */
describe('admin web: Nhiệm vụ CTV', () => {
  let t: TestDatabase;
  let s: AdminSeed;
  let web: AdminWeb;
  const clients = {} as Record<Who, AdminClient>;
  let taskOfA: string;
  let districtTask: string;
  let collaboratorA: string;
  let collaboratorB: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    s = await seedAdminDistrict(t.db, NOW);
    const clock = new TestClock(NOW);
    web = await startAdminWeb(t.db, adminPages({ db: t.db, timeZone: 'Asia/Ho_Chi_Minh', now: clock.now, basePath: '/admin', broadcasts: undefined }), { clock });
    const where: Record<Who, { branch?: string; clusters?: string[] }> = {
      admin: {},
      staffOne: { clusters: [s.clusterOne] },
      staffTwo: { clusters: [s.clusterTwo] },
      cadreA: { branch: s.branchA },
      cadreB: { branch: s.branchB },
    };
    for (const who of Object.keys(ROLES) as Who[]) {
      const account = await aStaffAccount(t.db, ROLES[who], where[who]);
      clients[who] = new AdminClient(web.url);
      expect((await clients[who].signIn(account.username)).status).toBe(303);
      await clients[who].get('/admin/tasks');
    }
    collaboratorA = await aMember(t.db, { branchId: s.branchA, fullName: 'Cộng tác viên An Lạc', isCollaborator: true });
    collaboratorB = await aMember(t.db, { branchId: s.branchB, fullName: 'Cộng tác viên Bình Trị Đông', isCollaborator: true });

    const form = { title: 'Chia sẻ bài thắp nến tri ân', post_url: 'https://www.facebook.com/quandoanbinhtan/posts/123', actions: ['like', 'share'], deadline: '2026-12-05T20:00' };
    expect((await clients.cadreA.post('/admin/tasks', { ...form, unit: s.branchA })).status).toBe(303);
    expect((await clients.admin.post('/admin/tasks', { ...form, title: 'Bình luận bài Ngày Quốc phòng', actions: 'comment', unit: 'district' })).status).toBe(303);
    const rows = await t.db.selectFrom('tasks').select(['id', 'unit_id', 'actions', 'deadline']).orderBy('created_at').execute();
    taskOfA = rows.find((r) => r.unit_id === s.branchA)!.id;
    districtTask = rows.find((r) => r.unit_id === null)!.id;
    expect(rows.find((r) => r.id === taskOfA)).toMatchObject({ actions: ['like', 'share'], deadline: new Date('2026-12-05T13:00:00Z') });
    for (const [member, branch] of [[collaboratorA, s.branchA], [collaboratorB, s.branchB]] as const) {
      await completeTask(t.db, { memberId: member, branchId: branch }, districtTask, null, NOW);
    }
    await completeTask(t.db, { memberId: collaboratorA, branchId: s.branchA }, taskOfA, 'https://www.facebook.com/share/p/abc', NOW);
  });

  afterAll(async () => {
    await web?.close();
    await t?.drop();
  });

  it.each([
    ['admin', 200],
    ['staffOne', 200],
    ['staffTwo', 404],
    ['cadreA', 200],
    ['cadreB', 404],
  ] as const)('When %s opens branch A\'s task, then the answer is %i', async (who, status) => {
    const page = await clients[who].get(`/admin/tasks/${taskOfA}`);
    expect(page.status).toBe(status);
    if (status === 200) expect(page.body).toContain(`data-member="${collaboratorA}"`);
    expect((await clients[who].get('/admin/tasks')).body.includes(`data-task="${taskOfA}"`)).toBe(status === 200);
  });

  it.each([
    ['admin', [true, true]],
    ['staffOne', [true, true]],
    ['staffTwo', [false, false]],
    ['cadreA', [true, false]],
    ['cadreB', [false, true]],
  ] as const)('When %s opens the district task, then they see who did it only inside their scope (A, B): %j', async (who, [seesA, seesB]) => {
    const page = await clients[who].get(`/admin/tasks/${districtTask}`);
    expect(page.status).toBe(200);
    expect([page.body.includes(`data-member="${collaboratorA}"`), page.body.includes(`data-member="${collaboratorB}"`)]).toEqual([seesA, seesB]);
  });

  it('When a task is addressed outside the scope, then 404; the whole district is the district admin\'s; without the CSRF token or actions nothing is created', async () => {
    const form = { title: 'Thích bài mới', post_url: 'https://www.facebook.com/quandoanbinhtan/posts/9', actions: 'like', deadline: '2026-12-05T20:00' };
    const before = (await t.db.selectFrom('tasks').select('id').execute()).length;
    expect((await clients.cadreA.post('/admin/tasks', { ...form, unit: s.branchB })).status).toBe(404);
    expect((await clients.cadreA.post('/admin/tasks', { ...form, unit: 'district' })).status).toBe(404);
    expect((await clients.staffOne.post('/admin/tasks', { ...form, unit: s.clusterTwo })).status).toBe(404);
    expect((await clients.staffOne.post('/admin/tasks', { ...form, unit: s.branchA }, { csrf: false })).status).toBe(403);
    expect((await clients.staffOne.post('/admin/tasks', { ...form, actions: [], unit: s.branchA })).status).toBe(400);
    expect((await clients.staffOne.post('/admin/tasks', { ...form, deadline: '2026-11-01T08:00', unit: s.branchA })).status).toBe(400);
    expect((await t.db.selectFrom('tasks').select('id').execute()).length).toBe(before);
    expect((await clients.staffOne.post('/admin/tasks', { ...form, unit: s.clusterOne })).status).toBe(303);
    const audit = await t.db.selectFrom('audit_log').select('unit_id').where('action', '=', 'task.created').execute();
    expect(audit.map((a) => a.unit_id)).toEqual([s.branchA, null, s.clusterOne]);
  });
});
