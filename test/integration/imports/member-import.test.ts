import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../../src/db/database';
import type { BranchKind, UnitLevel } from '../../../src/db/types';
import { importMembersFile } from '../../../src/domain/members/member-import.service';
import { isAppError } from '../../../src/errors/app-error';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const FIXTURES = path.resolve(__dirname, '../../fixtures/roster');
const fixture = (name: string) => ({ name, content: readFileSync(path.join(FIXTURES, name)) });
const csv = (name: string, text: string) => ({ name, content: Buffer.from(text) });
const NOW = new Date('2024-03-26T01:00:00.000Z');

/** This file's own small tree, in the shape of the example one (not the seed). */
async function createUnits(db: Db): Promise<void> {
  const ids = new Map<string, string>();
  const add = async (code: string, name: string, level: UnitLevel, parent: string | null, kind: BranchKind | null = null) => {
    const row = await db
      .insertInto('units')
      .values({ code, name, level, kind, parent_id: parent === null ? null : (ids.get(parent) ?? null) })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(code, row.id);
  };
  await add('binh-tan', 'Quận Đoàn Bình Tân', 'district', null);
  await add('kv1', 'Khu vực 1', 'cluster', 'binh-tan');
  await add('an-lac', 'Đoàn phường An Lạc', 'branch', 'kv1', 'ward');
  await add('an-lac-a', 'Đoàn phường An Lạc A', 'branch', 'kv1', 'ward');
  await add('bhh', 'Đoàn phường Bình Hưng Hòa', 'branch', 'kv1', 'ward');
  await add('bhh-a', 'Đoàn phường Bình Hưng Hòa A', 'branch', 'kv1', 'ward');
  await add('cd-bhh', 'Chi đoàn Bình Hưng Hòa', 'branch', 'binh-tan', 'agency');
  await add('thpt-binh-tan', 'Đoàn trường THPT Bình Tân', 'branch', 'binh-tan', 'school');
}

interface Row {
  full_name: string | null;
  role: string;
  branch: string | null;
  is_collaborator: boolean;
  is_theory_club: boolean;
  status: string;
  source: string;
  verified_by: string | null;
  verified_at: Date | null;
}

async function membersByPhone(db: Db): Promise<Record<string, Row>> {
  const rows = await db
    .selectFrom('members as m')
    .leftJoin('units as u', 'u.id', 'm.branch_id')
    .select(['m.phone', 'm.full_name', 'm.role', 'u.code as branch', 'm.is_collaborator', 'm.is_theory_club', 'm.status', 'm.source', 'm.verified_by', 'm.verified_at'])
    .execute();
  return Object.fromEntries(rows.map(({ phone, ...rest }) => [phone ?? '(none)', rest]));
}

/** Phones of the members flagged as branch secretary, sorted. */
async function secretaries(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('members').select('phone').where('is_branch_secretary', '=', true).orderBy('phone').execute();
  return rows.map((r) => r.phone ?? '');
}

const roster = (fields: Partial<Row>) => ({ status: 'verified', source: 'roster', verified_by: 'roster', verified_at: NOW, ...fields });

