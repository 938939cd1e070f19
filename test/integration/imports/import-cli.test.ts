import path from 'node:path';
import { runScriptProcess, type ScriptRun } from '../../helpers/run-script';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

// Relative to the repository root, where the command runs (npm and npx set INIT_CWD to it).
const FIXTURES = 'test/fixtures/roster';

function runImport(script: 'import-units' | 'import-members', databaseUrl: string, args: readonly string[]): Promise<ScriptRun> {
  return runScriptProcess(script, args, { DATABASE_URL: databaseUrl });
}

describe('npm run import:units / import:members (the real command line)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('When the units and then the members are imported, then both exit 0 with a Vietnamese report', async () => {
    const units = await runImport('import-units', t.url, [path.join(FIXTURES, 'units-good.csv')]);
    expect(units.stderr).toBe('');
    expect(units.code).toBe(0);
    expect(units.stdout).toBe('Đã nhập đơn vị từ units-good.csv (8 dòng): thêm mới 8, cập nhật 0, không đổi 0, bỏ qua 0, lỗi 0.\n');

    const members = await runImport('import-members', t.url, ['--', path.join(FIXTURES, 'members-good.csv')]);
    expect(members.stderr).toBe('');
    expect(members.code).toBe(0);
    expect(members.stdout).toBe('Đã nhập thành viên từ members-good.csv (5 dòng): thêm mới 5, cập nhật 0, không đổi 0, bỏ qua 0, lỗi 0.\n');
    const count = await t.db.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(5);
  });

  it('When the file has bad rows, then it exits 1, lists them by row number and imports nothing', async () => {
    const run = await runImport('import-members', t.url, [path.join(FIXTURES, 'members-bad.csv')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Không nhập gì từ members-bad.csv: 9/11 dòng có lỗi.');
    expect(run.stdout).toContain('  Dòng 3: số điện thoại 01234 không phải số di động Việt Nam');
    expect(run.stdout).toContain('hoặc thêm --skip-invalid để chỉ nhập 2 dòng hợp lệ.');
    const count = await t.db.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(5);
  });

  it('When the file is missing or not a roster, then it exits 1 with one clear line and no stack trace', async () => {
    const missing = await runImport('import-members', t.url, [path.join(FIXTURES, 'khong-co.xlsx')]);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'Tệp test/fixtures/roster/khong-co.xlsx không tồn tại.\n' });
    const wrong = await runImport('import-units', t.url, [path.join(FIXTURES, 'make-xlsx-fixtures.ts')]);
    expect(wrong).toEqual({ code: 1, stdout: '', stderr: 'Không đọc được tệp make-xlsx-fixtures.ts: chỉ nhận tệp .csv hoặc .xlsx.\n' });
  });
});
