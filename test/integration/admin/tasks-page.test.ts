import { completeTask } from '../../../src/domain/tasks/collaborator-tasks.service';
import { aMember } from '../../helpers/builders';
import { ADMIN_NOW, useAdminWorld } from '../../helpers/admin-world';

/** Nhiệm vụ CTV in the admin web: tasks addressed inside the scope, and who did them, seen inside the scope. */
describe('admin web: Nhiệm vụ CTV', () => {
  const w = useAdminWorld({ visit: '/admin/tasks' });
  let taskOfA: string;
  let districtTask: string;
  let collaboratorA: string;
  let collaboratorB: string;

  beforeAll(async () => {
    collaboratorA = await aMember(w.db, { branchId: w.s.branchA, fullName: 'Cộng tác viên An Lạc', isCollaborator: true });
    collaboratorB = await aMember(w.db, { branchId: w.s.branchB, fullName: 'Cộng tác viên Bình Trị Đông', isCollaborator: true });

    const form = { title: 'Chia sẻ bài thắp nến tri ân', post_url: 'https://www.facebook.com/quandoanbinhtan/posts/123', actions: ['like', 'share'], deadline: '2026-12-05T20:00' };
    expect((await w.c.cadreA.post('/admin/tasks', { ...form, unit: w.s.branchA })).status).toBe(303);
    expect((await w.c.admin.post('/admin/tasks', { ...form, title: 'Bình luận bài Ngày Quốc phòng', actions: 'comment', unit: 'district' })).status).toBe(303);
    const rows = await w.db.selectFrom('tasks').select(['id', 'unit_id', 'actions', 'deadline']).orderBy('created_at').execute();
    taskOfA = rows.find((r) => r.unit_id === w.s.branchA)!.id;
    districtTask = rows.find((r) => r.unit_id === null)!.id;
    expect(rows.find((r) => r.id === taskOfA)).toMatchObject({ actions: ['like', 'share'], deadline: new Date('2026-12-05T13:00:00Z') });
    for (const [member, branch] of [[collaboratorA, w.s.branchA], [collaboratorB, w.s.branchB]] as const) {
      await completeTask(w.db, { memberId: member, branchId: branch }, districtTask, null, ADMIN_NOW);
    }
    await completeTask(w.db, { memberId: collaboratorA, branchId: w.s.branchA }, taskOfA, 'https://www.facebook.com/share/p/abc', ADMIN_NOW);
  });

  it.each([
    ['admin', 200],
    ['staffOne', 200],
    ['staffTwo', 404],
    ['cadreA', 200],
    ['cadreB', 404],
  ] as const)('When %s opens branch A\'s task, then the answer is %i', async (who, status) => {
    const page = await w.c[who].get(`/admin/tasks/${taskOfA}`);
    expect(page.status).toBe(status);
    if (status === 200) expect(page.body).toContain(`data-member="${collaboratorA}"`);
    expect((await w.c[who].get('/admin/tasks')).body.includes(`data-task="${taskOfA}"`)).toBe(status === 200);
  });

  it.each([
    ['admin', [true, true]],
    ['staffOne', [true, true]],
    ['staffTwo', [false, false]],
    ['cadreA', [true, false]],
    ['cadreB', [false, true]],
  ] as const)('When %s opens the district task, then they see who did it only inside their scope (A, B): %j', async (who, [seesA, seesB]) => {
    const page = await w.c[who].get(`/admin/tasks/${districtTask}`);
    expect(page.status).toBe(200);
    expect([page.body.includes(`data-member="${collaboratorA}"`), page.body.includes(`data-member="${collaboratorB}"`)]).toEqual([seesA, seesB]);
  });

  it('When a task is addressed outside the scope, then 404; the whole district is the district admin\'s; without the CSRF token or actions nothing is created', async () => {
    const form = { title: 'Thích bài mới', post_url: 'https://www.facebook.com/quandoanbinhtan/posts/9', actions: 'like', deadline: '2026-12-05T20:00' };
    const before = (await w.db.selectFrom('tasks').select('id').execute()).length;
    expect((await w.c.cadreA.post('/admin/tasks', { ...form, unit: w.s.branchB })).status).toBe(404);
    expect((await w.c.cadreA.post('/admin/tasks', { ...form, unit: 'district' })).status).toBe(404);
    expect((await w.c.staffOne.post('/admin/tasks', { ...form, unit: w.s.clusterTwo })).status).toBe(404);
    expect((await w.c.staffOne.post('/admin/tasks', { ...form, unit: w.s.branchA }, { csrf: false })).status).toBe(403);
    expect((await w.c.staffOne.post('/admin/tasks', { ...form, actions: [], unit: w.s.branchA })).status).toBe(400);
    expect((await w.c.staffOne.post('/admin/tasks', { ...form, deadline: '2026-11-01T08:00', unit: w.s.branchA })).status).toBe(400);
    expect((await w.db.selectFrom('tasks').select('id').execute()).length).toBe(before);
    expect((await w.c.staffOne.post('/admin/tasks', { ...form, unit: w.s.clusterOne })).status).toBe(303);
    const audit = await w.db.selectFrom('audit_log').select('unit_id').where('action', '=', 'task.created').execute();
    expect(audit.map((a) => a.unit_id)).toEqual([w.s.branchA, null, w.s.clusterOne]);
  });
});