describe('importing members', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await createUnits(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });
  beforeEach(async () => {
    await sql`truncate table members cascade`.execute(t.db);
  });

  it('When a good CSV is imported, then every member is on the roster, verified, with phones normalised', async () => {
    const report = await importMembersFile(t.db, fixture('members-good.csv'), { skipInvalid: false, now: NOW });
    expect(report).toMatchObject({ subject: 'members', imported: true, rows: 5, created: 5, updated: 0, unchanged: 0, invalid: [], skipped: [] });
    expect(await membersByPhone(t.db)).toEqual({
      '+84912345678': roster({ full_name: 'Nguyễn Văn An', role: 'cadre', branch: 'an-lac', is_collaborator: true, is_theory_club: false }),
      '+84987654321': roster({ full_name: 'Trần Thị Bích Ngọc', role: 'member', branch: 'an-lac-a', is_collaborator: false, is_theory_club: true }),
      '+84912345679': roster({ full_name: 'Lê Hoàng Minh', role: 'youth', branch: 'bhh-a', is_collaborator: false, is_theory_club: false }),
      '+84362345678': roster({ full_name: 'Phạm Thu Hà', role: 'cadre', branch: 'thpt-binh-tan', is_collaborator: true, is_theory_club: true }),
      '+84938123456': roster({ full_name: 'Võ Quốc Bảo', role: 'member', branch: 'an-lac', is_collaborator: false, is_theory_club: false }),
    });
    // "BÍ THƯ CHI ĐOÀN" in "Chức vụ" makes the secretary (and a cadre, whatever "Vai trò" says); "Phó Bí thư" does not.
    expect(await secretaries(t.db)).toEqual(['+84362345678']);
  });

  it('When "Chức vụ" names the branch secretary in any case or spelling, then only those rows are secretaries; a later file says who still is', async () => {
    const header = 'Họ và tên,SĐT,Đơn vị,Vai trò,Chức vụ\n';
    const first = await importMembersFile(
      t.db,
      csv(
        'bch.csv',
        header +
          'Một,0912000001,An Lạc,Cán bộ Đoàn,Bí thư\n' +
          'Hai,0912000002,An Lạc A,Cán bộ Đoàn,bi thu doan phuong\n' +
          'Ba,0912000003,Đoàn phường Bình Hưng Hòa,Cán bộ Đoàn,"Ủy viên BCH, Bí thư chi đoàn"\n' +
          'Bốn,0912000004,Bình Hưng Hòa A,Cán bộ Đoàn,Phó Bí thư\n' +
          'Năm,0912000005,An Lạc,Đoàn viên,\n' +
          'Sáu,0912000006,An Lạc A,Đoàn viên,Bí thư kiêm Chủ tịch Hội\n',
      ),
      { skipInvalid: false, now: NOW },
    );
    expect(first).toMatchObject({ imported: true, created: 6, invalid: [] });
    expect(await secretaries(t.db)).toEqual(['+84912000001', '+84912000002', '+84912000003', '+84912000006']);
    expect((await membersByPhone(t.db))['+84912000006']?.role).toBe('cadre');

    // A file without "Chức vụ" leaves the flags as they are.
    const plain = await importMembersFile(t.db, csv('ds.csv', 'Họ và tên,SĐT,Đơn vị,Vai trò\nMột,0912000001,An Lạc,Cán bộ Đoàn\n'), { skipInvalid: false, now: NOW });
    expect(plain).toMatchObject({ imported: true, unchanged: 1 });
    expect(await secretaries(t.db)).toContain('+84912000001');

    // The next committee: "Hai" is no longer secretary, "Bốn" is.
    const next = await importMembersFile(
      t.db,
      csv('bch-moi.csv', header + 'Hai,0912000002,An Lạc A,Cán bộ Đoàn,Ủy viên BCH\nBốn,0912000004,Bình Hưng Hòa A,Cán bộ Đoàn,Bí Thư\n'),
      { skipInvalid: false, now: NOW },
    );
    expect(next).toMatchObject({ imported: true, updated: 2 });
    expect(await secretaries(t.db)).toEqual(['+84912000001', '+84912000003', '+84912000004', '+84912000006']);
  });

  it('When a good XLSX with Vietnamese headers, a title row, split names and numeric phones is imported, then it is read right', async () => {
    const report = await importMembersFile(t.db, fixture('members-good.xlsx'), { skipInvalid: false, now: NOW });
    expect(report).toMatchObject({ imported: true, rows: 4, created: 4, invalid: [] });
    expect(await membersByPhone(t.db)).toEqual({
      '+84912000111': roster({ full_name: 'Nguyễn Thị Thu', role: 'member', branch: 'an-lac', is_collaborator: true, is_theory_club: false }),
      '+84987000222': roster({ full_name: 'Trần Quốc Huy', role: 'cadre', branch: 'thpt-binh-tan', is_collaborator: false, is_theory_club: false }),
      '+84382000333': roster({ full_name: 'Lê Văn Tám', role: 'youth', branch: 'bhh-a', is_collaborator: true, is_theory_club: false }),
      '+84933000444': roster({ full_name: 'Phan Ngọc Ánh', role: 'member', branch: 'an-lac-a', is_collaborator: false, is_theory_club: false }),
    });
  });

  it('When a CSV has a BOM, ";" and English headers, then it is read like any other', async () => {
    const report = await importMembersFile(t.db, fixture('members-semicolon-bom.csv'), { skipInvalid: false, now: NOW });
    expect(report).toMatchObject({ imported: true, rows: 3, created: 3, invalid: [] });
    expect(await membersByPhone(t.db)).toEqual({
      '+84701234567': roster({ full_name: 'Đặng Minh Khoa', role: 'cadre', branch: 'an-lac', is_collaborator: true, is_theory_club: false }),
      '+84791234567': roster({ full_name: 'Huỳnh Ngọc Trâm; lớp 12A1', role: 'youth', branch: 'thpt-binh-tan', is_collaborator: false, is_theory_club: false }),
      '+84701234568': roster({ full_name: 'Bùi Thanh Tùng', role: 'member', branch: 'bhh-a', is_collaborator: false, is_theory_club: true }),
    });
  });

  it('When a cell carries a NUL byte (a badly exported file), then the row is imported without it instead of the database refusing the import', async () => {
    const report = await importMembersFile(t.db, csv('nul.csv', 'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò\n"Ngô\u0000 Thị Lan",0912000999,an-lac,Đoàn viên\n'), { skipInvalid: false, now: NOW });
    expect(report).toMatchObject({ imported: true, created: 1, invalid: [] });
    expect(await membersByPhone(t.db)).toEqual({ '+84912000999': roster({ full_name: 'Ngô Thị Lan', role: 'member', branch: 'an-lac', is_collaborator: false, is_theory_club: false }) });
  });

  it('When a role cell holds a word every object inherits ("constructor", "__proto__"), then the row is refused as an unknown role, not sent to the database', async () => {
    const report = await importMembersFile(t.db, csv('proto.csv', 'Họ và tên,Số điện thoại,Cơ sở Đoàn,Vai trò\nNgô Lan,0912000998,an-lac,constructor\nLê Huy,0912000997,an-lac,__proto__\n'), { skipInvalid: true, now: NOW });
    expect(report.invalid).toEqual([
      { rowNumber: 2, reason: 'vai trò “constructor” không rõ (dùng: cán bộ Đoàn, đoàn viên, thanh niên)' },
      { rowNumber: 3, reason: 'vai trò “__proto__” không rõ (dùng: cán bộ Đoàn, đoàn viên, thanh niên)' },
    ]);
    expect(await membersByPhone(t.db)).toEqual({});
  });

  const BAD_ROWS = [
    { rowNumber: 3, reason: 'số điện thoại 01234 không phải số di động Việt Nam (cần 10 chữ số, ví dụ 0912345678)' },
    { rowNumber: 4, reason: 'số điện thoại 028 3875 1234 là số cố định, cần số di động' },
    { rowNumber: 5, reason: 'không tìm thấy cơ sở Đoàn “Đoàn phường Tân Tạo” (hãy nhập danh sách đơn vị trước, hoặc sửa tên cho đúng)' },
    { rowNumber: 6, reason: 'số điện thoại +84 912 345 678 trùng với dòng 2' },
    { rowNumber: 7, reason: 'vai trò “Chủ tịch Hội” không rõ (dùng: cán bộ Đoàn, đoàn viên, thanh niên)' },
    { rowNumber: 8, reason: 'thiếu họ và tên' },
    {
      rowNumber: 9,
      reason: 'cơ sở Đoàn “Bình Hưng Hòa” có thể là “Chi đoàn Bình Hưng Hòa” (mã cd-bhh) hoặc “Đoàn phường Bình Hưng Hòa” (mã bhh); hãy ghi đủ tên hoặc mã',
    },
    { rowNumber: 10, reason: '“Khu vực 1” là khu vực “Khu vực 1”, không phải cơ sở Đoàn' },
    { rowNumber: 12, reason: 'ô “Cộng tác viên” ghi “có lẽ” không rõ (dùng: “có” hoặc “x” cho có; “không” hoặc để trống cho không)' },
  ];

  it('When rows are bad, then each is reported with its row number and reason and nothing is imported', async () => {
    const report = await importMembersFile(t.db, fixture('members-bad.csv'), { skipInvalid: false, now: NOW });
    expect(report).toMatchObject({ imported: false, rows: 11, created: 0, updated: 0, unchanged: 0 });
    expect(report.invalid).toEqual(BAD_ROWS);
    expect(await membersByPhone(t.db)).toEqual({});
  });

  it('When bad rows are skipped with --skip-invalid, then the good rows are imported and the bad ones still listed', async () => {
    const report = await importMembersFile(t.db, fixture('members-bad.csv'), { skipInvalid: true, now: NOW });
    expect(report).toMatchObject({ imported: true, created: 2, updated: 0, unchanged: 0 });
    expect(report.invalid).toEqual(BAD_ROWS);
    expect(Object.keys(await membersByPhone(t.db)).sort()).toEqual(['+84909000666', '+84912345678']);
  });

  it('When a row has several problems, then they are reported together on its line', async () => {
    const report = await importMembersFile(t.db, csv('ds.csv', 'Họ tên,SĐT,Đơn vị,Vai trò\n,123,,\n'), { skipInvalid: false });
    expect(report.invalid).toEqual([
      { rowNumber: 2, reason: 'thiếu họ và tên; số điện thoại 123 không phải số di động Việt Nam (cần 10 chữ số, ví dụ 0912345678); thiếu vai trò (cán bộ Đoàn, đoàn viên hoặc thanh niên); thiếu cơ sở Đoàn' },
    ]);
  });

  it('When the roster is imported again, then members are updated by phone, chat registrations verified, and left members not revived', async () => {
    await importMembersFile(t.db, fixture('members-good.csv'), { skipInvalid: false, now: NOW });
    const again = await importMembersFile(t.db, fixture('members-good.csv'), { skipInvalid: false, now: new Date() });
    expect(again).toMatchObject({ imported: true, created: 0, updated: 0, unchanged: 5 });

    const branch = await t.db.selectFrom('units').select('id').where('code', '=', 'an-lac').executeTakeFirstOrThrow();
    await t.db
      .insertInto('members')
      .values([
        { full_name: 'Mai (tự đăng ký)', phone: '+84911222333', role: 'member', branch_id: null, unmatched_branch_note: 'An Lạc', source: 'chat' },
        { full_name: 'Trịnh Công Sơn', phone: '+84933444555', role: 'member', branch_id: branch.id, status: 'left', source: 'chat' },
      ])
      .execute();
    const later = new Date('2024-04-01T02:00:00.000Z');
    const report = await importMembersFile(t.db, fixture('members-update.csv'), { skipInvalid: false, now: later });
    expect(report).toMatchObject({ imported: true, rows: 5, created: 1, updated: 2, unchanged: 1, invalid: [] });
    expect(report.skipped).toEqual([
      {
        rowNumber: 5,
        reason: 'Trịnh Công Sơn (0933444555) đã được đánh dấu rời Đoàn/ngừng tham gia nên không được tự khôi phục; nếu đúng là đã quay lại, hãy khôi phục trong trang quản trị',
      },
    ]);

    const members = await membersByPhone(t.db);
    expect(Object.keys(members)).toHaveLength(8);
    // Moved and no longer a cadre; the flags the file does not mention are kept; still verified since March.
    expect(members['+84912345678']).toEqual(roster({ full_name: 'Nguyễn Văn An', role: 'member', branch: 'an-lac-a', is_collaborator: true, is_theory_club: false }));
    expect(members['+84911222333']).toEqual({ ...roster({ full_name: 'Lý Thị Mai', role: 'youth', branch: 'an-lac', is_collaborator: false, is_theory_club: false }), source: 'chat', verified_at: later });
    expect(members['+84933444555']).toMatchObject({ full_name: 'Trịnh Công Sơn', status: 'left' });
    expect(members['+84944555666']).toEqual(roster({ full_name: 'Ngô Bảo Châu', role: 'member', branch: 'thpt-binh-tan', is_collaborator: false, is_theory_club: false, verified_at: later }));
    const note = await t.db.selectFrom('members').select('unmatched_branch_note').where('phone', '=', '+84911222333').executeTakeFirstOrThrow();
    expect(note.unmatched_branch_note).toBeNull();
  });

  it('When the name column is missing, then one error names it and the split-name alternative', async () => {
    const error = await importMembersFile(t.db, csv('ds.csv', 'SĐT,Đơn vị,Vai trò\n0912345678,An Lạc,đoàn viên\n'), { skipInvalid: false }).catch((e: unknown) => e);
    expect(isAppError(error, 'IMPORT_INVALID')).toBe(true);
    expect((error as Error).message).toBe(
      'Tệp ds.csv thiếu cột “Họ và tên” (tên cột được chấp nhận: Họ và tên, Họ tên, Họ và tên đoàn viên, Tên đầy đủ, full_name, full name, name), ' +
        'hoặc hai cột “Họ và tên đệm” và “Tên”. Dòng tiêu đề (dòng 1) có: SĐT, Đơn vị, Vai trò.',
    );
  });

  it('When the role column is missing, then the error names it even though every other column is there', async () => {
    const error = await importMembersFile(t.db, csv('ds.csv', 'Họ và tên,SĐT,Đơn vị\nAn,0912345678,An Lạc\n'), { skipInvalid: false }).catch((e: unknown) => e);
    expect(isAppError(error, 'IMPORT_INVALID') && error.message).toContain(
      'thiếu cột “Vai trò” (tên cột được chấp nhận: Vai trò, Đối tượng, role), hoặc cột “Chức vụ” (tên cột được chấp nhận: Chức vụ, Chức danh, position)',
    );
  });
});
