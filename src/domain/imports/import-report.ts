/** Why one spreadsheet row was not imported; `reason` reads after "Dòng N: ". */
export interface RowProblem {
  readonly rowNumber: number;
  readonly reason: string;
}

/** What an import did (or, when it refused the file, what was wrong with it). */
export interface ImportReport {
  readonly subject: 'units' | 'members';
  readonly fileName: string;
  /** Data rows in the file (the header and empty rows not counted). */
  readonly rows: number;
  /** False when bad rows stopped the whole file: then nothing was written and the counts are 0. */
  readonly imported: boolean;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Rows that cannot be imported as they are. */
  readonly invalid: readonly RowProblem[];
  /** Valid rows that were left alone on purpose (a member who left the Union is not revived). */
  readonly skipped: readonly RowProblem[];
}

const SUBJECT: Record<ImportReport['subject'], string> = { units: 'đơn vị', members: 'thành viên' };

export function formatRowProblem(problem: RowProblem): string {
  return `Dòng ${problem.rowNumber}: ${problem.reason}`;
}

function listed(problems: readonly RowProblem[], limit: number): string[] {
  const lines = problems.slice(0, limit).map((p) => `  ${formatRowProblem(p)}`);
  if (problems.length > limit) lines.push(`  … và ${problems.length - limit} dòng khác`);
  return lines;
}

/** A short report in Vietnamese for the person who ran the import. */
export function formatImportReport(report: ImportReport, options: { maxListed?: number } = {}): string {
  const limit = options.maxListed ?? 200;
  const what = SUBJECT[report.subject];
  const lines: string[] = [];
  if (!report.imported) {
    lines.push(
      `Không nhập gì từ ${report.fileName}: ${report.invalid.length}/${report.rows} dòng có lỗi.`,
      'Dòng lỗi:',
      ...listed(report.invalid, limit),
    );
    return lines.join('\n');
  }
  lines.push(
    `Đã nhập ${what} từ ${report.fileName} (${report.rows} dòng): thêm mới ${report.created}, cập nhật ${report.updated}, ` +
      `không đổi ${report.unchanged}, bỏ qua ${report.skipped.length}, lỗi ${report.invalid.length}.`,
  );
  if (report.skipped.length > 0) lines.push('Bỏ qua (không thay đổi):', ...listed(report.skipped, limit));
  if (report.invalid.length > 0) lines.push('Dòng lỗi (không được nhập):', ...listed(report.invalid, limit));
  return lines.join('\n');
}

/** Rows are grouped by number; a row with several problems is one problem with its reasons joined. */
export function mergeRowProblems(problems: readonly RowProblem[]): RowProblem[] {
  const byRow = new Map<number, string[]>();
  for (const p of problems) byRow.set(p.rowNumber, [...(byRow.get(p.rowNumber) ?? []), p.reason]);
  return [...byRow.entries()].sort(([a], [b]) => a - b).map(([rowNumber, reasons]) => ({ rowNumber, reason: reasons.join('; ') }));
}
