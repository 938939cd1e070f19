/**
 * A report as a table, apart from its file format: the XLSX and CSV writers (xlsx-writer.ts,
 * csv-writer.ts) both render it, so a sheet and its CSV cannot say different things.
 */

/** A date-time cell holds the instant; the writers show it on the wall clock of the report's zone. */
export type CellValue = string | number | Date | null;
export type Row = readonly CellValue[];

export interface ReportColumn {
  readonly header: string;
  /** Width in characters (XLSX). */
  readonly width: number;
  /** How the XLSX shows a number or an instant; text by default. */
  readonly format?: 'integer' | 'percent' | 'dateTime';
}

export interface ReportTable {
  /** The sheet's tab (at most 31 characters). */
  readonly sheetName: string;
  /** The lines above the table, as a district office writes them (report-heading.ts). */
  readonly heading: readonly string[];
  readonly columns: readonly ReportColumn[];
  /** Read once, in order; an async source (a database cursor) keeps a big table out of memory. */
  readonly rows: Iterable<Row> | AsyncIterable<Row>;
  /**
   * Cell borders on the rows (XLSX). Right for a table of a few hundred rows; a list of tens of
   * thousands goes without: exceljs's styles double the cost of every cell (bench/results/reports-*).
   */
  readonly bordered: boolean;
  /** The closing row (totals), asked for after the last row has been read. */
  readonly footer?: () => Row;
}

/** What every writer needs besides the table. */
export interface WriteOptions {
  /** APP_TIMEZONE: date-time cells are shown on its wall clock. */
  readonly timeZone: string;
}
