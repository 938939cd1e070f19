import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import { zoneOffsetMinutes } from '../shared/time';
import type { CellValue, ReportColumn, ReportTable, WriteOptions } from './report-table';
import { drained } from './stream-drain';

/** Rows committed between two looks at the output's backlog. */
const ROWS_PER_DRAIN_CHECK = 500;

const NUMBER_FORMATS: Readonly<Record<NonNullable<ReportColumn['format']>, string>> = {
  integer: '0',
  percent: '0.0',
  dateTime: 'dd/mm/yyyy hh:mm',
};

const THIN = { style: 'thin' as const };
const BOX = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/** Excel has no zones: a date-time cell holds the wall-clock reading, written as if it were UTC. */
function cellOf(value: CellValue, timeZone: string): ExcelJS.CellValue {
  if (value instanceof Date) return new Date(value.getTime() + zoneOffsetMinutes(value, timeZone) * 60_000);
  return value;
}

function columnLetter(n: number): string {
  let letters = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) letters = String.fromCharCode(65 + ((i - 1) % 26)) + letters;
  return letters;
}

async function writeSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, table: ReportTable, out: Writable, options: WriteOptions): Promise<void> {
  const headerRow = table.heading.length + 2;
  const sheet = workbook.addWorksheet(table.sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: headerRow }] });
  sheet.columns = table.columns.map((c) => ({ width: c.width, ...(c.format ? { style: { numFmt: NUMBER_FORMATS[c.format] } } : {}) }));
  const last = columnLetter(table.columns.length);

  table.heading.forEach((line, i) => {
    const row = sheet.addRow([line]);
    // The organisation's two lines stand at the top left, the report's own lines centred, as on paper.
    row.font = { bold: i < 2 || i === 3, size: i === 3 ? 13 : 11 };
    if (i >= 3) {
      sheet.mergeCells(`A${i + 1}:${last}${i + 1}`);
      row.alignment = { horizontal: 'center' };
    }
    row.commit();
  });
  sheet.addRow([]).commit();

  const header = sheet.addRow(table.columns.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  header.eachCell((cell) => {
    cell.border = BOX;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE2EFDA' } };
  });
  header.commit();

  let written = 0;
  for await (const values of table.rows) {
    const row = sheet.addRow(values.map((v: CellValue) => cellOf(v, options.timeZone)));
    if (table.bordered) {
      row.eachCell({ includeEmpty: true }, (cell) => {
        cell.border = BOX;
      });
    }
    row.commit();
    written += 1;
    if (written % ROWS_PER_DRAIN_CHECK === 0) await drained(out);
  }
  if (table.footer) {
    const footer = sheet.addRow(table.footer().map((v) => cellOf(v, options.timeZone)));
    footer.font = { bold: true };
    footer.eachCell({ includeEmpty: true }, (cell) => {
      cell.border = BOX;
    });
    footer.commit();
  }
  await sheet.commit();
}

/**
 * Writes the tables as one workbook, a sheet each, in order, with exceljs's streaming writer: rows
 * go out as they are read (no shared strings table, which would hold every text until the end),
 * and the writer waits for `out` to drain every few hundred rows. Ends `out`.
 */
export async function writeXlsx(tables: readonly ReportTable[], out: Writable, options: WriteOptions & { readonly created: Date }): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Vùng Xanh';
  workbook.created = options.created;
  for (const table of tables) await writeSheet(workbook, table, out, options);
  await workbook.commit();
}
