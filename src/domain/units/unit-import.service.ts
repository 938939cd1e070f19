import { withTransaction, type Db } from '../../db/database';
import type { BranchKind, UnitLevel } from '../../db/types';
import { AppError } from '../../errors/app-error';
import { mergeRowProblems, type ImportReport, type RowProblem } from '../imports/import-report';
import { readRosterTable, type ColumnSpec, type RosterRecord } from '../imports/roster-columns';
import { readRosterFile, type RosterSheet } from '../imports/roster-file.reader';
import { lookUp } from '../shared/lookup';
import { matchKey } from '../shared/text';
import { insertUnit, listUnits, unitsWithDependants, updateUnit, type UnitFields, type UnitRecord } from './units.repository';

type UnitColumn = 'code' | 'name' | 'level' | 'kind' | 'parent';

export const UNIT_COLUMNS: readonly ColumnSpec<UnitColumn>[] = [
  { key: 'code', headers: ['Mã đơn vị', 'Mã', 'Mã ĐV', 'code', 'unit code'], required: true },
  { key: 'name', headers: ['Tên đơn vị', 'Tên', 'Tên ĐV', 'name', 'unit name'], required: true },
  { key: 'level', headers: ['Cấp', 'Cấp đơn vị', 'level'], required: true },
  { key: 'kind', headers: ['Loại hình', 'Loại', 'Loại hình đơn vị', 'kind', 'type'], required: true },
  { key: 'parent', headers: ['Đơn vị cấp trên', 'Cấp trên', 'Trực thuộc', 'Mã cấp trên', 'parent', 'parent code'], required: true },
];

const LEVELS: Readonly<Record<string, UnitLevel>> = {
  'quan': 'district', 'quan doan': 'district', 'cap quan': 'district', 'huyen': 'district', 'huyen doan': 'district', 'district': 'district',
  'khu vuc': 'cluster', 'khu vuc phu trach': 'cluster', 'cum': 'cluster', 'cum thi dua': 'cluster', 'cluster': 'cluster',
  'co so': 'branch', 'co so doan': 'branch', 'doan co so': 'branch', 'cap co so': 'branch', 'chi doan': 'branch', 'chi doan truc thuoc': 'branch', 'branch': 'branch',
};
const KINDS: Readonly<Record<string, BranchKind>> = {
  'phuong': 'ward', 'xa': 'ward', 'phuong xa': 'ward', 'thi tran': 'ward', 'ward': 'ward',
  'truong': 'school', 'truong hoc': 'school', 'school': 'school',
  'doanh nghiep': 'enterprise', 'cong ty': 'enterprise', 'enterprise': 'enterprise', 'company': 'enterprise',
  'co quan': 'agency', 'agency': 'agency',
  'khac': 'other', 'other': 'other',
};
const LEVEL_NAMES: Readonly<Record<UnitLevel, string>> = { district: 'cấp quận', cluster: 'khu vực', branch: 'cơ sở Đoàn' };
const CODE_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

interface UnitDraft {
  readonly rowNumber: number;
  readonly code: string;
  readonly name: string;
  readonly level: UnitLevel;
  readonly kind: BranchKind | null;
  readonly parentRef: string;
}

export interface ImportOptions {
  /** Import the valid rows even when others are bad (the bad ones are still reported). */
  readonly skipInvalid: boolean;
}

function parseRow(record: RosterRecord<UnitColumn>, problems: RowProblem[]): UnitDraft | null {
  const { rowNumber, values } = record;
  const reasons: string[] = [];
  const code = values.code.toLowerCase();
  if (code === '') reasons.push('thiếu mã đơn vị');
  else if (!CODE_PATTERN.test(code)) reasons.push(`mã đơn vị “${values.code}” chỉ được gồm chữ không dấu, chữ số và dấu gạch ngang (ví dụ an-lac)`);
  const name = values.name.replace(/\s+/g, ' ');
  if (name === '') reasons.push('thiếu tên đơn vị');
  else if (name.length > 200) reasons.push('tên đơn vị dài quá 200 ký tự');
  const level = lookUp(LEVELS, matchKey(values.level));
  if (level === undefined) reasons.push(values.level === '' ? 'thiếu cấp đơn vị (quận, khu vực hoặc cơ sở)' : `cấp “${values.level}” không rõ (dùng: quận, khu vực, cơ sở)`);
  let kind: BranchKind | null = null;
  if (level === 'branch') {
    kind = lookUp(KINDS, matchKey(values.kind)) ?? null;
    if (kind === null) {
      reasons.push(values.kind === '' ? 'cơ sở Đoàn cần loại hình (phường/xã, trường, doanh nghiệp, cơ quan, khác)' : `loại hình “${values.kind}” không rõ (dùng: phường/xã, trường, doanh nghiệp, cơ quan, khác)`);
    }
  } else if (level !== undefined && values.kind !== '') {
    reasons.push(`đơn vị ${LEVEL_NAMES[level]} không có loại hình (chỉ cơ sở Đoàn mới có); hãy để trống ô loại hình`);
  }
  if (level === 'district' && values.parent !== '') reasons.push('đơn vị cấp quận là gốc của cây, không có đơn vị cấp trên');
  if (level !== undefined && level !== 'district' && values.parent === '') reasons.push('thiếu đơn vị cấp trên');
  for (const reason of reasons) problems.push({ rowNumber, reason });
  if (reasons.length > 0 || level === undefined) return null;
  return { rowNumber, code, name, level, kind, parentRef: values.parent };
}

