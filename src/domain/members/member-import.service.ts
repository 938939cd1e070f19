import { withTransaction, type Db } from '../../db/database';
import type { MemberRole } from '../../db/types';
import { AppError } from '../../errors/app-error';
import { mergeRowProblems, type ImportReport, type RowProblem } from '../imports/import-report';
import { describeColumn, missingColumnsError, parseYesNo, readRosterTable, type ColumnSpec, type RosterRecord } from '../imports/roster-columns';
import { readRosterFile, type RosterSheet } from '../imports/roster-file.reader';
import { lookUp } from '../shared/lookup';
import { matchKey } from '../shared/text';
import { BranchMatcher } from '../units/branch-matcher';
import { listUnits, type UnitRecord } from '../units/units.repository';
import { findMembersByPhones, insertRosterMembers, updateRosterMembers, type MemberRecord, type RosterMemberFields } from './members.repository';
import { formatVietnamMobile, normalizeVietnamMobile } from './phone';

type MemberColumn = 'fullName' | 'lastName' | 'firstName' | 'phone' | 'branch' | 'role' | 'position' | 'collaborator' | 'theoryClub';

export const MEMBER_COLUMNS: readonly ColumnSpec<MemberColumn>[] = [
  { key: 'fullName', headers: ['Họ và tên', 'Họ tên', 'Họ và tên đoàn viên', 'Tên đầy đủ', 'full_name', 'full name', 'name'], required: false },
  // Many rosters split the name in two columns, "Họ và tên đệm" and "Tên".
  { key: 'lastName', headers: ['Họ và tên đệm', 'Họ đệm', 'Họ và chữ lót', 'Họ lót', 'Họ', 'last name', 'family name'], required: false },
  { key: 'firstName', headers: ['Tên', 'first name', 'given name'], required: false },
  { key: 'phone', headers: ['Số điện thoại', 'SĐT', 'Điện thoại', 'Số ĐT', 'ĐTDĐ', 'Di động', 'Số di động', 'phone', 'phone number', 'mobile'], required: true },
  { key: 'branch', headers: ['Cơ sở Đoàn', 'Đơn vị', 'Chi đoàn', 'Đoàn cơ sở', 'Cơ sở', 'branch', 'unit'], required: true },
  // "Đối tượng" is the đoàn viên / thanh niên split. Required unless the file has "Chức vụ" (checked below).
  { key: 'role', headers: ['Vai trò', 'Đối tượng', 'role'], required: false },
  // Positions (Bí thư, Phó Bí thư, Ủy viên BCH, Đoàn viên): the role when the file has no "Vai trò",
  // a cadre whatever "Vai trò" says when it is a committee position, and the branch secretary flag.
  { key: 'position', headers: ['Chức vụ', 'Chức danh', 'position'], required: false },
  { key: 'collaborator', headers: ['Cộng tác viên', 'CTV', 'collaborator', 'is_collaborator'], required: false },
  { key: 'theoryClub', headers: ['CLB Lý luận trẻ', 'Câu lạc bộ Lý luận trẻ', 'Lý luận trẻ', 'theory_club', 'theory club'], required: false },
];

const ROLES: Readonly<Record<string, MemberRole>> = {
  'can bo doan': 'cadre', 'can bo': 'cadre', 'cbd': 'cadre', 'cadre': 'cadre',
  'doan vien': 'member', 'dv': 'member', 'doan vien thanh nien': 'member', 'member': 'member',
  'thanh nien': 'youth', 'tn': 'youth', 'youth': 'youth',
};
// Positions in a branch's executive committee: their holders are the branch's cadres.
const CADRE_POSITIONS = ['bi thu', 'pho bi thu', 'uy vien', 'uv bch', 'ubch', 'bch', 'can bo'];

export function parseRole(text: string): MemberRole | null {
  const key = matchKey(text);
  return lookUp(ROLES, key) ?? (CADRE_POSITIONS.some((p) => key === p || key.startsWith(`${p} `)) ? 'cadre' : null);
}

/**
 * Whether a position cell names the branch secretary: "Bí thư", "bí thư chi đoàn", "BI THU",
 * "Ủy viên BCH, Bí thư" (any of several positions); not "Phó Bí thư".
 */
