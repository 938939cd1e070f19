import fc from 'fast-check';
import type { Db } from '../../../src/db/database';
import type { BranchKind, UnitLevel } from '../../../src/db/types';
import { importMembersFile } from '../../../src/domain/members/member-import.service';
import { isAppError } from '../../../src/errors/app-error';
import { fuzzRuns, fuzzSeed, hostileString } from '../../helpers/json-fuzz';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

/**
 * The member roster importer under random rosters: good rows mixed with rows broken in one of the
 * ways staff files are (bad or landline phone, no name, a name too long, an unknown, ambiguous or
 * non-branch unit, an unknown role, an unclear flag, a phone twice), blank lines between them, and
 * cells full of quotes, separators, line breaks and stray unicode. Every bad row is reported with
 * its spreadsheet row number, and the database holds either the whole import or none of it.
 */

const RUNS = fuzzRuns(120);

async function createUnits(db: Db): Promise<void> {
  const ids = new Map<string, string>();
  const add = async (code: string, name: string, level: UnitLevel, parent: string | null, kind: BranchKind | null = null) => {
    const row = await db.insertInto('units').values({ code, name, level, kind, parent_id: parent === null ? null : (ids.get(parent) ?? null) }).returning('id').executeTakeFirstOrThrow();
    ids.set(code, row.id);
  };
  await add('binh-tan', 'Quận Đoàn Bình Tân', 'district', null);
  await add('kv1', 'Khu vực 1', 'cluster', 'binh-tan');
  await add('an-lac', 'Đoàn phường An Lạc', 'branch', 'kv1', 'ward');
  await add('bhh', 'Đoàn phường Bình Hưng Hòa', 'branch', 'kv1', 'ward');
  await add('bhh-a', 'Đoàn phường Bình Hưng Hòa A', 'branch', 'kv1', 'ward');
  await add('cd-bhh', 'Chi đoàn Bình Hưng Hòa', 'branch', 'binh-tan', 'agency');
  await add('thpt-binh-tan', 'Đoàn trường THPT Bình Tân', 'branch', 'binh-tan', 'school');
}

const HEADER = ['Họ và tên', 'Số điện thoại', 'Cơ sở Đoàn', 'Vai trò', 'Cộng tác viên'];
type Cells = [name: string, phone: string, branch: string, role: string, collaborator: string];

type Defect = 'badPhone' | 'noName' | 'longName' | 'unknownBranch' | 'ambiguousBranch' | 'notBranch' | 'badRole' | 'badFlag' | 'duplicatePhone';
const DEFECTS: readonly Defect[] = ['badPhone', 'noName', 'longName', 'unknownBranch', 'ambiguousBranch', 'notBranch', 'badRole', 'badFlag', 'duplicatePhone'];

interface RowPlan {
  readonly defect: Defect | null;
  readonly name: string;
  readonly phoneStyle: number;
  readonly branch: string;
  readonly role: string;
  readonly flag: string;
  readonly blankLinesBefore: number;
}

const LETTERS = [...'aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ'];
/** Names as rosters write them, with the characters that trouble a CSV: quotes, separators, line breaks. */
const personName = fc
  .tuple(
    fc.array(fc.string({ unit: fc.constantFrom(...LETTERS), minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }),
    fc.constantFrom('', ', lớp 12A1', '; "Bé"', '\nghi chú', ' (CTV)', ' 😀', '=HYPERLINK("x")', '\t'),
  )
  .map(([words, extra]) => `${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ')}${extra}`)
  .filter((name) => name.replace(/\s+/g, ' ').trim().length <= 120);

const rowPlan: fc.Arbitrary<RowPlan> = fc.record({
  defect: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...DEFECTS) }),
  name: personName,
  phoneStyle: fc.nat({ max: 3 }),
  branch: fc.constantFrom('Đoàn phường An Lạc', 'an-lac', 'thpt-binh-tan', 'Phường Bình Hưng Hòa A', 'Đoàn trường THPT Bình Tân'),
  role: fc.constantFrom('Đoàn viên', 'Cán bộ Đoàn', 'Thanh niên', 'Bí thư', 'dv', 'TN'),
  flag: fc.constantFrom('', 'x', 'có', 'không'),
  blankLinesBefore: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
});

/** A distinct mobile per row, written one of the ways rosters write them. */
function phoneOf(index: number, offset: number, style: number): { cell: string; e164: string } {
  const digits = String(10_000_000 + ((index * 7_919 + offset) % 89_999_999)).padStart(8, '0');
  const e164 = `+849${digits}`;
  const cell = [`09${digits}`, `+84 9${digits.slice(0, 2)} ${digits.slice(2, 5)} ${digits.slice(5)}`, `09${digits.slice(0, 1)}.${digits.slice(1, 4)}.${digits.slice(4)}`, `9${digits}`][style]!;
  return { cell, e164 };
}

interface Roster {
  readonly csv: Buffer;
  /** Row numbers (as a spreadsheet shows them) of the rows made bad. */
  readonly badRows: ReadonlySet<number>;
  /** E.164 phones of the good rows. */
  readonly goodPhones: ReadonlySet<string>;
}

const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;