/** The unit a file row or an existing unit will be once the import is done. */
interface Planned {
  readonly code: string;
  readonly name: string;
  readonly level: UnitLevel;
  readonly rowNumber?: number;
}

const LEVEL_ORDER: readonly UnitLevel[] = ['district', 'cluster', 'branch'];
const ALLOWED_PARENTS: Readonly<Record<UnitLevel, readonly UnitLevel[]>> = { district: [], cluster: ['district'], branch: ['district', 'cluster'] };

function describePlanned(unit: Planned): string {
  return unit.rowNumber === undefined ? `“${unit.name}” (mã ${unit.code})` : `“${unit.name}” (dòng ${unit.rowNumber})`;
}

interface Placed {
  readonly draft: UnitDraft;
  readonly parentCode: string | null;
}

/**
 * Validates the rows against each other and the units already stored, and puts the good ones in
 * the order they can be written (parents first). A parent may be named by code or by name, in the
 * file (earlier or later rows) or already stored. `lockedIds`: stored units that have units or
 * members under them, whose level therefore cannot change.
 */
function plan(records: readonly RosterRecord<UnitColumn>[], existing: readonly UnitRecord[], lockedIds: ReadonlySet<string>, problems: RowProblem[]): Placed[] {
  const existingByCode = new Map(existing.map((u) => [u.code, u]));
  const drafts: UnitDraft[] = [];
  const firstRowOfCode = new Map<string, number>();
  // Rows refused before their parent could be resolved, so that their children say why.
  const broken = new Map<string, number>();
  for (const record of records) {
    const draft = parseRow(record, problems);
    // The first row with a code keeps it, even when that row has other problems.
    const code = record.values.code.toLowerCase();
    const earlier = firstRowOfCode.get(code);
    if (earlier !== undefined) problems.push({ rowNumber: record.rowNumber, reason: `mã đơn vị ${code} trùng với dòng ${earlier}` });
    else if (code !== '') firstRowOfCode.set(code, record.rowNumber);
    if (!draft) {
      for (const ref of [code, matchKey(record.values.name)]) if (ref !== '' && !broken.has(ref)) broken.set(ref, record.rowNumber);
      continue;
    }
    const stored = existingByCode.get(draft.code);
    const locked = stored !== undefined && stored.level !== draft.level && lockedIds.has(stored.id);
    if (locked) {
      problems.push({ rowNumber: draft.rowNumber, reason: `không đổi được ${draft.code} từ ${LEVEL_NAMES[stored.level]} thành ${LEVEL_NAMES[draft.level]} vì đơn vị đang có đơn vị trực thuộc hoặc thành viên` });
    }
    if (locked || earlier !== undefined) broken.set(matchKey(draft.name), draft.rowNumber);
    else drafts.push(draft);
  }

  const existingById = new Map(existing.map((u) => [u.id, u]));
  const planned = new Map<string, Planned>(existing.map((u) => [u.code, { code: u.code, name: u.name, level: u.level }]));
  for (const d of drafts) planned.set(d.code, { code: d.code, name: d.name, level: d.level, rowNumber: d.rowNumber });
  // (parent code, name key) of every unit that will exist: names are unique under one parent.
  const siblings = new Map<string, Planned>();
  const rewritten = new Set(drafts.map((d) => d.code));
  for (const u of existing) {
    if (rewritten.has(u.code)) continue;
    const parentCode = u.parentId === null ? '' : (existingById.get(u.parentId)?.code ?? '');
    siblings.set(`${parentCode}/${matchKey(u.name)}`, planned.get(u.code) as Planned);
  }

  const resolveParent = (ref: string): Planned | string => {
    const byCode = planned.get(ref.toLowerCase());
    if (byCode) return byCode;
    const key = matchKey(ref);
    const named = [...planned.values()].filter((u) => matchKey(u.name) === key);
    const [only] = named;
    if (named.length === 1 && only) return only;
    if (named.length > 1) return `có ${named.length} đơn vị tên “${ref}” (mã ${named.map((u) => u.code).join(', ')}); hãy ghi mã đơn vị cấp trên`;
    const brokenRow = broken.get(ref.toLowerCase()) ?? broken.get(key);
    if (brokenRow !== undefined) return `đơn vị cấp trên “${ref}” ở dòng ${brokenRow} có lỗi`;
    return `không tìm thấy đơn vị cấp trên “${ref}” (trong tệp cũng như trong dữ liệu đã có)`;
  };

  const accepted = new Set<string>();
  const placed: Placed[] = [];
  const refuse = (draft: UnitDraft, reason: string) => problems.push({ rowNumber: draft.rowNumber, reason });
  for (const level of LEVEL_ORDER) {
    for (const draft of drafts.filter((d) => d.level === level)) {
      let parentCode: string | null = null;
      if (draft.level !== 'district') {
        const parent = resolveParent(draft.parentRef);
        if (typeof parent === 'string') {
          refuse(draft, parent);
          continue;
        }
        if (parent.code === draft.code) {
          refuse(draft, 'đơn vị không thể là cấp trên của chính nó');
          continue;
        }
        if (!ALLOWED_PARENTS[draft.level].includes(parent.level)) {
          const allowed = ALLOWED_PARENTS[draft.level].map((l) => LEVEL_NAMES[l]).join(' hoặc ');
          refuse(draft, `đơn vị cấp trên ${describePlanned(parent)} là ${LEVEL_NAMES[parent.level]}, còn đơn vị ${LEVEL_NAMES[draft.level]} phải thuộc ${allowed}`);
          continue;
        }
        if (parent.rowNumber !== undefined && !accepted.has(parent.code)) {
          refuse(draft, `đơn vị cấp trên ở dòng ${parent.rowNumber} có lỗi`);
          continue;
        }
        parentCode = parent.code;
      }
      const siblingKey = `${parentCode ?? ''}/${matchKey(draft.name)}`;
      const sibling = siblings.get(siblingKey);
      if (sibling) {
        refuse(draft, `tên “${draft.name}” trùng với ${sibling.rowNumber === undefined ? `đơn vị đã có mã ${sibling.code}` : `dòng ${sibling.rowNumber}`} cùng đơn vị cấp trên`);
        continue;
      }
      siblings.set(siblingKey, planned.get(draft.code) as Planned);
      accepted.add(draft.code);
      placed.push({ draft, parentCode });
    }
  }
  return placed;
}

