import type { Writable } from 'node:stream';
import { zoneOffsetMinutes } from '../shared/time';
import type { CellValue, ReportTable, WriteOptions } from './report-table';
import { drained } from './stream-drain';

/** Excel reads a CSV as UTF-8 only when it starts with the byte order mark; without it, Vietnamese turns to mojibake. */
export const UTF8_BOM = '\uFEFF';

/** Text a spreadsheet would run as a formula (OWASP "CSV injection"): a name typed in a chat can start with "=". */
const FORMULA_START = /^[=+\-@\t\r]/;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** "2026-11-29 14:05" on the zone's wall clock: sortable, and Excel reads it as a date-time. */
export function localDateTimeText(instant: Date, timeZone: string): string {
  const wall = new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000);
  return `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
}

/** One field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break, quotes doubled. */
export function csvField(value: CellValue, timeZone: string): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = value instanceof Date ? localDateTimeText(value, timeZone) : FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CellValue[], timeZone: string): string {
  return `${values.map((v) => csvField(v, timeZone)).join(',')}\r\n`;
}

/**
 * Writes the table as CSV (UTF-8 with BOM, CRLF, comma-separated): its heading lines, a blank line,
 * the column headers, the rows and the footer. Waits for `out` to drain, so a slow download never
 * makes the rows pile up in memory. Does not end `out`.
 */
export async function writeCsv(table: ReportTable, out: Writable, options: WriteOptions): Promise<void> {
  const write = async (chunk: string) => {
    out.write(chunk);
    await drained(out);
  };
  await write(UTF8_BOM);
  for (const line of table.heading) await write(csvLine([line], options.timeZone));
  await write('\r\n');
  await write(csvLine(table.columns.map((c) => c.header), options.timeZone));
  for await (const row of table.rows) await write(csvLine(row, options.timeZone));
  if (table.footer) await write(csvLine(table.footer(), options.timeZone));
}
