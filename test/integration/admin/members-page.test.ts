import { REGISTRATION_DECLINED_NOTICE, REGISTRATION_VERIFIED_NOTICE } from '../../../src/dialogs/catalog/cadre.vi';
import { aMember, anIdentityFor } from '../../helpers/builders';
import { useAdminWorld } from '../../helpers/admin-world';

/**
 * Đoàn viên in the admin web: search and detail inside the scope, verifying and declining the
 * registrations of the chat (the cadre desk's rule, the staff member's trail), the roster upload
 * with the command line's row report and nothing half-imported, and erasure for the district admin.
 */
describe('admin web: Đoàn viên', () => {
  const w = useAdminWorld({ visit: '/admin/members' });
  let verifiedInA: string;

  beforeAll(async () => {
    verifiedInA = await aMember(w.db, { branchId: w.s.branchA, fullName: 'Võ Thị Hồng Nhung', phone: '+84912888777' });
  });

  const statusOf = async (id: string) => (await w.db.selectFrom('members').select(['status', 'registration_declined_at']).where('id', '=', id).executeTakeFirstOrThrow());
  const auditOf = (action: string, subjectId: string) => w.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('subject_id', '=', subjectId).execute();

  it.each([
    ['admin', 200],
    ['staffOne', 200],
    ['staffTwo', 404],
    ['cadreA', 200],
    ['cadreB', 404],
  ] as const)('When %s opens a member of branch A, then the answer is %i, and the search lists them only when in scope', async (who, status) => {
    const detail = await w.c[who].get(`/admin/members/${verifiedInA}`);
    expect(detail.status).toBe(status);
    const search = await w.c[who].get(`/admin/members?q=${encodeURIComponent('Hồng Nhung')}`);
    expect(search.status).toBe(200);
    expect(search.body.includes(`data-member="${verifiedInA}"`)).toBe(status === 200);
    // The phone is masked wherever it shows.
    expect(detail.body).not.toContain('912888777');
    if (status === 200) expect(detail.body).toContain('09xx xxx 777');
  });

  it('When a cadre filters the search by another branch, then it is 404', async () => {
    expect((await w.c.cadreA.get(`/admin/members?branch=${w.s.branchB}`)).status).toBe(404);
    expect((await w.c.staffOne.get(`/admin/members?branch=${w.s.branchX}`)).status).toBe(404);
  });

  it('When a registration of branch A is verified by the cadre of B or staff of cluster two, then 404 and it stays pending; its own cadre verifies it, with an audit row', async () => {
    const pending = await aMember(w.db, { branchId: w.s.branchA, fullName: 'Phan Minh Quân', status: 'pending' });
    expect((await w.c.cadreB.post(`/admin/members/${pending}/verify`)).status).toBe(404);
    expect((await w.c.staffTwo.post(`/admin/members/${pending}/verify`)).status).toBe(404);
    expect((await statusOf(pending)).status).toBe('pending');

    const answer = await w.c.cadreA.post(`/admin/members/${pending}/verify`, {}, { headers: { 'hx-request': 'true', 'hx-target': `member-${pending}` } });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(`data-status="verified"`);
    expect((await statusOf(pending)).status).toBe('verified');
    const audit = await auditOf('registration.verified', pending);
    expect(audit.map((a) => [a.actor_kind, a.actor_id, a.unit_id])).toEqual([['staff', w.staff.cadreA.id, w.s.branchA]]);

    // Deciding again changes nothing and says so.
    const again = await w.c.admin.post(`/admin/members/${pending}/decline`, {}, { headers: { 'hx-request': 'true', 'hx-target': `member-${pending}` } });
    expect(again.body).toContain('đã được người khác xử lý');
    expect((await statusOf(pending)).registration_declined_at).toBeNull();
  });

  it('When staff verify one registration and decline another of members who wrote from Zalo, then each member is told once, as the chat tells them, under their registration\'s topic', async () => {
    const toVerify = await aMember(w.db, { branchId: w.s.branchA, fullName: 'Lý Thanh Tâm', status: 'pending' });
    const toDecline = await aMember(w.db, { branchId: w.s.branchA, fullName: 'Lý Thanh Tùng', status: 'pending' });
    for (const m of [toVerify, toDecline]) await anIdentityFor(w.db, { channel: 'zalo', platformUserId: `zalo-${m}` }, m);
    expect((await w.c.cadreA.post(`/admin/members/${toVerify}/verify`)).status).toBe(303);
    expect((await w.c.staffOne.post(`/admin/members/${toDecline}/decline`)).status).toBe(303);
    // Deciding again (or by another) writes no second notice.
    await w.c.admin.post(`/admin/members/${toVerify}/verify`);
    const notices = await w.db
      .selectFrom('deliveries as d')
      .innerJoin('channel_identities as ci', 'ci.id', 'd.identity_id')
      .select(['ci.member_id', 'd.purpose', 'd.topic', 'd.idempotency_key', 'd.payload'])
      .where('ci.member_id', 'in', [toVerify, toDecline])
      .orderBy('d.id')
      .execute();
    expect(notices).toEqual([
      { member_id: toVerify, purpose: 'reviewResult', topic: `registration:${toVerify}`, idempotency_key: `registration:${toVerify}:verified`, payload: expect.objectContaining({ text: REGISTRATION_VERIFIED_NOTICE }) },
      { member_id: toDecline, purpose: 'reviewResult', topic: `registration:${toDecline}`, idempotency_key: `registration:${toDecline}:declined`, payload: expect.objectContaining({ text: REGISTRATION_DECLINED_NOTICE }) },
    ]);
  });

  it('When district staff decline a registration of their cluster, then it leaves the branch queue, stays pending, and the audit log names them', async () => {
    const pending = await aMember(w.db, { branchId: w.s.branchB, fullName: 'Đỗ Văn Lâm', status: 'pending' });
    expect((await w.c.staffOne.post(`/admin/members/${pending}/decline`)).status).toBe(303);
    const row = await statusOf(pending);
    expect(row.status).toBe('pending');
    expect(row.registration_declined_at).not.toBeNull();
    expect((await auditOf('registration.declined', pending)).map((a) => a.actor_id)).toEqual([w.staff.staffOne.id]);
  });

  it('When a post comes without the CSRF token, then it is refused (403) and nothing changes', async () => {
    const pending = await aMember(w.db, { branchId: w.s.branchA, status: 'pending' });
    expect((await w.c.cadreA.post(`/admin/members/${pending}/verify`, {}, { csrf: false })).status).toBe(403);
    expect((await statusOf(pending)).status).toBe('pending');
    const csv = 'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò\nNgô Bảo Châu,0912000111,Đoàn phường An Lạc,Đoàn viên\n';
    expect((await w.c.admin.upload('/admin/members/import', { roster: { name: 'ds.csv', content: csv } }, { csrf: false })).status).toBe(403);
    expect(await w.db.selectFrom('members').select('id').where('phone', '=', '+84912000111').executeTakeFirst()).toBeUndefined();
  });

  it('When a roster with a bad row is uploaded, then the report names its line and nothing of the file is imported', async () => {
    const before = await w.db.selectFrom('members').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const csv = [
      'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò',
      'Ngô Bảo Châu,0912000222,Đoàn phường An Lạc,Đoàn viên',
      'Trần Văn Bình,01234,Đoàn phường An Lạc,Đoàn viên',
      'Lý Thu Thảo,0912000333,Đoàn phường Tân Tạo,Thanh niên',
    ].join('\n');
    const answer = await w.c.admin.upload('/admin/members/import', { roster: { name: 'danh-sách.csv', content: csv } });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('data-imported="false"');
    expect(answer.body).toMatch(/<li data-row="3">Dòng 3: số điện thoại 01234/);
    expect(answer.body).toContain('danh-sách.csv');
    const after = await w.db.selectFrom('members').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('When a branch cadre uploads rows of another branch, then those rows are reported as out of scope and nothing is imported; rows of their own branch import', async () => {
    const mixed = 'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò\nNgô Bảo Châu,0912000444,Đoàn phường An Lạc,Đoàn viên\nLý Thu Thảo,0912000555,Đoàn phường Tân Tạo,Thanh niên\n';
    const refused = await w.c.cadreA.upload('/admin/members/import', { roster: { name: 'ds.csv', content: mixed } });
    expect(refused.body).toContain('data-imported="false"');
    expect(refused.body).toContain('Dòng 3: cơ sở Đoàn này không thuộc phạm vi tài khoản của bạn');
    expect(await w.db.selectFrom('members').select('id').where('phone', 'in', ['+84912000444', '+84912000555']).execute()).toEqual([]);

    // A phone already a member of another branch is not moved into the cadre's branch either.
    const moved = await w.c.cadreA.upload('/admin/members/import', { roster: { name: 'ds.csv', content: 'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò\nTên Khác,0912888777,Đoàn phường An Lạc,Đoàn viên\n' } });
    expect(moved.body).toContain('data-imported="true"');
    const byCadreB = await w.c.cadreB.upload('/admin/members/import', { roster: { name: 'ds.csv', content: 'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò\nTên Khác,0912888777,Đoàn phường Bình Trị Đông,Đoàn viên\n' } });
    expect(byCadreB.body).toContain('Dòng 2: số điện thoại này đã là của một người ở đơn vị ngoài phạm vi');
    expect((await w.db.selectFrom('members').select('branch_id').where('id', '=', verifiedInA).executeTakeFirstOrThrow()).branch_id).toBe(w.s.branchA);

    const good = await w.c.cadreA.upload('/admin/members/import', { roster: { name: 'ds.csv', content: 'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò\nNgô Bảo Châu,0912000444,Đoàn phường An Lạc,Đoàn viên\n' } });
    expect(good.body).toContain('data-imported="true"');
    expect(good.body).toContain('thêm mới 1');
    const audit = await w.db.selectFrom('audit_log').select(['actor_id', 'details']).where('action', '=', 'members.imported').where('actor_id', '=', w.staff.cadreA.id).execute();
    expect(audit.map((a) => a.details.created)).toContain(1);
  });

  it('When anyone but the district admin asks to erase a member, then it is refused; the admin erases after confirming, with an audit row, and the member is gone from view', async () => {
    const member = await aMember(w.db, { branchId: w.s.branchA, fullName: 'Hồ Thị Xuân', phone: '+84912777666' });
    await w.db.insertInto('channel_identities').values({ channel: 'zalo', platform_user_id: 'zalo-xuan', member_id: member }).execute();
    for (const who of ['cadreA', 'staffOne'] as const) {
      expect((await w.c[who].get(`/admin/members/${member}/erase`)).status).toBe(403);
      expect((await w.c[who].post(`/admin/members/${member}/erase`, { confirm: 'yes' })).status).toBe(403);
    }
    expect((await w.c.cadreB.post(`/admin/members/${member}/erase`, { confirm: 'yes' })).status).toBe(403);
    expect((await w.c.admin.get(`/admin/members/${member}/erase`)).body).toContain('không thể hoàn tác');
    expect((await w.c.admin.post(`/admin/members/${member}/erase`, {})).status).toBe(400);
    expect((await statusOf(member)).status).toBe('verified');

    const done = await w.c.admin.post(`/admin/members/${member}/erase`, { confirm: 'yes' });
    expect(done.status).toBe(200);
    const row = await w.db.selectFrom('members').select(['status', 'full_name', 'phone']).where('id', '=', member).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'erased', full_name: null, phone: null });
    expect(await w.db.selectFrom('channel_identities').select('id').where('platform_user_id', '=', 'zalo-xuan').execute()).toEqual([]);
    const audit = await auditOf('member.erased', member);
    expect(audit.map((a) => [a.actor_kind, a.actor_id, a.details.trigger])).toEqual([['staff', w.staff.admin.id, 'staff']]);
    expect((await w.c.admin.get(`/admin/members/${member}`)).status).toBe(404);
  });
});
