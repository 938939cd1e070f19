import { AppError } from '../../errors/app-error';
import { formatIsoDay, localDayOf, type LocalDay } from '../shared/time';
import type { StaffPrincipal } from '../staff/staff-scope';
import { writeCsv } from './csv-writer';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, type ExportContext, type ExportFile } from './export-file';
import { streamedFile } from './export-stream';
import { goodNewsDaysByBranch, type BranchGoodNewsDays } from './good-news-compliance.repository';
import { reportHeading } from './report-heading';
import type { ReportColumn, ReportTable } from './report-table';
import { findRootUnitName } from './wave-export.repository';
import { writeXlsx } from './xlsx-writer';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface MonthPeriod {
  readonly year: number;
  readonly month: number;
  readonly daysInMonth: number;
  /** The days that count: the whole month once it is over, up to today while it runs. */
  readonly first: LocalDay;
  readonly last: LocalDay;
}

/** "2026-11" → the days of November 2026 that have begun by `today`; a month not begun yet is refused. */
export function monthPeriod(text: string, today: LocalDay): MonthPeriod {
  const match = MONTH.exec(text);
  if (!match) throw new AppError('VALIDATION_FAILED', 'Tháng cần có dạng YYYY-MM, ví dụ 2026-11.');
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (year * 12 + month > today.year * 12 + today.month) throw new AppError('VALIDATION_FAILED', `Tháng ${month}/${year} chưa bắt đầu.`);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const current = year === today.year && month === today.month;
  return { year, month, daysInMonth, first: { year, month, day: 1 }, last: { year, month, day: current ? today.day : daysInMonth } };
}

export interface BranchCompliance extends BranchGoodNewsDays {
  readonly daysDue: number;
  /** One decimal. */
  readonly compliancePct: number;
}

const COLUMNS: readonly ReportColumn[] = [
  { header: 'STT', width: 6, format: 'integer' },
  { header: 'Đơn vị', width: 36 },
  { header: 'Cụm', width: 22 },
  { header: 'Số ngày trong tháng', width: 11, format: 'integer' },
  { header: 'Số ngày tính đến nay', width: 11, format: 'integer' },
  { header: 'Số ngày có tin tốt', width: 11, format: 'integer' },
  { header: 'Tỷ lệ ngày có tin (%)', width: 11, format: 'percent' },
  { header: 'Các ngày chưa có tin', width: 50 },
  { header: 'Kết quả', width: 12 },
];

function pct(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part * 1000) / whole) / 10;
}

/** "3, 4, 17" — the days of the month, as a report lists them. */
function dayList(days: readonly string[]): string {
  return days.map((d) => String(Number(d.slice(8, 10)))).join(', ');
}

/**
 * The monthly good-news compliance of each branch in the staff member's scope: the plan asks every
 * branch's page for a good news a day (branch_reports, one row per reported post); a day counts
 * once it has at least one.
 */
export async function goodNewsCompliance(ctx: ExportContext, staff: StaffPrincipal, monthText: string): Promise<{ period: MonthPeriod; branches: BranchCompliance[] }> {
  const period = monthPeriod(monthText, localDayOf(ctx.now(), ctx.timeZone));
  const daysDue = period.last.day;
  const rows = await goodNewsDaysByBranch(ctx.db, formatIsoDay(period.first), formatIsoDay(period.last), staff.scope === null ? null : staff.scope.branchIds);
  return { period, branches: rows.map((r) => ({ ...r, daysDue, compliancePct: pct(r.daysReported, daysDue) })) };
}

async function complianceTable(ctx: ExportContext, staff: StaffPrincipal, monthText: string): Promise<{ table: ReportTable; period: MonthPeriod }> {
  const [{ period, branches }, unitName] = await Promise.all([goodNewsCompliance(ctx, staff, monthText), findRootUnitName(ctx.db)]);
  const reported = branches.reduce((n, b) => n + b.daysReported, 0);
  const due = branches.length * period.last.day;
  const met = branches.filter((b) => b.missingDays.length === 0).length;
  const table: ReportTable = {
    sheetName: `Tin tốt ${period.month}-${period.year}`,
    heading: reportHeading({
      unitName: unitName ?? '',
      title: `Báo cáo thực hiện đăng tin tốt tháng ${period.month}/${period.year}`,
      details: [
        'Chỉ tiêu: mỗi ngày ít nhất một tin tốt, việc tốt trên trang của đơn vị',
        period.last.day < period.daysInMonth ? `Tính từ ngày 1 đến ngày ${period.last.day}/${period.month}/${period.year}` : `Tính cả tháng (${period.daysInMonth} ngày)`,
        staff.scope === null ? 'Phạm vi: toàn đơn vị' : branches.length === 1 ? `Phạm vi: ${branches[0]!.name}` : `Phạm vi: ${branches.length} đơn vị thuộc khu vực phụ trách`,
      ],
      at: ctx.now(),
      timeZone: ctx.timeZone,
    }),
    columns: COLUMNS,
    bordered: true,
    rows: branches.map((b, i) => [
      i + 1, b.name, b.clusterName, period.daysInMonth, b.daysDue, b.daysReported, b.compliancePct, dayList(b.missingDays), b.missingDays.length === 0 ? 'Đạt' : 'Chưa đạt',
    ]),
    footer: () => [null, 'Tổng cộng', null, null, due, reported, pct(reported, due), `${met}/${branches.length} đơn vị đủ tin mỗi ngày`, null],
  };
  return { table, period };
}

const fileName = (period: MonthPeriod, ext: string) => `bao-cao-tin-tot-${period.year}-${String(period.month).padStart(2, '0')}.${ext}`;

export async function goodNewsWorkbook(ctx: ExportContext, staff: StaffPrincipal, monthText: string): Promise<ExportFile> {
  const { table, period } = await complianceTable(ctx, staff, monthText);
  return streamedFile(fileName(period, 'xlsx'), XLSX_CONTENT_TYPE, (out) => writeXlsx([table], out, { timeZone: ctx.timeZone, created: ctx.now() }));
}

export async function goodNewsCsv(ctx: ExportContext, staff: StaffPrincipal, monthText: string): Promise<ExportFile> {
  const { table, period } = await complianceTable(ctx, staff, monthText);
  return streamedFile(fileName(period, 'csv'), CSV_CONTENT_TYPE, (out) => writeCsv(table, out, { timeZone: ctx.timeZone }));
}
