import { formatCommandReport, importExitCode, parseImportArguments, readImportFile } from '../../../src/domain/imports/import-command';
import type { ImportReport } from '../../../src/domain/imports/import-report';
import { isAppError } from '../../../src/errors/app-error';

const USAGE = 'npm run import:members -- TỆP [--skip-invalid]';

const report = (overrides: Partial<ImportReport>): ImportReport => ({
  subject: 'members', fileName: 'ds.csv', rows: 3, imported: true, created: 0, updated: 0, unchanged: 0, invalid: [], skipped: [], ...overrides,
});

describe('parseImportArguments', () => {
  it('When given a file and --skip-invalid in any order, then both are read', () => {
    expect(parseImportArguments(['--skip-invalid', 'ds.csv'], USAGE)).toEqual({ file: 'ds.csv', skipInvalid: true });
    expect(parseImportArguments(['--', 'ds.xlsx'], USAGE)).toEqual({ file: 'ds.xlsx', skipInvalid: false });
  });

  it.each([[[]], [['a.csv', 'b.csv']], [['--force', 'a.csv']]])('When the arguments are %j, then the error shows the usage', (args) => {
    expect(() => parseImportArguments(args, USAGE)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringContaining(USAGE) }));
  });
});

describe('readImportFile', () => {
  it('When the file does not exist, then the error says so in Vietnamese', async () => {
    const error = await readImportFile('khong-co.csv', __dirname).catch((e: unknown) => e);
    expect(isAppError(error, 'VALIDATION_FAILED') && error.message).toBe('Tệp khong-co.csv không tồn tại.');
  });
});

describe('importExitCode and formatCommandReport', () => {
  it('When bad rows kept the file out, then the exit code is 1 and the report says how to go on', () => {
    const refused = report({ imported: false, invalid: [{ rowNumber: 3, reason: 'thiếu số điện thoại' }] });
    expect(importExitCode(refused)).toBe(1);
    expect(formatCommandReport(refused)).toBe(
      'Không nhập gì từ ds.csv: 1/3 dòng có lỗi.\nDòng lỗi:\n  Dòng 3: thiếu số điện thoại\n' +
        'Sửa các dòng trên rồi chạy lại, hoặc thêm --skip-invalid để chỉ nhập 2 dòng hợp lệ.',
    );
  });

  it('When valid rows were imported past bad ones, then the exit code is 0 and the bad rows are listed', () => {
    const partly = report({ created: 2, invalid: [{ rowNumber: 3, reason: 'thiếu số điện thoại' }] });
    expect(importExitCode(partly)).toBe(0);
    expect(formatCommandReport(partly)).toBe(
      'Đã nhập thành viên từ ds.csv (3 dòng): thêm mới 2, cập nhật 0, không đổi 0, bỏ qua 0, lỗi 1.\nDòng lỗi (không được nhập):\n  Dòng 3: thiếu số điện thoại',
    );
  });

  it('When --skip-invalid left no valid row, then the exit code is 1', () => {
    expect(importExitCode(report({ rows: 1, invalid: [{ rowNumber: 2, reason: 'thiếu họ và tên' }] }))).toBe(1);
  });
});
