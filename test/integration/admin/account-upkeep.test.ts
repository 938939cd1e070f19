import { authenticateApiToken, issueApiToken } from '../../../src/domain/staff/api-tokens.service';
import { AdminClient, aStaffAccount, startAdminWeb, STAFF_PASSWORD, type AdminWeb } from '../../helpers/admin-web';
import { dashboardPage } from '../../../src/admin/pages/dashboard.page';
import { runScriptProcess } from '../../helpers/run-script';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const NEW_PASSWORD = 'mật-khẩu-mới-đủ-dài';

/**
 * npm run admin:password and admin:disable as real processes against the admin web: a new password
 * ends the old sessions and lifts a lockout; a disabled account cannot sign in, its sessions and
 * API tokens are over; enabled again, it signs in.
 */
describe('npm run admin:password / admin:disable', () => {
  let t: TestDatabase;
  let web: AdminWeb;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = await startAdminWeb(t.db, [dashboardPage({ db: t.db, timeZone: 'Asia/Ho_Chi_Minh', now: () => web.clock.now(), basePath: '/admin' })]);
  });
  afterAll(async () => {
    await web?.close();
    await t?.drop();
  });

  const audit = (subjectId: string) => t.db.selectFrom('audit_log').select('action').where('subject_id', '=', subjectId).orderBy('id').execute();
  const signedIn = async (c: AdminClient) => (await c.get('/admin')).status === 200;

  it('When a locked-out cadre gets a new password, then their open session ends, the old password fails, the new one signs in at once', async () => {
    const account = await aStaffAccount(t.db, 'districtAdmin');
    const before = new AdminClient(web.url);
    expect((await before.signIn(account.username)).status).toBe(303);
    const stranger = new AdminClient(web.url);
    for (let i = 0; i < 5; i += 1) await stranger.signIn(account.username, 'khong-dung-mat-khau');
    expect((await new AdminClient(web.url).signIn(account.username)).status).not.toBe(303);

    const run = await runScriptProcess('reset-admin-password', ['--user', account.username.toUpperCase()], { DATABASE_URL: t.url, ADMIN_PASSWORD: NEW_PASSWORD });
    expect(run).toEqual({
      code: 0,
      stdout: `Đã đặt mật khẩu mới cho tài khoản ${account.username}; khoá đăng nhập (nếu có) đã được gỡ.\nĐã đăng xuất 1 phiên đang mở của tài khoản này.\n`,
      stderr: '',
    });
    expect(await signedIn(before)).toBe(false);
    expect((await new AdminClient(web.url).signIn(account.username, STAFF_PASSWORD)).status).not.toBe(303);
    expect((await new AdminClient(web.url).signIn(account.username, NEW_PASSWORD)).status).toBe(303);
    expect((await audit(account.id)).map((a) => a.action)).toContain('staff.passwordReset');
    const row = await t.db.selectFrom('staff_users').select(['password_hash', 'failed_logins', 'locked_until']).where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(NEW_PASSWORD);
    expect(row).toMatchObject({ failed_logins: 0, locked_until: null });
  });

  it('When an account is disabled, then it cannot sign in, its session and API tokens stop working; enabled again, it signs in', async () => {
    const account = await aStaffAccount(t.db, 'districtAdmin');
    const session = new AdminClient(web.url);
    expect((await session.signIn(account.username)).status).toBe(303);
    const { token } = await issueApiToken(t.db, { username: account.username });
    expect(await authenticateApiToken(t.db, token, new Date())).toBeDefined();

    const off = await runScriptProcess('disable-admin', ['--user', account.username], { DATABASE_URL: t.url });
    expect(off).toEqual({ code: 0, stdout: `Đã vô hiệu hoá tài khoản ${account.username}: đã đăng xuất 1 phiên và thu hồi 1 mã truy cập API.\n`, stderr: '' });
    expect(await signedIn(session)).toBe(false);
    expect(await authenticateApiToken(t.db, token, new Date())).toBeUndefined();
    expect((await new AdminClient(web.url).signIn(account.username)).status).not.toBe(303);

    const again = await runScriptProcess('disable-admin', ['--user', account.username], { DATABASE_URL: t.url });
    expect(again.stdout).toBe(`Tài khoản ${account.username} đã bị vô hiệu hoá từ trước; không có gì thay đổi.\n`);
    const noReset = await runScriptProcess('reset-admin-password', ['--user', account.username], { DATABASE_URL: t.url, ADMIN_PASSWORD: NEW_PASSWORD });
    expect(noReset.code).toBe(1);
    expect(noReset.stderr).toContain('đang bị vô hiệu hoá');

    const on = await runScriptProcess('disable-admin', ['--user', account.username, '--enable'], { DATABASE_URL: t.url });
    expect(on.code).toBe(0);
    expect((await new AdminClient(web.url).signIn(account.username)).status).toBe(303);
    expect(await authenticateApiToken(t.db, token, new Date())).toBeUndefined();
    expect((await audit(account.id)).map((a) => a.action)).toEqual(expect.arrayContaining(['staff.disabled', 'staff.enabled']));
  });

  it('When the account does not exist or the password is too short, then it exits 1 with one Vietnamese line and changes nothing', async () => {
    const nobody = await runScriptProcess('reset-admin-password', ['--user', 'khong.co.ai'], { DATABASE_URL: t.url, ADMIN_PASSWORD: NEW_PASSWORD });
    expect(nobody).toEqual({ code: 1, stdout: '', stderr: 'Không có tài khoản "khong.co.ai". Xem lại tên đăng nhập (tài khoản được tạo bằng npm run admin:create).\n' });
    const account = await aStaffAccount(t.db, 'districtAdmin');
    const short = await runScriptProcess('reset-admin-password', ['--user', account.username], { DATABASE_URL: t.url, ADMIN_PASSWORD: 'ngan' });
    expect(short).toEqual({ code: 1, stdout: '', stderr: 'Mật khẩu cần ít nhất 10 ký tự.\n' });
    expect((await new AdminClient(web.url).signIn(account.username)).status).toBe(303);
    const noUser = await runScriptProcess('disable-admin', [], { DATABASE_URL: t.url });
    expect(noUser.code).toBe(1);
    expect(noUser.stderr).toMatch(/^Thiếu --user\.\nCách dùng: npm run admin:disable/);
  });
});
