import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { AppError } from '../../errors/app-error';
import { formatImportReport, type ImportReport } from './import-report';

/** What `npm run import:units|import:members -- FILE [--skip-invalid]` was asked to do. */
export interface ImportArguments {
  readonly file: string;
  readonly skipInvalid: boolean;
}

export function parseImportArguments(args: readonly string[], usage: string): ImportArguments {
  const files: string[] = [];
  let skipInvalid = false;
  for (const arg of args) {
    if (arg === '--') continue;
    if (arg === '--skip-invalid') skipInvalid = true;
    else if (arg.startsWith('-')) throw new AppError('VALIDATION_FAILED', `Không hiểu tuỳ chọn ${arg}.\nCách dùng: ${usage}`);
    else files.push(arg);
  }
  const [file] = files;
  if (file === undefined || files.length > 1) {
    throw new AppError('VALIDATION_FAILED', `${file === undefined ? 'Thiếu tên tệp' : 'Chỉ nhập một tệp mỗi lần'}.\nCách dùng: ${usage}`);
  }
  return { file, skipInvalid };
}

/**
 * The file's name (for messages) and bytes; a missing or unreadable file is a message, not a stack.
 * A relative path is taken from `directory` (npm runs scripts in the package root, not where the user is).
 */
export async function readImportFile(path: string, directory: string): Promise<{ name: string; content: Buffer }> {
  try {
    return { name: basename(path), content: await readFile(resolve(directory, path)) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'không tồn tại' : code === 'EISDIR' ? 'là một thư mục' : code === 'EACCES' ? 'không có quyền đọc' : 'không đọc được';
    throw new AppError('VALIDATION_FAILED', `Tệp ${path} ${why}.`, { cause: error });
  }
}

/** 0 when rows were imported (or there was nothing wrong), 1 when bad rows kept everything out. */
export function importExitCode(report: ImportReport): 0 | 1 {
  if (!report.imported) return 1;
  const applied = report.created + report.updated + report.unchanged + report.skipped.length;
  return applied > 0 || report.invalid.length === 0 ? 0 : 1;
}

/** The report, plus what to do next when the file was refused. */
export function formatCommandReport(report: ImportReport): string {
  const text = formatImportReport(report);
  if (report.imported) return text;
  const valid = report.rows - report.invalid.length;
  const next = valid > 0 ? `, hoặc thêm --skip-invalid để chỉ nhập ${valid} dòng hợp lệ` : '';
  return `${text}\nSửa các dòng trên rồi chạy lại${next}.`;
}
