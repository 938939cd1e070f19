import type { Readable } from 'node:stream';
import type { Db } from '../../db/database';
import { matchKey } from '../shared/text';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/**
 * A report file on its way out: what the staff member's browser saves it as, its type, and its
 * bytes as they are written. Every export function returns one; the HTTP layer only pipes it.
 */
export interface ExportFile {
  readonly filename: string;
  readonly contentType: string;
  readonly body: Readable;
}

/** A file name any system accepts: "Thắp nến tri ân 2026" → "thap-nen-tri-an-2026". */
export function fileSlug(text: string, maxLength = 60): string {
  return matchKey(text).replace(/ /g, '-').slice(0, maxLength).replace(/-+$/, '') || 'bao-cao';
}

/** What every export needs from the composition root. */
export interface ExportContext {
  readonly db: Db;
  /** APP_TIMEZONE: the days and times a report shows. */
  readonly timeZone: string;
  readonly now: () => Date;
}