export function isSecretaryPosition(text: string): boolean {
  return text
    .split(/[,;/+&\n]|\s(?:và|kiêm)\s/iu)
    .map(matchKey)
    .some((part) => part === 'bi thu' || part.startsWith('bi thu '));
}

interface MemberDraft {
  readonly rowNumber: number;
  readonly fullName: string;
  readonly phone: string;
  readonly role: MemberRole;
  readonly branch: UnitRecord;
  /** null: the file has no such column, so an existing member keeps the flag. */
  readonly isCollaborator: boolean | null;
  readonly isTheoryClub: boolean | null;
  /** From "Chức vụ" (or a "Bí thư" role); null: the file does not say. */
  readonly isBranchSecretary: boolean | null;
}

export interface ImportOptions {
  readonly skipInvalid: boolean;
  /** The verification time of members verified by this import (tests pin it). */
  readonly now?: Date;
  /**
   * The branches the importing staff member may change (admin web); absent or null: all of them
   * (the command line, a district admin). A row of another branch, or a phone already a member of
   * another branch, is a row problem like any other.
   */
  readonly branchScope?: readonly string[] | null;
}

function specOf(key: MemberColumn): ColumnSpec<MemberColumn> {
  return MEMBER_COLUMNS.find((c) => c.key === key) as ColumnSpec<MemberColumn>;
}

const OUT_OF_SCOPE_BRANCH = 'cơ sở Đoàn này không thuộc phạm vi tài khoản của bạn';
const OUT_OF_SCOPE_MEMBER = 'số điện thoại này đã là của một người ở đơn vị ngoài phạm vi tài khoản của bạn';

function columnName(key: MemberColumn): string {
  return MEMBER_COLUMNS.find((c) => c.key === key)?.headers[0] ?? key;
}

function branchProblem(raw: string, matcher: BranchMatcher<UnitRecord>): UnitRecord | string {
  if (raw === '') return 'thiếu cơ sở Đoàn';
  const match = matcher.match(raw);
  switch (match.kind) {
    case 'matched':
      return match.unit;
    case 'ambiguous':
      return `cơ sở Đoàn “${raw}” có thể là ${match.candidates.map((u) => `“${u.name}” (mã ${u.code})`).join(' hoặc ')}; hãy ghi đủ tên hoặc mã`;
    case 'notBranch':
      return `“${raw}” là ${match.unit.level === 'district' ? 'đơn vị cấp quận' : 'khu vực'} “${match.unit.name}”, không phải cơ sở Đoàn`;
    case 'notFound':
      return `không tìm thấy cơ sở Đoàn “${raw}” (hãy nhập danh sách đơn vị trước, hoặc sửa tên cho đúng)`;
  }
}

function parseRow(
  record: RosterRecord<MemberColumn>,
  present: ReadonlySet<MemberColumn>,
  findBranch: (raw: string) => UnitRecord | string,
  problems: RowProblem[],
): MemberDraft | null {
  const { rowNumber, values } = record;
  const reasons: string[] = [];
  const fullName = (present.has('fullName') ? values.fullName : `${values.lastName} ${values.firstName}`).replace(/\s+/g, ' ').trim();
  if (fullName === '') reasons.push('thiếu họ và tên');
  else if (fullName.length > 120) reasons.push('họ và tên dài quá 120 ký tự');
  const phone = normalizeVietnamMobile(values.phone);
  if (!phone.ok) reasons.push(phone.problem === 'empty' ? 'thiếu số điện thoại' : `số điện thoại ${values.phone} ${phone.reason}`);
  const roleText = present.has('role') ? values.role : values.position;
  // A committee position makes a cadre even when "Vai trò" / "Đối tượng" says đoàn viên.
  const role = present.has('role') && parseRole(values.role) !== null && parseRole(values.position) === 'cadre' ? 'cadre' : parseRole(roleText);
  if (role === null) {
    reasons.push(roleText === '' ? 'thiếu vai trò (cán bộ Đoàn, đoàn viên hoặc thanh niên)' : `vai trò “${roleText}” không rõ (dùng: cán bộ Đoàn, đoàn viên, thanh niên)`);
  }
  const branch = findBranch(values.branch);
  if (typeof branch === 'string') reasons.push(branch);
  const flag = (key: 'collaborator' | 'theoryClub'): boolean | null => {
    if (!present.has(key)) return null;
    const value = parseYesNo(values[key]);
    if (value === null) reasons.push(`ô “${columnName(key)}” ghi “${values[key]}” không rõ (dùng: “có” hoặc “x” cho có; “không” hoặc để trống cho không)`);
    return value;
  };
  const isCollaborator = flag('collaborator');
  const isTheoryClub = flag('theoryClub');
  for (const reason of reasons) problems.push({ rowNumber, reason });
  if (reasons.length > 0 || !phone.ok || role === null || typeof branch === 'string') return null;
  // Without a "Chức vụ" column, a "Bí thư" written as the role still says who the secretary is;
  // anything else there says nothing, and an existing member keeps the flag.
  const isBranchSecretary = present.has('position') ? isSecretaryPosition(values.position) : isSecretaryPosition(values.role) || null;
  return { rowNumber, fullName, phone: phone.phone, role, branch, isCollaborator, isTheoryClub, isBranchSecretary };
}

