import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { storableText } from '../../db/storable-text';
import { AppError } from '../../errors/app-error';

/** One row of a roster as the user sees it: its spreadsheet row number and its trimmed cells. */
export interface RosterRow {
  /** 1-based, counting every line or row of the file (empty ones too), as a spreadsheet shows it. */
  readonly rowNumber: number;
  readonly cells: readonly string[];
}

/** The non-empty rows of the file's first sheet, header rows included, in file order. */
export interface RosterSheet {
  readonly fileName: string;
  readonly rows: readonly RosterRow[];
}

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot).toLowerCase();
}

// A NUL (a stray byte of a badly exported file) would make PostgreSQL refuse the whole import.
function cleanCell(value: string): string {
  return storableText(value).normalize('NFC').trim();
}

function toRows(records: readonly { rowNumber: number; cells: readonly string[] }[]): RosterRow[] {
  return records
    .map((r) => ({ rowNumber: r.rowNumber, cells: r.cells.map(cleanCell) }))
    .filter((r) => r.cells.some((c) => c !== ''));
}

/**
 * Reads a CSV or XLSX roster. Throws AppError VALIDATION_FAILED with a message for the person who
 * chose the file when it cannot be read; knows nothing of the columns a roster should have.
 */
export async function readRosterFile(content: Buffer, fileName: string): Promise<RosterSheet> {
  const extension = extensionOf(fileName);
  // .txt: Excel's "Unicode Text" export (tab-separated UTF-16).
  if (extension === '.csv' || extension === '.txt') return { fileName, rows: toRows(readCsv(content, fileName)) };
  if (extension === '.xlsx') return { fileName, rows: toRows(await readXlsx(content, fileName)) };
  if (extension === '.xls') {
    throw new AppError('VALIDATION_FAILED', `Tệp ${fileName} có định dạng Excel cũ (.xls). Hãy mở bằng Excel và lưu lại thành .xlsx hoặc CSV UTF-8.`);
  }
  throw new AppError('VALIDATION_FAILED', `Không đọc được tệp ${fileName}: chỉ nhận tệp .csv hoặc .xlsx.`);
}

// ---------------------------------------------------------------- CSV

function decodeText(content: Buffer, fileName: string): string {
  // Excel's "Unicode Text" export is UTF-16 LE with a byte order mark.
  if (content[0] === 0xff && content[1] === 0xfe) return content.subarray(2).toString('utf16le');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content).replace(/^\uFEFF/, '');
  } catch {
    // Excel's plain "CSV" on a Vietnamese Windows writes Windows-1258, which would garble every name.
    throw new AppError(
      'VALIDATION_FAILED',
      `Tệp ${fileName} không phải văn bản UTF-8 nên tiếng Việt sẽ bị lỗi font. Trong Excel hãy chọn "Lưu thành" → "CSV UTF-8 (Comma delimited)", hoặc gửi tệp .xlsx.`,
    );
  }
}

/** The delimiter that appears most often, outside quotes, in the first non-empty line. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  let seenContent = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (seenContent) break;
    } else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    else if (ch.trim() !== '') seenContent = true;
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > (counts.get(best) ?? 0)) best = delimiter;
  return best;
}

function readCsv(content: Buffer, fileName: string): { rowNumber: number; cells: string[] }[] {
  const text = decodeText(content, fileName);
  try {
    const records = parse(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      info: true,
    }) as unknown as { record: string[]; info: { records: number } }[];
    // A record is one spreadsheet row even when a quoted cell spans lines, so number by record.
    return records.map(({ record, info }) => ({ rowNumber: info.records, cells: record }));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new AppError('VALIDATION_FAILED', `Không đọc được tệp CSV ${fileName}: ${detail}`, { cause: error });
  }
}

// ---------------------------------------------------------------- XLSX

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The text a person sees in a cell, for the values exceljs gives (formulas give their result). */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // exceljs reads dates as UTC midnight of the day typed in the sheet.
  if (value instanceof Date) return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('error' in value) return value.error;
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result ?? null);
  if ('hyperlink' in value) return cellText(value.text as ExcelJS.CellValue);
  return '';
}

async function readXlsx(content: Buffer, fileName: string): Promise<{ rowNumber: number; cells: string[] }[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs types its Buffer parameter against an older @types/node; the value is a Buffer all the same.
    await workbook.xlsx.load(content as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch (error) {
    throw new AppError('VALIDATION_FAILED', `Không đọc được tệp Excel ${fileName}: tệp bị hỏng hoặc không phải .xlsx.`, { cause: error });
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) throw new AppError('VALIDATION_FAILED', `Tệp Excel ${fileName} không có trang tính nào.`);
  const rows: { rowNumber: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let column = 1; column <= row.cellCount; column += 1) cells.push(cellText(row.getCell(column).value));
    rows.push({ rowNumber, cells });
  });
  return rows;
}