function buildRoster(plans: readonly RowPlan[], offset: number): Roster {
  const lines = [HEADER.join(',')];
  let rowNumber = 1;
  const badRows = new Set<number>();
  const goodPhones = new Set<string>();
  const phones: string[] = [];
  plans.forEach((plan, index) => {
    for (let i = 0; i < plan.blankLinesBefore; i += 1) {
      lines.push('');
      rowNumber += 1;
    }
    rowNumber += 1;
    const phone = phoneOf(index, offset, plan.phoneStyle);
    const cells: Cells = [plan.name, phone.cell, plan.branch, plan.role, plan.flag];
    let defect = plan.defect;
    if (defect === 'duplicatePhone' && phones.length === 0) defect = 'badPhone';
    switch (defect) {
      case 'badPhone': cells[1] = ['01234', '028 3875 1234', 'không có', '', '+1 415 555 0100'][index % 5]!; break;
      case 'noName': cells[0] = index % 2 === 0 ? '' : '   '; break;
      case 'longName': cells[0] = 'Nguyễn '.repeat(20 + (index % 30)); break;
      case 'unknownBranch': cells[2] = index % 2 === 0 ? 'Đoàn phường Tân Tạo' : ''; break;
      case 'ambiguousBranch': cells[2] = 'Bình Hưng Hòa'; break;
      case 'notBranch': cells[2] = index % 2 === 0 ? 'Khu vực 1' : 'Quận Đoàn Bình Tân'; break;
      case 'badRole': cells[3] = index % 2 === 0 ? 'Chủ tịch Hội' : ''; break;
      case 'badFlag': cells[4] = 'có lẽ'; break;
      case 'duplicatePhone': cells[1] = phones[index % phones.length]!; break;
      case null: break;
    }
    if (defect === null) goodPhones.add(phone.e164);
    else badRows.add(rowNumber);
    if (defect !== 'badPhone') phones.push(cells[1]);
    lines.push(cells.map(quote).join(','));
  });
  return { csv: Buffer.from(lines.join('\r\n'), 'utf8'), badRows, goodPhones };
}

describe('roster import fuzzing', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await createUnits(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });

  const members = async () => (await t.db.selectFrom('members').select('phone').execute()).map((m) => m.phone);
  const reset = () => t.db.deleteFrom('members').execute();

  it('When a random roster has bad rows, then each is reported with its row number and nothing at all is imported', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowPlan, { minLength: 1, maxLength: 40 }), fc.nat(), async (plans, offset) => {
        await reset();
        const roster = buildRoster(plans, offset);
        const report = await importMembersFile(t.db, { name: 'ds.csv', content: roster.csv }, { skipInvalid: false });
        expect(new Set(report.invalid.map((p) => p.rowNumber))).toEqual(roster.badRows);
        for (const problem of report.invalid) expect(problem.reason.length).toBeGreaterThan(0);
        if (roster.badRows.size > 0) {
          expect(report).toMatchObject({ imported: false, created: 0, updated: 0 });
          expect(await members()).toEqual([]);
        } else {
          expect(report).toMatchObject({ imported: true, created: plans.length });
          expect(new Set(await members())).toEqual(roster.goodPhones);
        }
      }),
      { numRuns: RUNS, seed: fuzzSeed() },
    );
  });

  it('When bad rows are skipped, then exactly the good rows are imported and every bad one is still reported', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowPlan, { minLength: 1, maxLength: 40 }), fc.nat(), async (plans, offset) => {
        await reset();
        const roster = buildRoster(plans, offset);
        const report = await importMembersFile(t.db, { name: 'ds.csv', content: roster.csv }, { skipInvalid: true });
        expect(new Set(report.invalid.map((p) => p.rowNumber))).toEqual(roster.badRows);
        expect(report).toMatchObject({ imported: true, created: roster.goodPhones.size });
        expect(new Set(await members())).toEqual(roster.goodPhones);
      }),
      { numRuns: RUNS, seed: fuzzSeed() },
    );
  });

  it('When cells hold anything at all, then the import reports or refuses the file in Vietnamese, never fails otherwise, and never half-imports', async () => {
    // Each cell either right for its column or anything at all, so hostile values also reach rows that are otherwise good.
    // A control character slipped into an otherwise right value is the case a database refuses.
    const tainted = (good: fc.Arbitrary<string>) =>
      fc.tuple(good, fc.constantFrom('\u0000', '\u0001', '\u001b[31m', '\u2028'), fc.nat()).map(([value, bad, at]) => value.slice(0, at % (value.length + 1)) + bad + value.slice(at % (value.length + 1)));
    const cell = (good: fc.Arbitrary<string>) => fc.oneof({ weight: 2, arbitrary: good }, { weight: 1, arbitrary: tainted(good) }, { weight: 1, arbitrary: hostileString.filter((s) => s.length < 500) });
    const phone = fc.stringMatching(/^09[0-9]{8}$/);
    const row = fc.tuple(cell(personName), cell(phone), cell(fc.constant('Đoàn phường An Lạc')), cell(fc.constant('Đoàn viên')), cell(fc.constant('x')));
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 15 }), fc.boolean(), async (rows, skipInvalid) => {
        await reset();
        const csv = Buffer.from([HEADER.join(','), ...rows.map((r) => r.map(quote).join(','))].join('\n'), 'utf8');
        try {
          const report = await importMembersFile(t.db, { name: 'ds.csv', content: csv }, { skipInvalid });
          expect((await members()).length).toBe(report.imported ? report.created : 0);
        } catch (error) {
          expect(isAppError(error) ? error.code : error).toMatch(/^(VALIDATION_FAILED|IMPORT_INVALID)$/);
          expect(await members()).toEqual([]);
        }
      }),
      { numRuns: RUNS, seed: fuzzSeed() },
    );
  });
});
