import type { Db } from '../../../src/db/database';
import { EXAMPLE_TEACHINGS } from '../../../src/domain/plans/example-teachings';
import { describeSeedResult, seedExamplePlan } from '../../../src/domain/plans/plan-seed.service';
import { sendWeeklyTeaching } from '../../../src/domain/reminders/recurring-content.service';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { at, harness } from '../schedules/harness';

describe('the example seed’s starter library of “Lời Bác dạy”', () => {
  let t: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
  });

  afterAll(async () => {
    await t.drop();
  });

  it('When the example is seeded twice, then the seven teachings exist once each, with their sources, waiting for approval', async () => {
    const first = await seedExamplePlan(db, { year: 2026, timeZone: 'Asia/Ho_Chi_Minh' });
    const second = await seedExamplePlan(db, { year: 2026, timeZone: 'Asia/Ho_Chi_Minh' });
    expect(first.teachings).toEqual({ created: 7, existing: 0 });
    expect(second.teachings).toEqual({ created: 0, existing: 7 });
    expect(describeSeedResult(first)).toContain('Lời Bác dạy:              7 tạo mới, 0 đã có — chờ cán bộ kiểm tra nguồn và duyệt trước khi gửi');
    expect(describeSeedResult(second)).toContain('Không có gì thay đổi');
    const rows = await db.selectFrom('content_items').select(['kind', 'body', 'source', 'approval', 'seed_key']).where('kind', '=', 'uncleHoTeaching').orderBy('seed_key').execute();
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.approval === 'pending' && r.source !== null && r.source.length > 0)).toBe(true);
    expect(rows.map((r) => r.body)).toEqual(EXAMPLE_TEACHINGS.map((x) => x.body));
    expect(rows[1]!.body).toBe('Vì lợi ích mười năm thì phải trồng cây, vì lợi ích trăm năm thì phải trồng người.');
    expect(rows[1]!.source).toBe('Bài nói tại lớp học chính trị của giáo viên cấp II, cấp III toàn miền Bắc, 13/9/1958');
    expect(rows[6]!.source).toBe('Lời Bác dạy thanh niên; nguồn cần cán bộ xác minh trước khi duyệt');
  });

  it('When none of them is approved yet, then the weekly teaching sends nothing; once staff approve one, that one goes', async () => {
    const h = harness(db);
    expect((await sendWeeklyTeaching(h.ctx, at('2026-11-30T07:30:00'))).kind).toBe('noneApproved');
    await db.updateTable('content_items').set({ approval: 'approved', approved_at: new Date() }).where('seed_key', '=', 'uncle-ho-teaching-2').execute();
    const sent = await sendWeeklyTeaching(h.ctx, at('2026-11-30T07:30:00'));
    expect(sent.kind).toBe('sent');
    const broadcast = await db.selectFrom('broadcasts').select('text').where('schedule_key', '=', 'uncleHo:2026-W49').executeTakeFirstOrThrow();
    expect(broadcast.text).toBe(
      'Lời Bác dạy tuần này:\n\n“Vì lợi ích mười năm thì phải trồng cây, vì lợi ích trăm năm thì phải trồng người.”\n\n— Bài nói tại lớp học chính trị của giáo viên cấp II, cấp III toàn miền Bắc, 13/9/1958',
    );
  });
});