function sameFields(member: MemberRecord, fields: RosterMemberFields): boolean {
  return (
    member.fullName === fields.fullName &&
    member.role === fields.role &&
    member.branchId === fields.branchId &&
    member.isCollaborator === fields.isCollaborator &&
    member.isTheoryClub === fields.isTheoryClub &&
    member.isBranchSecretary === fields.isBranchSecretary &&
    member.status === fields.status &&
    member.verifiedBy === fields.verifiedBy
  );
}

/**
 * Decides what the roster does to one member. A new phone makes a verified roster member; a chat
 * registration waiting for verification (pending) is verified by the roster; a verified member is
 * updated and keeps who verified them and when. A member marked as left is not revived: leaving
 * may have been their own choice (it stops messages), so staff restore them by hand.
 */
function applyRow(draft: MemberDraft, member: MemberRecord | undefined, now: Date): { action: 'create' | 'update' | 'unchanged'; fields: RosterMemberFields } | { action: 'skip'; reason: string } {
  const verifiedAlready = member?.status === 'verified' && member.verifiedBy !== null && member.verifiedAt !== null;
  const fields: RosterMemberFields = {
    fullName: draft.fullName,
    phone: draft.phone,
    role: draft.role,
    branchId: draft.branch.id,
    isCollaborator: draft.isCollaborator ?? member?.isCollaborator ?? false,
    isTheoryClub: draft.isTheoryClub ?? member?.isTheoryClub ?? false,
    isBranchSecretary: draft.isBranchSecretary ?? member?.isBranchSecretary ?? false,
    status: 'verified',
    verifiedBy: verifiedAlready ? (member.verifiedBy as 'roster' | 'cadre' | 'staff') : 'roster',
    verifiedAt: verifiedAlready ? (member.verifiedAt as Date) : now,
  };
  if (!member) return { action: 'create', fields };
  if (member.status === 'left' || member.status === 'erased') {
    return {
      action: 'skip',
      reason: `${draft.fullName} (${formatVietnamMobile(draft.phone)}) đã được đánh dấu rời Đoàn/ngừng tham gia nên không được tự khôi phục; nếu đúng là đã quay lại, hãy khôi phục trong trang quản trị`,
    };
  }
  return { action: sameFields(member, fields) ? 'unchanged' : 'update', fields };
}

