import { runScriptProcess, type ScriptRun } from '../../helpers/run-script';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

function runSeed(databaseUrl: string, args: readonly string[]): Promise<ScriptRun> {
  return runScriptProcess('seed-example', args, { DATABASE_URL: databaseUrl, APP_TIMEZONE: 'Asia/Ho_Chi_Minh' });
}

describe('npm run seed:example (the real command line)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('When run for 2025 and then again, then it loads the sample plan once and says so in Vietnamese', async () => {
    const first = await runSeed(t.url, ['--year', '2025']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('dữ liệu mẫu');
    expect(first.stdout).toContain('Kế hoạch mẫu năm 2025');
    expect(first.stdout).toContain('Đơn vị (cây tổ chức mẫu): 21 tạo mới, 0 đã có');
    expect(first.stdout).toContain('Đợt hoạt động:            5 tạo mới, 0 đã có');
    expect(first.stdout).toContain('94 năm Ngày thành lập Đoàn TNCS Hồ Chí Minh');
    expect(first.stdout).toContain('01/03/2025 – 31/03/2025');

    const waves = await t.db
      .selectFrom('waves')
      .innerJoin('plans', 'plans.id', 'waves.plan_id')
      .select(['plans.year', 'waves.template_key'])
      .execute();
    expect(waves).toHaveLength(5);
    expect(waves.every((w) => w.year === 2025)).toBe(true);

    const second = await runSeed(t.url, ['--year=2025']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Đơn vị (cây tổ chức mẫu): 0 tạo mới, 21 đã có');
    expect(second.stdout).toContain('Kế hoạch:                 0 tạo mới, 1 đã có');
    expect(second.stdout).toContain('Không có gì thay đổi');
  });

  it('When the year is out of range, then it exits 1 with a Vietnamese and English message and seeds nothing', async () => {
    const run = await runSeed(t.url, ['--year', '1999']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Năm không hợp lệ: "1999"');
    expect(run.stderr).toContain('Invalid year "1999"');
    expect(await t.db.selectFrom('plans').select('year').orderBy('year').execute()).toEqual([{ year: 2025 }]);
  });

  it('When run with no year, then it loads the document\'s year, 2024, beside 2025', async () => {
    const run = await runSeed(t.url, []);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Kế hoạch mẫu năm 2024');
    expect(run.stdout).toContain('Đơn vị (cây tổ chức mẫu): 0 tạo mới, 21 đã có');
    expect(run.stdout).toContain('93 năm Ngày thành lập Đoàn TNCS Hồ Chí Minh');
    expect(await t.db.selectFrom('plans').select('year').orderBy('year').execute()).toEqual([{ year: 2024 }, { year: 2025 }]);
  });
});
