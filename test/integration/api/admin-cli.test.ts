import { createHash } from 'node:crypto';
import { createHttpApp } from '../../../src/http/app';
import { createApiRouter } from '../../../src/http/api/api-router';
import { aDistrict, aUnit } from '../../helpers/builders';
import { captureLogs } from '../../helpers/logs';
import { runScriptProcess } from '../../helpers/run-script';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { serve } from '../http/http-server';

describe('npm run admin:create / admin:token (real processes), and the token against /api/v1', () => {
  let t: TestDatabase;
  let branchCode: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    const district = await aDistrict(t.db);
    const cluster = await aUnit(t.db, district, { level: 'cluster' });
    const branch = await aUnit(t.db, cluster);
    branchCode = (await t.db.selectFrom('units').select('code').where('id', '=', branch).executeTakeFirstOrThrow()).code;
  });
  afterAll(async () => {
    await t.drop();
  });

  it('When an account is created with ADMIN_PASSWORD and a token is made, then the last line is a token that opens GET /api/v1/waves', async () => {
    const env = { DATABASE_URL: t.url, ADMIN_PASSWORD: 'một-mật-khẩu-dài' };
    const created = await runScriptProcess('create-admin', ['--', '--user', 'Can.Bo', '--role', 'branchCadre', '--branch', branchCode.toUpperCase()], env);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Đã tạo tài khoản can.bo: cán bộ Đoàn cơ sở');

    const issued = await runScriptProcess('create-token', ['--user', 'can.bo'], { DATABASE_URL: t.url });
    expect(issued.code).toBe(0);
    const token = issued.stdout.trimEnd().split('\n').at(-1)!;
    expect(token).toMatch(/^vx_[A-Za-z0-9_-]{43}$/);

    const staff = await t.db.selectFrom('staff_users').select(['id', 'password_hash', 'branch_id']).where('username', '=', 'can.bo').executeTakeFirstOrThrow();
    expect(staff.password_hash).toMatch(/^\$argon2id\$/);
    const stored = await t.db.selectFrom('api_tokens').select('token_hash').where('staff_user_id', '=', staff.id).execute();
    expect(stored).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);
    const audit = await t.db.selectFrom('audit_log').select(['action', 'subject_id']).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'staff.created', subject_id: staff.id },
      { action: 'apiToken.created', subject_id: staff.id },
    ]);

    const server = await serve(createHttpApp({ logger: captureLogs('warn').logger, routers: [{ path: '/api/v1', router: createApiRouter({ db: t.db, timezone: 'Asia/Ho_Chi_Minh', broadcasts: undefined }) }] }));
    try {
      const ok = await fetch(`${server.url}/api/v1/waves`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ items: [], page: 1, pageSize: 20, total: 0 });

      const revoked = await runScriptProcess('create-token', ['--user', 'can.bo', '--revoke'], { DATABASE_URL: t.url });
      expect(revoked.stdout).toBe('Đã thu hồi 1 mã truy cập của tài khoản can.bo.\n');
      expect((await fetch(`${server.url}/api/v1/waves`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('When the arguments are wrong, then it exits 1 with one Vietnamese line and the usage, and creates nothing', async () => {
    const env = { DATABASE_URL: t.url, ADMIN_PASSWORD: 'một-mật-khẩu-dài' };
    const noBranch = await runScriptProcess('create-admin', ['--user', 'x1', '--role', 'branchCadre', '--branch', 'khong-co'], env);
    expect(noBranch).toEqual({ code: 1, stdout: '', stderr: 'Không có đơn vị nào có mã hoặc id "khong-co". Xem danh sách đơn vị đã nhập (npm run import:units).\n' });
    const badRole = await runScriptProcess('create-admin', ['--user', 'x1', '--role', 'boss'], env);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(/^Vai trò "boss" không có; chọn một trong: districtAdmin, districtStaff, branchCadre\.\nCách dùng: npm run admin:create/);
    const noPassword = await runScriptProcess('create-admin', ['--user', 'x1', '--role', 'districtAdmin'], { DATABASE_URL: t.url, ADMIN_PASSWORD: '' });
    expect(noPassword.code).toBe(1);
    const short = await runScriptProcess('create-admin', ['--user', 'x1', '--role', 'districtAdmin'], { DATABASE_URL: t.url, ADMIN_PASSWORD: 'ngan' });
    expect(short).toEqual({ code: 1, stdout: '', stderr: 'Mật khẩu cần ít nhất 10 ký tự.\n' });
    const taken = await runScriptProcess('create-admin', ['--user', 'can.bo', '--role', 'districtAdmin'], env);
    expect(taken).toEqual({ code: 1, stdout: '', stderr: 'Tài khoản "can.bo" đã có. Chọn tên đăng nhập khác.\n' });
    const nobody = await runScriptProcess('create-token', ['--user', 'nobody'], { DATABASE_URL: t.url });
    expect(nobody).toEqual({ code: 1, stdout: '', stderr: 'Không có tài khoản "nobody". Tạo tài khoản trước bằng npm run admin:create.\n' });
    const count = await t.db.selectFrom('staff_users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });
});
