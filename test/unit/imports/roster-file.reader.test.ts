import ExcelJS from 'exceljs';
import { isAppError } from '../../../src/errors/app-error';
import { cellText, detectDelimiter, readRosterFile } from '../../../src/domain/imports/roster-file.reader';

const BOM = '\uFEFF';

async function errorOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    if (isAppError(error, 'VALIDATION_FAILED')) return error.message;
    throw error;
  }
  throw new Error('expected a VALIDATION_FAILED error');
}

describe('readRosterFile (CSV)', () => {
  it('When the CSV has a BOM and ";" delimiters, then the BOM is gone and cells are split on ";"', async () => {
    const sheet = await readRosterFile(Buffer.from(`${BOM}Họ tên;SĐT\nAn, Bình;0912345678\n`), 'ds.csv');
    expect(sheet.rows).toEqual([
      { rowNumber: 1, cells: ['Họ tên', 'SĐT'] },
      { rowNumber: 2, cells: ['An, Bình', '0912345678'] },
    ]);
  });

  it('When rows are empty or blank, then they are skipped but still counted in row numbers', async () => {
    const sheet = await readRosterFile(Buffer.from('a,b\r\n\r\n , \r\n  x  ,y\r\n'), 'ds.csv');
    expect(sheet.rows).toEqual([
      { rowNumber: 1, cells: ['a', 'b'] },
      { rowNumber: 4, cells: ['x', 'y'] },
    ]);
  });

  it('When a quoted cell spans two lines, then the record is one row as a spreadsheet shows it', async () => {
    const sheet = await readRosterFile(Buffer.from('a,b\n"dòng\nhai",1\nc,2\n'), 'ds.csv');
    expect(sheet.rows.map((r) => r.rowNumber)).toEqual([1, 2, 3]);
    expect(sheet.rows[1]?.cells).toEqual(['dòng\nhai', '1']);
  });

  it('When rows are ragged, then they are read as they are', async () => {
    const sheet = await readRosterFile(Buffer.from('a,b,c\n1\n1,2,3,4\n'), 'ds.csv');
    expect(sheet.rows.map((r) => r.cells.length)).toEqual([3, 1, 4]);
  });

  it('When the text is decomposed Unicode, then cells come back composed', async () => {
    const sheet = await readRosterFile(Buffer.from('Nguyễn Văn An'.normalize('NFD')), 'ds.csv');
    expect(sheet.rows[0]?.cells[0]).toBe('Nguyễn Văn An');
  });

  it('When the file is UTF-16 with tabs (Excel "Unicode Text"), then it is read', async () => {
    const content = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Họ tên\tSĐT\r\nAn\t0912345678\r\n', 'utf16le')]);
    const sheet = await readRosterFile(content, 'ds.txt');
    expect(sheet.rows[1]?.cells).toEqual(['An', '0912345678']);
  });

  it('When the CSV is not UTF-8 (Excel\'s plain CSV on Windows), then the message says how to save it', async () => {
    const message = await errorOf(() => readRosterFile(Buffer.from([0x48, 0xe4, 0x20, 0x4e, 0x6f, 0x69]), 'ds.csv'));
    expect(message).toContain('CSV UTF-8');
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['a,b,c\n1;2', ','],
    ['a;b;c\n1,2,3,4,5', ';'],
    ['"x, y";b;c', ';'],
    ['\n\na\tb\tc', '\t'],
    ['one column', ','],
  ])('When the first line is %j, then the delimiter is %j', (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });
});

describe('readRosterFile (XLSX)', () => {
  it('When cells hold numbers, rich text, formulas, dates, hyperlinks and errors, then each reads as its shown text', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Danh sách');
    sheet.addRow(['Họ tên', 'SĐT', 'Ngày sinh', 'Vai trò', 'Đơn vị', 'Lỗi', 'Hệ số', 'Có']);
    sheet.addRow([
      { richText: [{ text: 'Nguyễn ', font: { bold: true } }, { text: 'An' }] },
      912345678,
      new Date(Date.UTC(2001, 6, 5)),
      { formula: 'A1', result: 'Đoàn viên' },
      { text: 'An Lạc', hyperlink: 'https://example.org' },
      { error: '#N/A' },
      1.5,
      true,
    ]);
    book.addWorksheet('Khác').addRow(['không đọc']);
    const content = Buffer.from(await book.xlsx.writeBuffer());
    const read = await readRosterFile(content, 'DS.XLSX');
    expect(read.rows[1]).toEqual({ rowNumber: 2, cells: ['Nguyễn An', '912345678', '2001-07-05', 'Đoàn viên', 'An Lạc', '#N/A', '1.5', 'true'] });
  });

  it('When a formula has no cached result, then the cell is empty', () => {
    expect(cellText({ formula: 'A1' })).toBe('');
  });

  it('When the xlsx is corrupt, then the message says so without a stack', async () => {
    expect(await errorOf(() => readRosterFile(Buffer.from('not a zip at all'), 'ds.xlsx'))).toBe(
      'Không đọc được tệp Excel ds.xlsx: tệp bị hỏng hoặc không phải .xlsx.',
    );
  });

  it('When the file is an old .xls, then it asks for .xlsx or CSV', async () => {
    expect(await errorOf(() => readRosterFile(Buffer.from('x'), 'ds.xls'))).toContain('lưu lại thành .xlsx hoặc CSV UTF-8');
  });

  it('When the extension is unknown, then it names the accepted ones', async () => {
    expect(await errorOf(() => readRosterFile(Buffer.from('x'), 'ds.pdf'))).toBe('Không đọc được tệp ds.pdf: chỉ nhận tệp .csv hoặc .xlsx.');
  });
});
