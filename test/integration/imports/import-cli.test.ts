import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const ROOT = path.resolve(__dirname, '../../..');
// Relative to ROOT, where the command runs (npm and npx set INIT_CWD to it).
const FIXTURES = 'test/fixtures/roster';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runImport(script: 'import-units' | 'import-members', databaseUrl: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', `scripts/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
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
