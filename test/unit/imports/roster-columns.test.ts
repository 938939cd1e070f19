import { isAppError } from '../../../src/errors/app-error';
import { columnLetter, parseYesNo, readRosterTable, type ColumnSpec } from '../../../src/domain/imports/roster-columns';
import type { RosterSheet } from '../../../src/domain/imports/roster-file.reader';

type Key = 'name' | 'phone' | 'note';
const SPECS: ColumnSpec<Key>[] = [
  { key: 'name', headers: ['Họ và tên', 'Họ tên', 'name'], required: true },
  { key: 'phone', headers: ['Số điện thoại', 'SĐT', 'phone'], required: true },
  { key: 'note', headers: ['Ghi chú', 'note'], required: false },
];

const sheet = (rows: string[][], firstRow = 1): RosterSheet => ({
  fileName: 'ds.csv',
  rows: rows.map((cells, i) => ({ rowNumber: firstRow + i, cells })),
});

function errorOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (isAppError(error, 'IMPORT_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected an IMPORT_INVALID error');
}

describe('readRosterTable', () => {
  it('When headers are written in any case, with or without diacritics, then each column is found', () => {
    const table = readRosterTable(sheet([['HỌ VÀ TÊN', 'sdt', 'Lớp'], ['Nguyễn An', '0912345678', '12A1']]), SPECS);
    expect(table.present).toEqual(new Set(['name', 'phone']));
    expect(table.records).toEqual([{ rowNumber: 2, values: { name: 'Nguyễn An', phone: '0912345678', note: '' } }]);
  });

  it('When title rows sit above the header, then the header is found and row numbers stay those of the sheet', () => {
    const table = readRosterTable(sheet([['DANH SÁCH ĐOÀN VIÊN'], ['Họ tên', 'Số điện thoại'], ['Lê Bình', '0987654321']], 3), SPECS);
    expect(table.headerRowNumber).toBe(4);
    expect(table.records.map((r) => r.rowNumber)).toEqual([5]);
  });

  it('When a required column is missing, then one error names it, its accepted spellings and what the header has', () => {
    const message = errorOf(() => readRosterTable(sheet([['Họ và tên', 'Ghi chú'], ['An', '']]), SPECS));
    expect(message).toBe(
      'Tệp ds.csv thiếu cột “Số điện thoại” (tên cột được chấp nhận: Số điện thoại, SĐT, phone). Dòng tiêu đề (dòng 1) có: Họ và tên, Ghi chú.',
    );
  });

  it('When two columns mean the same thing, then the file is refused naming both', () => {
    const message = errorOf(() => readRosterTable(sheet([['Họ tên', 'SĐT', 'Số điện thoại']]), SPECS));
    expect(message).toContain('“SĐT” (cột B) và “Số điện thoại” (cột C)');
  });

  it('When the file is empty, then it is refused', () => {
    expect(errorOf(() => readRosterTable(sheet([]), SPECS))).toContain('trống');
  });

  it('When a row has text only in ignored columns, then it is not a data row', () => {
    const table = readRosterTable(sheet([['STT', 'Họ tên', 'SĐT'], ['1', '', ''], ['Tổng cộng: 1', '', '']]), SPECS);
    expect(table.records).toEqual([]);
  });
});

describe('parseYesNo', () => {
  it.each(['có', 'Có', 'x', 'X', '1', 'yes', 'TRUE', '✓'])('When the cell says "%s", then it is yes', (text) => {
    expect(parseYesNo(text)).toBe(true);
  });
  it.each(['', 'không', 'Khong', '0', 'no', 'false'])('When the cell says "%s", then it is no', (text) => {
    expect(parseYesNo(text)).toBe(false);
  });
  it.each(['có lẽ', 'maybe', '2'])('When the cell says "%s", then it is unclear', (text) => {
    expect(parseYesNo(text)).toBeNull();
  });
});

describe('columnLetter', () => {
  it('When columns are numbered from 0, then they get spreadsheet letters', () => {
    expect([0, 1, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});
