import ExcelJS from 'exceljs';
import { AdminClient } from '../../helpers/admin-web';
import { useAdminWorld, type Who } from '../../helpers/admin-world';

/**
 * The exports under /admin/exports: the same export functions as /api/v1/exports behind the
 * session, each role × own / other branch, and the files' figures checked against the seed.
 */
describe('admin web: exports', () => {
  const w = useAdminWorld({ pages: 'wired' });

  async function download(who: Who, path: string): Promise<{ status: number; type: string | null; disposition: string | null; bytes: Buffer }> {
    const res = await w.c[who].download(path);
    return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), bytes: res.bytes };
  }

  it.each([
    ['admin', 200],
    ['staffOne', 200],
    ['staffTwo', 404],
    ['cadreA', 200],
    ['cadreB', 404],
  ] as const)('When %s downloads the exports of branch A\'s trend, then each answers %i; the district wave\'s answer 200', async (who, status) => {
    for (const path of [`/admin/exports/waves/${w.s.trendOfA}.xlsx`, `/admin/exports/waves/${w.s.trendOfA}.csv`, `/admin/exports/waves/${w.s.trendOfA}/participants.csv`]) {
      expect([path, (await download(who, path)).status]).toEqual([path, status]);
    }
    const csv = await download(who, `/admin/exports/waves/${w.s.novemberWave}.csv`);
    expect([csv.status, csv.type]).toEqual([200, 'text/csv; charset=utf-8']);
  });

  it.each([
    ['admin', ['Đoàn phường An Lạc', 'Đoàn phường Bình Trị Đông', 'Đoàn phường Tân Tạo'], []],
    ['staffOne', ['Đoàn phường An Lạc', 'Đoàn phường Bình Trị Đông'], ['Đoàn phường Tân Tạo']],
    ['staffTwo', ['Đoàn phường Tân Tạo'], ['Đoàn phường An Lạc', 'Đoàn phường Bình Trị Đông']],
    ['cadreA', ['Đoàn phường An Lạc'], ['Đoàn phường Bình Trị Đông', 'Đoàn phường Tân Tạo']],
    ['cadreB', ['Đoàn phường Bình Trị Đông'], ['Đoàn phường An Lạc', 'Đoàn phường Tân Tạo']],
  ] as const)('When %s downloads the district wave and the good-news report, then they hold only the branches in scope', async (who, shown, hidden) => {
    for (const path of [`/admin/exports/waves/${w.s.novemberWave}.csv`, '/admin/exports/good-news.csv?month=2026-11']) {
      const text = (await download(who, path)).bytes.toString('utf8');
      expect(text.charCodeAt(0)).toBe(0xfeff);
      for (const name of shown) expect([path, name, text.includes(name)]).toEqual([path, name, true]);
      for (const name of hidden) expect([path, name, text.includes(name)]).toEqual([path, name, false]);
    }
  });

  it('When the district wave\'s workbook is opened with exceljs, then its figures are those of the database', async () => {
    const file = await download('admin', `/admin/exports/waves/${w.s.novemberWave}.xlsx`);
    expect(file.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(file.disposition).toBe('attachment; filename=bao-cao-dot-thap-nen-tri-an-2026-11-30.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Theo đơn vị')!;
    const rowOf = (name: string) => {
      let found: number[] | undefined;
      sheet.eachRow((row) => {
        if (row.getCell(2).value === name) found = [4, 5, 6, 7].map((i) => Number(row.getCell(i).value));
      });
      return found;
    };
    // From the database: verified cadres and members of each branch, and those whose participation counts.
    const { rows } = await w.db
      .selectFrom('members as m')
      .leftJoin('participations as p', (j) => j.onRef('p.member_id', '=', 'm.id').on('p.wave_id', '=', w.s.novemberWave).on('p.state', 'in', ['proofSubmitted', 'approved']))
      .select((eb) => [
        'm.branch_id',
        eb.fn.count<number>('m.id').filterWhere('m.role', '=', 'cadre').as('cadres'),
        eb.fn.count<number>('m.id').filterWhere('m.role', '=', 'member').as('members'),
        eb.fn.count<number>('p.id').filterWhere('m.role', '=', 'cadre').as('cadres_took'),
        eb.fn.count<number>('p.id').filterWhere('m.role', '=', 'member').as('members_took'),
      ])
      .where('m.status', '=', 'verified')
      .groupBy('m.branch_id')
      .execute()
      .then((r) => ({ rows: r }));
    for (const [branch, name] of [[w.s.branchA, w.s.names.A], [w.s.branchB, w.s.names.B], [w.s.branchX, w.s.names.X]] as const) {
      const db = rows.find((r) => r.branch_id === branch)!;
      expect([name, rowOf(name)]).toEqual([name, [db.cadres, db.members, db.cadres_took, db.members_took].map(Number)]);
    }
    expect(rowOf(w.s.names.A)).toEqual([2, 5, 1, 5]);
    expect(book.getWorksheet('Danh sách tham gia')).toBeDefined();
  });

  it('When the month or the file is wrong, then 400 / 404 in Vietnamese; signed out, the sign-in page', async () => {
    const badMonth = await w.c.admin.get('/admin/exports/good-news.xlsx?month=2026-13');
    expect(badMonth.status).toBe(400);
    expect(badMonth.body).toContain('Chọn tháng báo cáo');
    expect((await w.c.admin.get(`/admin/exports/waves/${w.s.novemberWave}.pdf`)).status).toBe(404);
    expect((await w.c.admin.get('/admin/exports/waves/not-a-wave.xlsx')).status).toBe(404);
    const anonymous = await new AdminClient(w.web.url).get(`/admin/exports/waves/${w.s.novemberWave}.xlsx`);
    expect([anonymous.status, anonymous.headers.get('location')?.startsWith('/admin/login?next=')]).toEqual([303, true]);
  });

  it('When the dashboard, a wave and the reports page are opened, then they link the exports', async () => {
    const dashboard = await w.c.admin.get('/admin');
    expect(dashboard.body).toContain(`/admin/exports/waves/${w.s.novemberWave}.xlsx`);
    expect(dashboard.body).toContain('/admin/exports/good-news.xlsx?month=2026-11');
    const reports = await w.c.cadreA.get('/admin/exports');
    expect(reports.status).toBe(200);
    expect(reports.body).toContain(`/admin/exports/waves/${w.s.trendOfA}.xlsx`);
    expect(reports.body).toContain('action="/admin/exports/good-news.xlsx"');
    expect((await w.c.cadreB.get('/admin/exports')).body).not.toContain(`/admin/exports/waves/${w.s.trendOfA}.xlsx`);
    const wave = await w.c.staffOne.get(`/admin/waves/${w.s.trendOfA}`);
    expect(wave.body).toContain(`/admin/exports/waves/${w.s.trendOfA}.csv`);
  });
});
