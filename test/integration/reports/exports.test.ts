import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { aMember, aParticipation, aProof } from '../../helpers/builders';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { buildApiWorld, type ApiWorld } from '../api/api-world';

type Role = 'admin' | 'staff' | 'cadre';
type Cells = (string | number | Date | null)[];

const TRICKY_NAME = 'Nguyễn Văn "Tèo", Bình\nHưng Hòa';
const FORMULA_NAME = '=HYPERLINK("http://x.example/?leak","Bấm vào")';

describe('Exports: a wave per branch and its participants (XLSX, CSV), good news per month', () => {
  let t: TestDatabase;
  let w: ApiWorld;
  const phones: string[] = [];

  async function download(role: Role, path: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
    const res = await fetch(`${w.server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${w.tokens[role]}` } });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
  }

  async function workbook(role: Role, path: string): Promise<ExcelJS.Workbook> {
    const answer = await download(role, path);
    expect(answer.status).toBe(200);
    const book = new ExcelJS.Workbook();
    // exceljs types its Buffer parameter against an older @types/node; the value is a Buffer all the same.
    await book.xlsx.load(answer.bytes as unknown as ArrayBuffer);
    return book;
  }

  /** Every row of a sheet as plain values (1-based columns become 0-based). */
  function rowsOf(sheet: ExcelJS.Worksheet): Cells[] {
    const rows: Cells[] = [];
    sheet.eachRow({ includeEmpty: true }, (row, n) => {
      rows[n - 1] = (row.values as Cells).slice(1);
    });
    return Array.from(rows, (r) => r ?? []);
  }

  /** The table under its header row (the first row whose first cell is "STT"), without the totals row. */
  function tableOf(rows: Cells[]): { header: Cells; body: Cells[]; footer: Cells } {
    const at = rows.findIndex((r) => r[0] === 'STT');
    expect(at).toBeGreaterThan(0);
    const rest = rows.slice(at + 1).filter((r) => r.length > 0);
    return { header: rows[at]!, body: rest.slice(0, -1), footer: rest.at(-1)! };
  }

  async function member(branchId: string, role: 'cadre' | 'member' | 'youth', fullName: string, status: 'verified' | 'pending' = 'verified'): Promise<string> {
    const phone = `+849${String(10_000_000 + phones.length * 7919).slice(0, 8)}`;
    phones.push(phone);
    return aMember(t.db, { branchId, role, fullName, status, phone });
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    w = await buildApiWorld(t.db);
    const { b1, b2 } = w.branches;
    const wave = w.waves.district;
    const cadreLe = (await t.db.selectFrom('members').select('id').where('branch_id', '=', b1).where('role', '=', 'cadre').executeTakeFirstOrThrow()).id;
    // B1: 2 cadres and 5 members verified; a youth and a pending member who also sent proofs.
    const cadreHa = await member(b1, 'cadre', 'Cán bộ Hà');
    const tricky = await member(b1, 'member', TRICKY_NAME);
    const formula = await member(b1, 'member', FORMULA_NAME);
    const rejected = await member(b1, 'member', 'Đoàn viên Bị Từ Chối');
    await member(b1, 'member', 'Đoàn viên Chưa Gửi');
    const youth = await member(b1, 'youth', 'Thanh niên Phúc');
    const pending = await member(b1, 'member', 'Người Chờ Xác Minh', 'pending');
    // B2: the world's cadre and member; one more member who took part.
    const b2Member = await member(b2, 'member', 'Đoàn viên Quận Khác');

    const approved = await aProof(t.db, { waveId: wave, memberId: cadreLe, link: 'https://www.facebook.com/cbl/posts/1', submittedAt: new Date('2026-11-02T02:00:00Z') });
    await t.db.updateTable('proofs').set({ review_state: 'approved', reviewed_at: new Date('2026-11-03T02:00:00Z') }).where('id', '=', approved).execute();
    await t.db.updateTable('participations').set({ state: 'approved' }).where('member_id', '=', cadreLe).where('wave_id', '=', wave).execute();
    await aProof(t.db, { waveId: wave, memberId: tricky, link: 'https://www.facebook.com/teo/posts/2?a=1,b="2"', submittedAt: new Date('2026-11-04T16:30:00Z') });
    await aProof(t.db, { waveId: wave, memberId: formula, imageSha256: 'ab'.repeat(32) });
    const bad = await aProof(t.db, { waveId: wave, memberId: rejected, link: 'https://www.tiktok.com/@x/video/3' });
    await t.db.updateTable('proofs').set({ review_state: 'rejected', reject_reason: 'Thiếu hashtag', reviewed_at: new Date() }).where('id', '=', bad).execute();
    await t.db.updateTable('participations').set({ state: 'rejected' }).where('member_id', '=', rejected).execute();
    await aParticipation(t.db, wave, cadreHa); // joined, no proof: does not count
    await aProof(t.db, { waveId: wave, memberId: youth, link: 'https://www.facebook.com/phuc/posts/4' });
    await aProof(t.db, { waveId: wave, memberId: pending, link: 'https://www.facebook.com/cho/posts/5' });
    await aProof(t.db, { waveId: wave, memberId: b2Member, link: 'https://www.facebook.com/khac/posts/6' });
    // Every phone in the database, the world's too: none may appear in any file.
    phones.push(...(await t.db.selectFrom('members').select('phone').execute()).map((r) => r.phone!).filter(Boolean));
  });

  afterAll(async () => {
    await w.close();
    await t.drop();
  });

  /** Per branch, counted independently of the report's query: verified cadres/members, and those whose participation counts. */
  async function figuresInDatabase(branchId: string) {
    const { rows } = await sql<{ role: string; people: number; took_part: number }>`
      select m.role, count(*)::int as people,
        count(*) filter (where exists (select 1 from participations p where p.member_id = m.id and p.wave_id = ${w.waves.district} and p.state in ('proofSubmitted', 'approved')))::int as took_part
      from members m where m.branch_id = ${branchId} and m.status = 'verified' and m.role in ('cadre', 'member')
      group by m.role`.execute(t.db);
    const of = (role: string) => rows.find((r) => r.role === role) ?? { people: 0, took_part: 0 };
    return { cadres: of('cadre').people, members: of('member').people, cadresTookPart: of('cadre').took_part, membersTookPart: of('member').took_part };
  }

  const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part * 1000) / whole) / 10);

  it('When the district admin exports the district wave as XLSX, then sheet 1 has each branch\'s figures as the database has them, with rates, targets, results and totals', async () => {
    const book = await workbook('admin', `/exports/waves/${w.waves.district}.xlsx`);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Theo đơn vị', 'Danh sách tham gia']);
    const rows = rowsOf(book.worksheets[0]!);
    expect(rows[0]![0]).toBe('ĐOÀN TNCS HỒ CHÍ MINH');
    expect(String(rows[1]![0])).toBe(String(rows[1]![0]).toLocaleUpperCase('vi'));
    expect(rows.slice(3, 9).map((r) => r[0])).toEqual([
      'BÁO CÁO KẾT QUẢ THAM GIA ĐỢT HOẠT ĐỘNG',
      'Đợt: “Đợt của Quận”, từ 1/11/2026 đến 30/12/2026',
      'Chỉ tiêu: 100% cán bộ Đoàn và 80% đoàn viên tham gia',
      'Phạm vi: toàn đơn vị',
      'Số liệu tính đến 10:00 ngày 20 tháng 11 năm 2026',
      undefined,
    ]);
    const { header, body, footer } = tableOf(rows);
    expect(header).toEqual([
      'STT', 'Đơn vị', 'Cụm', 'Số cán bộ Đoàn', 'Số đoàn viên', 'Số cán bộ tham gia', 'Số đoàn viên tham gia',
      'Tỷ lệ cán bộ tham gia (%)', 'Tỷ lệ đoàn viên tham gia (%)', 'Chỉ tiêu cán bộ (%)', 'Chỉ tiêu đoàn viên (%)', 'Kết quả',
    ]);
    const names = await t.db.selectFrom('units').select(['id', 'name']).where('id', 'in', [w.branches.b1, w.branches.b2, w.clusters.c1, w.clusters.c2]).execute();
    const nameOf = (id: string) => names.find((n) => n.id === id)!.name;
    expect(body).toHaveLength(2);
    const totals = { cadres: 0, members: 0, cadresTookPart: 0, membersTookPart: 0 };
    for (const [i, [branch, cluster]] of [[w.branches.b1, w.clusters.c1], [w.branches.b2, w.clusters.c2]].entries()) {
      const db = await figuresInDatabase(branch!);
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += db[k];
      const cadreRate = rate(db.cadresTookPart, db.cadres);
      const memberRate = rate(db.membersTookPart, db.members);
      const row = body.find((r) => r[1] === nameOf(branch!))!;
      expect(row.slice(0, 11)).toEqual([expect.any(Number), nameOf(branch!), nameOf(cluster!), db.cadres, db.members, db.cadresTookPart, db.membersTookPart, cadreRate, memberRate, 100, 80]);
      expect(row[11]).toEqual(cadreRate! >= 100 && memberRate! >= 80 ? 'Đạt' : expect.stringMatching(/^Chưa đạt \(/));
      // The world's figures, so the comparison above is not between two empty tables.
      if (i === 0) expect(db).toEqual({ cadres: 2, members: 5, cadresTookPart: 1, membersTookPart: 2 });
    }
    expect(body.find((r) => r[1] === nameOf(w.branches.b1))![11]).toBe('Chưa đạt (cán bộ, đoàn viên)');
    expect(footer.slice(1)).toEqual([
      'Tổng cộng', null, totals.cadres, totals.members, totals.cadresTookPart, totals.membersTookPart,
      rate(totals.cadresTookPart, totals.cadres), rate(totals.membersTookPart, totals.members), 100, 80, expect.stringMatching(/^Chưa đạt/),
    ].map((v) => (v === null ? undefined : v)));
  });

  it('When the district admin exports the district wave, then sheet 2 lists every proof of the branches with its link and review state, and no file carries a phone number', async () => {
    const book = await workbook('admin', `/exports/waves/${w.waves.district}.xlsx`);
    const { header, body, footer } = tableOf(rowsOf(book.worksheets[1]!));
    expect(header).toEqual(['STT', 'Họ và tên', 'Vai trò', 'Đơn vị', 'Hình thức', 'Minh chứng', 'Nền tảng', 'Thời điểm gửi', 'Trạng thái duyệt', 'Lý do từ chối', 'Được tính vào tỷ lệ']);
    const proofs = await t.db
      .selectFrom('proofs as pr')
      .innerJoin('participations as p', 'p.id', 'pr.participation_id')
      .innerJoin('members as m', 'm.id', 'p.member_id')
      .select(['m.full_name', 'pr.original_url', 'pr.review_state'])
      .where('pr.wave_id', '=', w.waves.district)
      .execute();
    expect(body).toHaveLength(proofs.length);
    expect(body.map((r) => r[0])).toEqual(proofs.map((_, i) => i + 1));
    const STATE = { pending: 'Chờ duyệt', approved: 'Đã duyệt', rejected: 'Bị từ chối' } as const;
    for (const p of proofs) {
      const row = body.find((r) => r[1] === p.full_name);
      expect(row).toBeDefined();
      expect(row![8]).toBe(STATE[p.review_state]);
      if (p.original_url) expect(row![5]).toBe(p.original_url);
    }
    const byName = (name: string) => body.find((r) => r[1] === name)!;
    expect(byName('Cán bộ Lê').slice(2, 11)).toEqual(['Cán bộ Đoàn', expect.any(String), 'Liên kết', 'https://www.facebook.com/cbl/posts/1', 'Facebook', new Date('2026-11-02T09:00:00Z'), 'Đã duyệt', undefined, 'Có']);
    expect(byName(FORMULA_NAME).slice(4, 7)).toEqual(['Ảnh', `Ảnh chụp màn hình (mã ${'ab'.repeat(6)})`, undefined]);
    expect(byName('Đoàn viên Bị Từ Chối').slice(8, 11)).toEqual(['Bị từ chối', 'Thiếu hashtag', 'Không']);
    expect(byName('Thanh niên Phúc')[10]).toBe('Không');
    expect(byName('Người Chờ Xác Minh')[10]).toBe('Không');
    expect(footer[1]).toBe('Tổng cộng: 7 minh chứng; 4 cán bộ, đoàn viên được tính vào tỷ lệ');

    const files = [
      (await download('admin', `/exports/waves/${w.waves.district}.xlsx`)).bytes,
      (await download('admin', `/exports/waves/${w.waves.district}.csv`)).bytes,
      (await download('admin', `/exports/waves/${w.waves.district}/participants.csv`)).bytes,
    ];
    const texts = [...book.worksheets.flatMap((s) => rowsOf(s).flat().map(String)), ...files.slice(1).map((b) => b.toString('utf8'))];
    for (const phone of phones) {
      const local = `0${phone.slice(3)}`;
      expect(texts.filter((x) => x.includes(phone) || x.includes(local) || x.includes(phone.slice(1)))).toEqual([]);
    }
  });

  it('When a branch cadre or a cluster staff member exports the district wave, then only their branch is in either sheet; another branch\'s trend is 404', async () => {
    for (const role of ['cadre', 'staff'] as const) {
      const book = await workbook(role, `/exports/waves/${w.waves.district}.xlsx`);
      const b1Name = (await t.db.selectFrom('units').select('name').where('id', '=', w.branches.b1).executeTakeFirstOrThrow()).name;
      const branches = tableOf(rowsOf(book.worksheets[0]!));
      expect(branches.body.map((r) => r[1])).toEqual([b1Name]);
      expect(rowsOf(book.worksheets[0]!)[6]![0]).toBe(`Phạm vi: ${b1Name}`);
      const participants = tableOf(rowsOf(book.worksheets[1]!));
      expect(participants.body).toHaveLength(6);
      expect(new Set(participants.body.map((r) => r[3]))).toEqual(new Set([b1Name]));
      expect(participants.body.map((r) => r[1])).not.toContain('Đoàn viên Quận Khác');
      for (const path of [`/exports/waves/${w.waves.b2}.xlsx`, `/exports/waves/${w.waves.b2}.csv`, `/exports/waves/${w.waves.b2}/participants.csv`]) {
        const answer = await download(role, path);
        expect(answer.status).toBe(404);
        expect(JSON.parse(answer.bytes.toString('utf8'))).toEqual({ error: { code: 'NOT_FOUND', message: 'Không tìm thấy đợt này.' } });
      }
    }
    expect((await download('admin', `/exports/waves/${w.waves.b2}.csv`)).status).toBe(200);
    expect((await download('admin', '/exports/waves/00000000-0000-4000-8000-000000000000.xlsx')).status).toBe(404);
  });

  it('When the wave is exported as CSV, then the file starts with the UTF-8 BOM, quotes commas, quotes and line breaks, defuses formulas, and reads back as the same table', async () => {
    const branches = await download('admin', `/exports/waves/${w.waves.district}.csv`);
    expect(branches.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(branches.headers.get('content-disposition')).toMatch(/^attachment; filename="?bao-cao-dot-dot-cua-quan-2026-11-20\.csv"?$/);
    expect(branches.headers.get('cache-control')).toBe('no-store');
    expect([...branches.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const branchRows = parse(branches.bytes.toString('utf8').slice(1), { relax_column_count: true }) as string[][];
    expect(branchRows[0]).toEqual(['ĐOÀN TNCS HỒ CHÍ MINH']);
    const header = branchRows.findIndex((r) => r[0] === 'STT');
    expect(branchRows[header + 3]!.slice(1, 9)).toEqual(['Tổng cộng', '', '3', '7', '1', '3', '33.3', '42.9']);

    const participants = await download('admin', `/exports/waves/${w.waves.district}/participants.csv`);
    expect([...participants.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = participants.bytes.toString('utf8');
    expect(text).toContain('"Nguyễn Văn ""Tèo"", Bình\nHưng Hòa"');
    expect(text).toContain('"https://www.facebook.com/teo/posts/2?a=1,b=""2"""');
    expect(text).toContain(`"'=HYPERLINK(""http://x.example/?leak"",""Bấm vào"")"`);
    expect(text.split('\r\n').length).toBeGreaterThan(10);
    const rows = parse(text.slice(1), { relax_column_count: true }) as string[][];
    const at = rows.findIndex((r) => r[0] === 'STT');
    const tricky = rows.slice(at + 1).find((r) => r[1] === TRICKY_NAME)!;
    expect(tricky.slice(4, 9)).toEqual(['Liên kết', 'https://www.facebook.com/teo/posts/2?a=1,b="2"', 'Facebook', '2026-11-04 23:30', 'Chờ duyệt']);
    expect(rows.slice(at + 1).filter((r) => /^\d+$/.test(r[0]!))).toHaveLength(7);
  });

  describe('good news per month', () => {
    beforeAll(async () => {
      const report = (branchId: string, day: string, n: number) =>
        t.db.insertInto('branch_reports').values({ branch_id: branchId, report_date: day, post_url: `https://www.facebook.com/p/posts/${day}-${n}` }).execute();
      await report(w.branches.b1, '2026-11-01', 1);
      await report(w.branches.b1, '2026-11-02', 1);
      await report(w.branches.b1, '2026-11-20', 1);
      await report(w.branches.b1, '2026-10-31', 1);
      await report(w.branches.b2, '2026-10-05', 1);
      await report(w.branches.b2, '2026-12-01', 1);
    });

    it('When the admin exports the running month, then each branch has its days with a good news over the days so far, and the days it missed', async () => {
      const book = await workbook('admin', '/exports/good-news.xlsx?month=2026-11');
      const rows = rowsOf(book.worksheets[0]!);
      expect(rows[3]![0]).toBe('BÁO CÁO THỰC HIỆN ĐĂNG TIN TỐT THÁNG 11/2026');
      const { header, body, footer } = tableOf(rows);
      expect(header).toEqual(['STT', 'Đơn vị', 'Cụm', 'Số ngày trong tháng', 'Số ngày tính đến nay', 'Số ngày có tin tốt', 'Tỷ lệ ngày có tin (%)', 'Các ngày chưa có tin', 'Kết quả']);
      const missingB1 = Array.from({ length: 20 }, (_, i) => i + 1).filter((d) => ![1, 2, 20].includes(d)).join(', ');
      const missingB2 = Array.from({ length: 20 }, (_, i) => i + 1).join(', ');
      expect(body.map((r) => r.slice(3))).toEqual(expect.arrayContaining([[30, 20, 3, 15, missingB1, 'Chưa đạt'], [30, 20, 0, 0, missingB2, 'Chưa đạt']]));
      expect(body).toHaveLength(2);
      expect(footer.slice(4, 8)).toEqual([40, 3, 7.5, '0/2 đơn vị đủ tin mỗi ngày']);
    });

    it('When a cadre exports a past month as CSV, then only their branch, over the whole month; a month not begun is refused', async () => {
      const csv = await download('cadre', '/exports/good-news.csv?month=2026-10');
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-disposition')).toMatch(/filename="?bao-cao-tin-tot-2026-10\.csv"?$/);
      expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parse(csv.bytes.toString('utf8').slice(1), { relax_column_count: true }) as string[][];
      const at = rows.findIndex((r) => r[0] === 'STT');
      const body = rows.slice(at + 1, -1);
      expect(body).toHaveLength(1);
      expect(body[0]!.slice(3, 7)).toEqual(['31', '31', '1', '3.2']);
      expect(body[0]![7]!.split(', ')).toHaveLength(30);
      const future = await download('admin', '/exports/good-news.xlsx?month=2026-12');
      expect(future.status).toBe(400);
      expect(JSON.parse(future.bytes.toString('utf8')).error.message).toBe('Tháng 12/2026 chưa bắt đầu.');
      const malformed = await download('admin', '/exports/good-news.csv?month=2026-13');
      expect(JSON.parse(malformed.bytes.toString('utf8')).error.fields).toEqual([{ path: 'month', in: 'query', reason: 'phải có dạng YYYY-MM, ví dụ 2026-11' }]);
    });
  });
});
