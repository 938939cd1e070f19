import { AppError } from '../../errors/app-error';
import { matchKey } from '../shared/text';
import type { RosterRow, RosterSheet } from './roster-file.reader';

/** A column an importer understands, and the header spellings it accepts. */
export interface ColumnSpec<K extends string> {
  readonly key: K;
  /** Accepted headers, the first one being the name used in messages; compared by matchKey. */
  readonly headers: readonly string[];
  readonly required: boolean;
}

/** One data row, its cells picked out by column key ('' for a column the file does not have). */
export interface RosterRecord<K extends string> {
  readonly rowNumber: number;
  readonly values: Readonly<Record<K, string>>;
}

export interface RosterTable<K extends string> {
  readonly headerRowNumber: number;
  /** The columns the file has. */
  readonly present: ReadonlySet<K>;
  readonly records: readonly RosterRecord<K>[];
}

// Title rows ("DANH SÁCH ĐOÀN VIÊN", "Đơn vị: …") often sit above the header in real rosters.
const HEADER_SEARCH_ROWS = 10;

export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

function keyOfHeader<K extends string>(specs: readonly ColumnSpec<K>[], header: string): K | undefined {
  const key = matchKey(header);
  if (key === '') return undefined;
  return specs.find((spec) => spec.headers.some((h) => matchKey(h) === key))?.key;
}

function recognisedCount<K extends string>(specs: readonly ColumnSpec<K>[], row: RosterRow): number {
  return row.cells.filter((cell) => keyOfHeader(specs, cell) !== undefined).length;
}

/** "“Số điện thoại” (tên cột được chấp nhận: Số điện thoại, SĐT, phone)" */
export function describeColumn(spec: ColumnSpec<string>): string {
  return `“${spec.headers[0]}” (tên cột được chấp nhận: ${spec.headers.join(', ')})`;
}

export function missingColumnsError(fileName: string, headerRow: RosterRow, missing: readonly string[]): AppError {
  const found = headerRow.cells.filter((c) => c !== '').join(', ');
  return new AppError(
    'IMPORT_INVALID',
    `Tệp ${fileName} thiếu cột ${missing.join('; cột ')}. Dòng tiêu đề (dòng ${headerRow.rowNumber}) có: ${found}.`,
  );
}

/**
 * Finds the header row (the first of the first rows that names at least two known columns),
 * maps its columns to keys and picks each data row's cells. Unknown columns are ignored.
 * Throws AppError IMPORT_INVALID naming every missing required column and its accepted spellings.
 */
export function readRosterTable<K extends string>(sheet: RosterSheet, specs: readonly ColumnSpec<K>[]): RosterTable<K> {
  const first = sheet.rows[0];
  if (first === undefined) throw new AppError('IMPORT_INVALID', `Tệp ${sheet.fileName} trống: không có dòng tiêu đề nào.`);
  const headerIndex = sheet.rows.slice(0, HEADER_SEARCH_ROWS).findIndex((row) => recognisedCount(specs, row) >= Math.min(2, specs.length));
  const header = sheet.rows[Math.max(headerIndex, 0)] ?? first;

  const columns = new Map<K, number>();
  header.cells.forEach((cell, index) => {
    const key = keyOfHeader(specs, cell);
    if (key === undefined) return;
    const earlier = columns.get(key);
    if (earlier !== undefined) {
      throw new AppError(
        'IMPORT_INVALID',
        `Tệp ${sheet.fileName} có hai cột cùng nghĩa: “${header.cells[earlier]}” (cột ${columnLetter(earlier)}) và “${cell}” (cột ${columnLetter(index)}). Hãy xoá hoặc đổi tên một cột.`,
      );
    }
    columns.set(key, index);
  });

  const missing = specs.filter((spec) => spec.required && !columns.has(spec.key)).map(describeColumn);
  if (missing.length > 0) throw missingColumnsError(sheet.fileName, header, missing);

  const records = sheet.rows
    .filter((row) => row.rowNumber > header.rowNumber)
    .map((row) => {
      const values = {} as Record<K, string>;
      for (const spec of specs) {
        const index = columns.get(spec.key);
        values[spec.key] = index === undefined ? '' : (row.cells[index] ?? '');
      }
      return { rowNumber: row.rowNumber, values };
    })
    // A row with text only in ignored columns (a total, a signature line) is not a roster row.
    .filter((record) => Object.values<string>(record.values).some((v) => v !== ''));
  return { headerRowNumber: header.rowNumber, present: new Set(columns.keys()), records };
}

/** A yes/no cell: true, false, or null when the text is neither. Empty is no. */
export function parseYesNo(text: string): boolean | null {
  if (/^[✓✔☑]$/.test(text.trim())) return true;
  const key = matchKey(text);
  if (['', 'khong', 'k', '0', 'no', 'n', 'false', 'sai'].includes(key)) return false;
  if (['co', 'x', '1', 'yes', 'y', 'true', 'dung', 'v'].includes(key)) return true;
  return null;
}
