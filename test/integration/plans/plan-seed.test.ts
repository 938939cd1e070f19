import { sql } from 'kysely';
import type { Db } from '../../../src/db/database';
import { describeSeedResult, seedExamplePlan } from '../../../src/domain/plans/plan-seed.service';
import { isAppError } from '../../../src/errors/app-error';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const HCM = 'Asia/Ho_Chi_Minh';
const EXAMPLE_UNITS = 21;

/** Every row of the seeded tables as PostgreSQL prints it, so any changed byte shows. */
async function dump(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of ['units', 'plans', 'waves']) {
    const { rows } = await sql<{ row: string }>`select t::text as row from ${sql.table(table)} t order by t.id`.execute(db);
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

describe('seeding the example plan', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });
  beforeEach(async () => {
    await sql`truncate table waves, plans, units cascade`.execute(t.db);
  });

  it('When seeded into an empty database, then the sample tree, the plan and its 5 open waves exist', async () => {
    const result = await seedExamplePlan(t.db, { year: 2024, timeZone: HCM });
    expect(result.units).toEqual({ created: EXAMPLE_UNITS, existing: 0 });
    expect(result.plans).toEqual({ created: 1, existing: 0 });
    expect(result.waves).toEqual({ created: 5, existing: 0 });

    const units = await t.db.selectFrom('units').selectAll().execute();
    expect(units).toHaveLength(EXAMPLE_UNITS);
    expect(units.every((u) => u.is_example)).toBe(true);
    const byId = new Map(units.map((u) => [u.id, u]));
    const district = units.find((u) => u.level === 'district');
    expect(district).toMatchObject({ code: 'binh-tan', name: 'Quận Đoàn Bình Tân', parent_id: null });
    for (const u of units.filter((x) => x.level === 'cluster')) expect(u.parent_id).toBe(district?.id);
    for (const u of units.filter((x) => x.level === 'branch')) expect(byId.get(u.parent_id ?? '')?.level).toBe('cluster');
    expect(units.filter((u) => u.kind === 'ward')).toHaveLength(10);
    expect(units.find((u) => u.code === 'p-binh-hung-hoa-a')?.name).toBe('Đoàn phường Bình Hưng Hòa A');

    const plan = await t.db.selectFrom('plans').selectAll().executeTakeFirstOrThrow();
    expect(plan).toMatchObject({
      owner_unit_id: district?.id,
      year: 2024,
      title: 'Thực hiện Mô hình “Xanh hóa không gian mạng” năm 2024',
      reference: '118-KH/ĐTN-TG.ĐN',
      cadre_target_pct: 100,
      member_target_pct: 80,
      trends_per_branch_per_year: 1,
      good_news_per_day: 1,
      legal_info_per_day: 1,
      teachings_per_week: 1,
      is_example: true,
    });

    const waves = await t.db.selectFrom('waves').selectAll().orderBy('starts_at').execute();
    expect(waves.map((w) => [w.template_key, w.action_kind, w.starts_at.toISOString(), w.ends_at.toISOString()])).toEqual([
      ['march', 'avatarFrame', '2024-02-29T17:00:00.000Z', '2024-03-31T17:00:00.000Z'],
      ['april', 'candle', '2024-03-31T17:00:00.000Z', '2024-04-30T17:00:00.000Z'],
      ['may-june', 'publicPost', '2024-04-30T17:00:00.000Z', '2024-06-30T17:00:00.000Z'],
      ['july', 'candle', '2024-06-30T17:00:00.000Z', '2024-07-31T17:00:00.000Z'],
      ['september', 'publicPost', '2024-07-31T17:00:00.000Z', '2024-09-30T17:00:00.000Z'],
    ]);
    for (const w of waves) {
      expect(w).toMatchObject({ plan_id: plan.id, owner_unit_id: district?.id, status: 'open', accepted_platforms: [] });
      expect(w.hashtags).toContain('#XanhHoaKhongGianMang');
    }
    expect(waves[0]?.title).toContain('93 năm Ngày thành lập Đoàn TNCS Hồ Chí Minh');
    expect(waves[1]?.required_hashtag).toBe('#ThapNenTriAn');
  });

  it('When seeded twice, then every row stays byte-identical and the second run creates nothing', async () => {
    await seedExamplePlan(t.db, { year: 2024, timeZone: HCM });
    const before = await dump(t.db);
    const again = await seedExamplePlan(t.db, { year: 2024, timeZone: HCM });
    expect(await dump(t.db)).toEqual(before);
    expect(again.units).toEqual({ created: 0, existing: EXAMPLE_UNITS });
    expect(again.plans).toEqual({ created: 0, existing: 1 });
    expect(again.waves).toEqual({ created: 0, existing: 5 });
    expect(again.waveDetails.every((w) => !w.created)).toBe(true);
    expect(describeSeedResult(again)).toContain('Không có gì thay đổi');
  });

  it('When 2024 and then 2025 are seeded, then they share the tree and 2025 gets its own plan and 5 waves', async () => {
    await seedExamplePlan(t.db, { year: 2024, timeZone: HCM });
    const unitsBefore = (await dump(t.db)).units;
    const second = await seedExamplePlan(t.db, { year: 2025, timeZone: HCM });
    expect(second.units).toEqual({ created: 0, existing: EXAMPLE_UNITS });
    expect(second.plans).toEqual({ created: 1, existing: 0 });
    expect(second.waves).toEqual({ created: 5, existing: 0 });
    expect((await dump(t.db)).units).toEqual(unitsBefore);

    const perPlan = await t.db
      .selectFrom('waves')
      .innerJoin('plans', 'plans.id', 'waves.plan_id')
      .select(['plans.year', (eb) => eb.fn.countAll<number>().as('waves')])
      .groupBy('plans.year')
      .orderBy('plans.year')
      .execute();
    expect(perPlan).toEqual([{ year: 2024, waves: 5 }, { year: 2025, waves: 5 }]);
    const march2025 = await t.db
      .selectFrom('waves')
      .innerJoin('plans', 'plans.id', 'waves.plan_id')
      .select(['waves.title', 'waves.starts_at'])
      .where('plans.year', '=', 2025)
      .where('waves.template_key', '=', 'march')
      .executeTakeFirstOrThrow();
    expect(march2025.title).toContain('94 năm');
    expect(march2025.starts_at.toISOString()).toBe('2025-02-28T17:00:00.000Z');
  });

  it('When staff edited a wave, a plan and a unit after seeding, then seeding again keeps their edits', async () => {
    await seedExamplePlan(t.db, { year: 2024, timeZone: HCM });
    const edited = new Date('2024-03-05T02:00:00.000Z');
    await t.db
      .updateTable('waves')
      .set({ title: 'Tháng Thanh niên (đã sửa)', description: 'Mô tả do cán bộ viết', status: 'closed', ends_at: new Date('2024-03-20T17:00:00.000Z'), hashtags: ['#Khac'], updated_at: edited })
      .where('template_key', '=', 'march')
      .execute();
    await t.db.updateTable('plans').set({ member_target_pct: 70, updated_at: edited }).execute();
    await t.db.updateTable('units').set({ name: 'Đoàn phường An Lạc (đổi tên)', updated_at: edited }).where('code', '=', 'p-an-lac').execute();
    const before = await dump(t.db);

    const again = await seedExamplePlan(t.db, { year: 2024, timeZone: HCM });
    expect(again.waves.created).toBe(0);
    expect(await dump(t.db)).toEqual(before);
    const march = await t.db.selectFrom('waves').selectAll().where('template_key', '=', 'march').executeTakeFirstOrThrow();
    expect(march).toMatchObject({ title: 'Tháng Thanh niên (đã sửa)', status: 'closed', hashtags: ['#Khac'], updated_at: edited });
  });

  it('When one seeded wave is missing, then seeding again adds only that wave', async () => {
    await seedExamplePlan(t.db, { year: 2024, timeZone: HCM });
    await t.db.deleteFrom('waves').where('template_key', '=', 'july').execute();
    const again = await seedExamplePlan(t.db, { year: 2024, timeZone: HCM });
    expect(again.waves).toEqual({ created: 1, existing: 4 });
    expect(again.waveDetails.filter((w) => w.created).map((w) => w.templateKey)).toEqual(['july']);
  });

  it('When two seedings run at once, then the data is created once and neither fails', async () => {
    const [a, b] = await Promise.all([
      seedExamplePlan(t.db, { year: 2024, timeZone: HCM }),
      seedExamplePlan(t.db, { year: 2024, timeZone: HCM }),
    ]);
    expect(a.units.created + b.units.created).toBe(EXAMPLE_UNITS);
    expect(a.waves.created + b.waves.created).toBe(5);
    expect(await t.db.selectFrom('waves').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 5 });
  });

  it('When a unit of another code already has a sample unit\'s name under the same parent, then seeding stops with a clear conflict and writes nothing', async () => {
    await seedExamplePlan(t.db, { year: 2024, timeZone: HCM });
    await sql`truncate table waves, plans cascade`.execute(t.db);
    await t.db.deleteFrom('units').where('level', '=', 'branch').execute();
    await t.db.deleteFrom('units').where('code', 'in', ['binh-tan-kv-1', 'binh-tan-kv-2']).execute();
    const cluster = await t.db.selectFrom('units').select('id').where('code', '=', 'binh-tan-kv-3').executeTakeFirstOrThrow();
    // Comes late in the tree, so the units before it would be inserted first: the rollback must undo them.
    await t.db.insertInto('units').values({ parent_id: cluster.id, level: 'branch', kind: 'ward', code: 'bhh-b', name: 'Đoàn phường Bình Hưng Hòa B' }).execute();
    const before = await dump(t.db);

    const error = await seedExamplePlan(t.db, { year: 2024, timeZone: HCM }).catch((e: unknown) => e);
    expect(isAppError(error, 'CONFLICT')).toBe(true);
    expect((error as Error).message).toContain('p-binh-hung-hoa-b');
    expect(await dump(t.db)).toEqual(before);
  });

  it('When described, then the report says it is sample data and counts what was created and what existed', async () => {
    const text = describeSeedResult(await seedExamplePlan(t.db, { year: 2024, timeZone: HCM }));
    expect(text).toContain('dữ liệu mẫu');
    expect(text).toContain(`Đơn vị (cây tổ chức mẫu): ${EXAMPLE_UNITS} tạo mới, 0 đã có`);
    expect(text).toContain('Đợt hoạt động:            5 tạo mới, 0 đã có');
    expect(text).toContain('01/08/2024 – 30/09/2024  [tạo mới]');
  });
});