function sameFields(unit: UnitRecord, fields: UnitFields): boolean {
  return unit.name === fields.name && unit.level === fields.level && unit.kind === fields.kind && unit.parentId === fields.parentId;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/** Imports units from rows already read; see importUnitsFile. */
export async function importUnitRows(db: Db, sheet: RosterSheet, options: ImportOptions): Promise<ImportReport> {
  const table = readRosterTable(sheet, UNIT_COLUMNS);
  if (table.records.length === 0) throw new AppError('IMPORT_INVALID', `Tệp ${sheet.fileName} không có dòng dữ liệu nào dưới dòng tiêu đề.`);
  const base = { subject: 'units' as const, fileName: sheet.fileName, rows: table.records.length };
  try {
    return await withTransaction(db, async (tx) => {
      const existing = await listUnits(tx);
      const codes = new Set(table.records.map((r) => r.values.code.toLowerCase()));
      const locked = await unitsWithDependants(tx, existing.filter((u) => codes.has(u.code)).map((u) => u.id));
      const problems: RowProblem[] = [];
      const placed = plan(table.records, existing, locked, problems);
      const invalid = mergeRowProblems(problems);
      if (invalid.length > 0 && !options.skipInvalid) return { ...base, imported: false, created: 0, updated: 0, unchanged: 0, invalid, skipped: [] };

      const existingByCode = new Map(existing.map((u) => [u.code, u]));
      const idByCode = new Map(existing.map((u) => [u.code, u.id]));
      const counts = { created: 0, updated: 0, unchanged: 0 };
      for (const { draft, parentCode } of placed) {
        // Parents come first in `placed`, so their id is known by now.
        const parentId = parentCode === null ? null : (idByCode.get(parentCode) ?? null);
        const fields: UnitFields = { parentId, level: draft.level, kind: draft.kind, code: draft.code, name: draft.name };
        const unit = existingByCode.get(draft.code);
        if (!unit) {
          idByCode.set(draft.code, await insertUnit(tx, fields));
          counts.created += 1;
        } else if (sameFields(unit, fields)) {
          counts.unchanged += 1;
        } else {
          await updateUnit(tx, unit.id, fields);
          counts.updated += 1;
        }
      }
      return { ...base, imported: true, ...counts, invalid, skipped: [] };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new AppError('CONFLICT', `Không nhập gì từ ${sheet.fileName}: dữ liệu vừa bị thay đổi cùng lúc hoặc hai đơn vị đổi tên cho nhau. Hãy chạy lại lệnh.`, { cause: error });
  }
}

/** Reads a CSV or XLSX list of units and creates or updates them by code, in one transaction. */
export async function importUnitsFile(db: Db, file: { name: string; content: Buffer }, options: ImportOptions): Promise<ImportReport> {
  return importUnitRows(db, await readRosterFile(file.content, file.name), options);
}
