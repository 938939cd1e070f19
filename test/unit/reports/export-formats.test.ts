import { PassThrough } from 'node:stream';
import { csvField, writeCsv } from '../../../src/domain/reports/csv-writer';
import { fileSlug } from '../../../src/domain/reports/export-file';
import { monthPeriod } from '../../../src/domain/reports/good-news-compliance.service';
import { lastDayBefore } from '../../../src/domain/reports/report-heading';
import { resultLabel } from '../../../src/domain/reports/wave-export.service';

const TZ = 'Asia/Ho_Chi_Minh';

describe('CSV fields', () => {
  it.each([
    ['plain text', 'Chi đoàn Phường 1', 'Chi đoàn Phường 1'],
    ['a comma', 'Nguyễn Văn A, Jr', '"Nguyễn Văn A, Jr"'],
    ['a quote', 'Tèo "Em"', '"Tèo ""Em"""'],
    ['a line break', 'dòng 1\ndòng 2', '"dòng 1\ndòng 2"'],
    ['a carriage return', 'a\rb', '"a\rb"'],
    ['a formula', '=1+2', "'=1+2"],
    ['a formula with a comma', '=SUM(A1,A2)', `"'=SUM(A1,A2)"`],
    ['a leading plus, minus or at', '@cmd', "'@cmd"],
    ['nothing', null, ''],
    ['a negative number (a number, not text)', -5, '-5'],
    ['a rate', 42.9, '42.9'],
  ] as const)('When a field holds %s, then it is written as RFC 4180 and no spreadsheet runs it', (_name, value, expected) => {
    expect(csvField(value, TZ)).toBe(expected);
  });

  it('When a field holds an instant, then it is the wall clock of the zone, sortable', () => {
    expect(csvField(new Date('2026-11-04T16:30:00Z'), TZ)).toBe('2026-11-04 23:30');
    expect(csvField(new Date('2026-12-31T17:00:00Z'), TZ)).toBe('2027-01-01 00:00');
  });

  it('When a table is written, then it opens with the BOM, uses CRLF, and puts heading, blank line, header, rows and footer in order', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    async function* rows() {
      yield [1, 'A, B'] as const;
      yield [2, null] as const;
    }
    await writeCsv({ sheetName: 'x', heading: ['ĐOÀN TNCS HỒ CHÍ MINH', 'Tiêu đề'], columns: [{ header: 'STT', width: 5 }, { header: 'Tên', width: 5 }], bordered: false, rows: rows(), footer: () => [null, 'Tổng cộng'] }, out, { timeZone: TZ });
    out.end();
    const bytes = Buffer.concat(chunks);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('ĐOÀN TNCS HỒ CHÍ MINH\r\nTiêu đề\r\n\r\nSTT,Tên\r\n1,"A, B"\r\n2,\r\n,Tổng cộng\r\n');
  });
});

describe('Report periods and results', () => {
  it('When a month has passed, then all its days count; while it runs, the days up to today; a month not begun is refused', () => {
    expect(monthPeriod('2026-10', { year: 2026, month: 11, day: 20 })).toMatchObject({ daysInMonth: 31, first: { day: 1 }, last: { year: 2026, month: 10, day: 31 } });
    expect(monthPeriod('2024-02', { year: 2026, month: 11, day: 20 })).toMatchObject({ daysInMonth: 29, last: { day: 29 } });
    expect(monthPeriod('2026-11', { year: 2026, month: 11, day: 20 })).toMatchObject({ daysInMonth: 30, last: { day: 20 } });
    expect(() => monthPeriod('2026-12', { year: 2026, month: 11, day: 20 })).toThrow('Tháng 12/2026 chưa bắt đầu.');
    expect(() => monthPeriod('2027-01', { year: 2026, month: 12, day: 31 })).toThrow('chưa bắt đầu');
    expect(() => monthPeriod('2026-1', { year: 2026, month: 11, day: 20 })).toThrow('YYYY-MM');
  });

  it('When a wave ends at local midnight (exclusive), then the last day shown is the day before; at 17:00, that same day', () => {
    expect(lastDayBefore(new Date('2026-03-31T17:00:00Z'), TZ)).toEqual({ year: 2026, month: 3, day: 31 });
    expect(lastDayBefore(new Date('2026-04-01T10:00:00Z'), TZ)).toEqual({ year: 2026, month: 4, day: 1 });
  });

  const standing = { cadres: 2, members: 10, cadreRatePct: 100, memberRatePct: 80, meetsCadreTarget: true, meetsMemberTarget: true };
  it.each([
    ['both targets met', standing, 'Đạt'],
    ['the cadres short', { ...standing, cadreRatePct: 50, meetsCadreTarget: false }, 'Chưa đạt (cán bộ)'],
    ['both short', { ...standing, meetsCadreTarget: false, meetsMemberTarget: false }, 'Chưa đạt (cán bộ, đoàn viên)'],
    ['no plan (a branch trend)', { ...standing, meetsCadreTarget: null, meetsMemberTarget: null }, 'Không có chỉ tiêu'],
    ['nobody in the branch', { ...standing, cadres: 0, members: 0, cadreRatePct: null, memberRatePct: null }, 'Chưa có đoàn viên'],
  ] as const)('When %s, then the result reads as the office writes it', (_name, s, expected) => {
    expect(resultLabel(s)).toBe(expected);
  });

  it('When a title has Vietnamese letters and signs, then the file name keeps only ASCII words', () => {
    expect(fileSlug('Thắp nến tri ân — 27/7 “Đền ơn”')).toBe('thap-nen-tri-an-27-7-den-on');
    expect(fileSlug('!!!')).toBe('bao-cao');
  });
});
