import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { importUnitsFile } from '../../../src/domain/units/unit-import.service';
import { isAppError } from '../../../src/errors/app-error';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const FIXTURES = path.resolve(__dirname, '../../fixtures/roster');
const fixture = (name: string) => ({ name, content: readFileSync(path.join(FIXTURES, name)) });
const csv = (name: string, text: string) => ({ name, content: Buffer.from(text) });

describe('importing units', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });
  beforeEach(async () => {
    await sql`truncate table units cascade`.execute(t.db);
  });

  /** code → "level kind parent-code name", the tree as one comparable value. */
  async function tree(): Promise<Record<string, string>> {
    const rows = await t.db
      .selectFrom('units as u')
      .leftJoin('units as p', 'p.id', 'u.parent_id')
      .select(['u.code', 'u.level', 'u.kind', 'u.name', 'p.code as parent'])
      .execute();
    return Object.fromEntries(rows.map((r) => [r.code, `${r.level} ${r.kind ?? '-'} ${r.parent ?? '-'} ${r.name}`]));
  }

  it('When a good CSV names parents by code or name, in rows before or after, then the whole tree is created', async () => {
    const report = await importUnitsFile(t.db, fixture('units-good.csv'), { skipInvalid: false });
    expect(report).toMatchObject({ imported: true, rows: 8, created: 8, updated: 0, unchanged: 0, invalid: [], skipped: [] });
    expect(await tree()).toEqual({
      'binh-tan': 'district - - Quận Đoàn Bình Tân',
      kv1: 'cluster - binh-tan Khu vực 1',
      kv2: 'cluster - binh-tan Khu vực 2',
      'an-lac': 'branch ward kv1 Đoàn phường An Lạc',
      'an-lac-a': 'branch ward kv1 Đoàn phường An Lạc A',
      'bhh-a': 'branch ward kv2 Đoàn phường Bình Hưng Hòa A',
      'thpt-binh-tan': 'branch school binh-tan Đoàn trường THPT Bình Tân',
      'may-binh-tan': 'branch enterprise kv2 Đoàn cơ sở Công ty CP May Bình Tân, chi nhánh 2',
    });
  });

  it('When a good XLSX has Vietnamese headers in capitals, rich text and formulas, then its units are created', async () => {
    const report = await importUnitsFile(t.db, fixture('units-good.xlsx'), { skipInvalid: false });
    expect(report).toMatchObject({ imported: true, rows: 5, created: 5, invalid: [] });
    expect(await tree()).toMatchObject({
      'an-lac': 'branch ward kv1 Đoàn phường An Lạc',
      'bhh-a': 'branch ward kv1 Đoàn phường Bình Hưng Hòa A',
      'thpt-binh-tan': 'branch school binh-tan Đoàn trường THPT Bình Tân',
    });
  });

  it('When a CSV has a BOM, ";" and English headers and values, then it is read like any other', async () => {
    const report = await importUnitsFile(t.db, fixture('units-semicolon-bom.csv'), { skipInvalid: false });
    expect(report).toMatchObject({ imported: true, created: 4, invalid: [] });
    expect(await tree()).toMatchObject({
      'tan-tao': 'branch ward kv1 Đoàn phường Tân Tạo',
      'ubnd-binh-tan': 'branch agency binh-tan Chi đoàn Cơ quan UBND quận',
    });
  });

  it('When rows are bad, then each is reported with its row number and reason and nothing is imported', async () => {
    const report = await importUnitsFile(t.db, fixture('units-bad.csv'), { skipInvalid: false });
    expect(report.imported).toBe(false);
    expect(report.invalid).toEqual([
      { rowNumber: 3, reason: 'mã đơn vị “Khu Vực 1” chỉ được gồm chữ không dấu, chữ số và dấu gạch ngang (ví dụ an-lac)' },
      { rowNumber: 4, reason: 'không tìm thấy đơn vị cấp trên “quan-9” (trong tệp cũng như trong dữ liệu đã có)' },
      { rowNumber: 5, reason: 'cơ sở Đoàn cần loại hình (phường/xã, trường, doanh nghiệp, cơ quan, khác)' },
      { rowNumber: 6, reason: 'mã đơn vị binh-tan trùng với dòng 2' },
      { rowNumber: 7, reason: 'đơn vị cấp trên “Đoàn phường An Lạc A” (dòng 8) là cơ sở Đoàn, còn đơn vị cơ sở Đoàn phải thuộc cấp quận hoặc khu vực' },
      { rowNumber: 9, reason: 'cấp “Tỉnh” không rõ (dùng: quận, khu vực, cơ sở)' },
      { rowNumber: 10, reason: 'đơn vị cấp trên “Khu vực 1” ở dòng 3 có lỗi' },
    ]);
    expect(await tree()).toEqual({});
  });

  it('When bad rows are skipped with --skip-invalid, then the good rows are imported and the bad ones still listed', async () => {
    const report = await importUnitsFile(t.db, fixture('units-bad.csv'), { skipInvalid: true });
    expect(report).toMatchObject({ imported: true, created: 2, updated: 0, unchanged: 0 });
    expect(report.invalid.map((p) => p.rowNumber)).toEqual([3, 4, 5, 6, 7, 9, 10]);
    expect(Object.keys(await tree()).sort()).toEqual(['an-lac-a', 'binh-tan']);
  });

  it('When the same file is imported again and then a changed one, then units are updated by code, never duplicated', async () => {
    await importUnitsFile(t.db, fixture('units-good.csv'), { skipInvalid: false });
    const again = await importUnitsFile(t.db, fixture('units-good.csv'), { skipInvalid: false });
    expect(again).toMatchObject({ imported: true, created: 0, updated: 0, unchanged: 8 });

    const changed = csv(
      'doi-ten.csv',
      'code,name,level,kind,parent\n' +
        'AN-LAC,Đoàn phường An Lạc (mới),branch,ward,kv2\n' +
        'kv1,Khu vực 1,cluster,,binh-tan\n' +
        'tan-tao,Đoàn phường Tân Tạo,branch,ward,Khu vực 1\n',
    );
    const report = await importUnitsFile(t.db, changed, { skipInvalid: false });
    expect(report).toMatchObject({ imported: true, created: 1, updated: 1, unchanged: 1, invalid: [] });
    const units = await tree();
    expect(Object.keys(units)).toHaveLength(9);
    expect(units['an-lac']).toBe('branch ward kv2 Đoàn phường An Lạc (mới)');
    expect(units['tan-tao']).toBe('branch ward kv1 Đoàn phường Tân Tạo');
  });

  it('When a level or kind cell holds a word every object inherits ("constructor", "toString"), then the row is refused like any unknown word', async () => {
    const report = await importUnitsFile(
      t.db,
      csv('proto.csv', 'code,name,level,kind,parent\nbt,Quận Đoàn Bình Tân,district,,\na,Đoàn phường An Lạc,constructor,,bt\nb,Đoàn phường Tân Tạo,branch,toString,bt\n'),
      { skipInvalid: false },
    );
    expect(report.invalid).toEqual([
      { rowNumber: 3, reason: 'cấp “constructor” không rõ (dùng: quận, khu vực, cơ sở)' },
      { rowNumber: 4, reason: 'loại hình “toString” không rõ (dùng: phường/xã, trường, doanh nghiệp, cơ quan, khác)' },
    ]);
  });

  it('When a name repeats under the same parent, then the later row is refused naming the earlier one', async () => {
    const report = await importUnitsFile(
      t.db,
      csv('trung.csv', 'code,name,level,kind,parent\nbt,Quận Đoàn Bình Tân,district,,\na,Đoàn phường An Lạc,branch,ward,bt\nb,Đoàn phường AN LẠC,branch,ward,bt\n'),
      { skipInvalid: false },
    );
    expect(report.invalid).toEqual([{ rowNumber: 4, reason: 'tên “Đoàn phường AN LẠC” trùng với dòng 3 cùng đơn vị cấp trên' }]);
  });

  it('When a unit with members would change level, then the row is refused', async () => {
    await importUnitsFile(t.db, fixture('units-good.csv'), { skipInvalid: false });
    const branch = await t.db.selectFrom('units').select('id').where('code', '=', 'an-lac').executeTakeFirstOrThrow();
    await t.db.insertInto('members').values({ full_name: 'Nguyễn An', phone: '+84912345678', role: 'member', branch_id: branch.id, source: 'admin' }).execute();
    const report = await importUnitsFile(t.db, csv('cap.csv', 'code,name,level,kind,parent\nan-lac,An Lạc,cluster,,binh-tan\n'), { skipInvalid: false });
    expect(report.invalid).toEqual([
      { rowNumber: 2, reason: 'không đổi được an-lac từ cơ sở Đoàn thành khu vực vì đơn vị đang có đơn vị trực thuộc hoặc thành viên' },
    ]);
  });

  it('When a required column is missing, then one error names it and nothing is read', async () => {
    const error = await importUnitsFile(t.db, csv('thieu.csv', 'Mã đơn vị,Tên đơn vị,Cấp,Đơn vị cấp trên\nbt,Bình Tân,quận,\n'), { skipInvalid: false }).catch((e: unknown) => e);
    expect(isAppError(error, 'IMPORT_INVALID')).toBe(true);
    expect((error as Error).message).toContain('thiếu cột “Loại hình” (tên cột được chấp nhận: Loại hình, Loại, Loại hình đơn vị, kind, type)');
  });
});