/** Imports members from rows already read; see importMembersFile. */
export async function importMemberRows(db: Db, sheet: RosterSheet, options: ImportOptions): Promise<ImportReport> {
  const table = readRosterTable(sheet, MEMBER_COLUMNS);
  const missing: string[] = [];
  if (!table.present.has('fullName') && !(table.present.has('lastName') && table.present.has('firstName'))) {
    missing.push(`${describeColumn(specOf('fullName'))}, hoặc hai cột “Họ và tên đệm” và “Tên”`);
  }
  if (!table.present.has('role') && !table.present.has('position')) missing.push(`${describeColumn(specOf('role'))}, hoặc cột ${describeColumn(specOf('position'))}`);
  if (missing.length > 0) {
    const header = sheet.rows.find((r) => r.rowNumber === table.headerRowNumber) ?? { rowNumber: table.headerRowNumber, cells: [] };
    throw missingColumnsError(sheet.fileName, header, missing);
  }
  if (table.records.length === 0) throw new AppError('IMPORT_INVALID', `Tệp ${sheet.fileName} không có dòng dữ liệu nào dưới dòng tiêu đề.`);
  const base = { subject: 'members' as const, fileName: sheet.fileName, rows: table.records.length };
  const now = options.now ?? new Date();

  return withTransaction(db, async (tx) => {
    const matcher = new BranchMatcher(await listUnits(tx));
    const branchCache = new Map<string, UnitRecord | string>();
    const scope = options.branchScope ? new Set(options.branchScope) : null;
    const inScope = (found: UnitRecord | string): UnitRecord | string => (typeof found === 'string' || scope === null || scope.has(found.id) ? found : OUT_OF_SCOPE_BRANCH);
    const findBranch = (raw: string) => {
      if (!branchCache.has(raw)) branchCache.set(raw, inScope(branchProblem(raw, matcher)));
      return branchCache.get(raw) as UnitRecord | string;
    };
    const problems: RowProblem[] = [];
    const drafts: MemberDraft[] = [];
    const rowOfPhone = new Map<string, number>();
    for (const record of table.records) {
      const draft = parseRow(record, table.present, findBranch, problems);
      // The first row with a phone keeps it, even when that row has other problems.
      const phone = normalizeVietnamMobile(record.values.phone);
      const earlier = phone.ok ? rowOfPhone.get(phone.phone) : undefined;
      if (earlier !== undefined) problems.push({ rowNumber: record.rowNumber, reason: `số điện thoại ${record.values.phone} trùng với dòng ${earlier}` });
      else if (phone.ok) rowOfPhone.set(phone.phone, record.rowNumber);
      if (draft && earlier === undefined) drafts.push(draft);
    }
    const existing = new Map((await findMembersByPhones(tx, drafts.map((d) => d.phone))).map((m) => [m.phone, m]));
    const movable = drafts.filter((draft) => {
      const branchId = existing.get(draft.phone)?.branchId;
      if (scope === null || branchId === undefined || branchId === null || scope.has(branchId)) return true;
      problems.push({ rowNumber: draft.rowNumber, reason: OUT_OF_SCOPE_MEMBER });
      return false;
    });
    const invalid = mergeRowProblems(problems);
    if (invalid.length > 0 && !options.skipInvalid) return { ...base, imported: false, created: 0, updated: 0, unchanged: 0, invalid, skipped: [] };

    const creates: RosterMemberFields[] = [];
    const updates: (RosterMemberFields & { id: string })[] = [];
    const skipped: RowProblem[] = [];
    let unchanged = 0;
    for (const draft of movable) {
      const member = existing.get(draft.phone);
      const outcome = applyRow(draft, member, now);
      if (outcome.action === 'skip') skipped.push({ rowNumber: draft.rowNumber, reason: outcome.reason });
      else if (outcome.action === 'create') creates.push(outcome.fields);
      else if (outcome.action === 'unchanged') unchanged += 1;
      else if (member) updates.push({ ...outcome.fields, id: member.id });
    }
    const inserted = await insertRosterMembers(tx, creates);
    if (inserted !== creates.length) {
      // Thrown inside the transaction, so nothing of this import stays.
      throw new AppError('CONFLICT', `Không nhập gì từ ${sheet.fileName}: có người vừa đăng ký bằng cùng số điện thoại trong lúc nhập. Hãy chạy lại lệnh.`);
    }
    await updateRosterMembers(tx, updates);
    return { ...base, imported: true, created: creates.length, updated: updates.length, unchanged, invalid, skipped };
  });
}

/** Reads a CSV or XLSX roster and creates, verifies or updates members by phone, in one transaction. */
export async function importMembersFile(db: Db, file: { name: string; content: Buffer }, options: ImportOptions): Promise<ImportReport> {
  return importMemberRows(db, await readRosterFile(file.content, file.name), options);
}
