import type { z } from 'zod';
import { AppError } from '../../errors/app-error';

/** Where a bad value was: the path, the query string or the JSON body. */
export type InputLocation = 'path' | 'query' | 'body';

/** One reason a request was refused, named by the field (`hashtags.0`, `audience.wave.id`). */
export interface FieldProblem {
  readonly path: string;
  readonly in: InputLocation;
  readonly reason: string;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'chuỗi ký tự', number: 'số', int: 'số nguyên', boolean: 'true hoặc false', array: 'danh sách', object: 'đối tượng JSON',
};

const FORMAT_REASONS: Readonly<Record<string, string>> = {
  datetime: 'phải là thời điểm ISO 8601 có múi giờ, ví dụ 2026-12-01T07:00:00+07:00',
  uuid: 'phải là một id (UUID)',
  url: 'phải là một địa chỉ https://',
};

/**
 * The reasons staff read, in Vietnamese. Messages a schema sets itself win over these (zod's
 * precedence), so a rule with its own wording keeps it.
 */
const vietnameseReasons: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'bắt buộc, chưa có' : `phải là ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string') return `cần ít nhất ${issue.minimum} ký tự`;
      if (issue.origin === 'array') return `cần ít nhất ${issue.minimum} mục`;
      return `phải ${issue.inclusive ? '≥' : '>'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `dài tối đa ${issue.maximum} ký tự`;
      if (issue.origin === 'array') return `tối đa ${issue.maximum} mục`;
      return `phải ${issue.inclusive ? '≤' : '<'} ${issue.maximum}`;
    case 'invalid_format':
      return FORMAT_REASONS[issue.format] ?? 'sai định dạng';
    case 'invalid_value':
      return `phải là một trong: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'unrecognized_keys':
      return 'trường không được nhận';
    case 'invalid_union':
      return 'không đúng dạng nào được nhận';
    default:
      return undefined;
  }
};

function joinPath(prefix: readonly PropertyKey[], path: readonly PropertyKey[]): string {
  return [...prefix, ...path].map(String).join('.');
}

function problemsOf(issues: readonly z.core.$ZodIssue[], location: InputLocation, prefix: readonly PropertyKey[] = []): FieldProblem[] {
  return issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: joinPath(prefix, [...issue.path, key]), in: location, reason: issue.message }));
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // The alternative that came closest (fewest problems) says best what is wrong.
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
      return problemsOf(closest, location, [...prefix, ...issue.path]);
    }
    return [{ path: joinPath(prefix, issue.path), in: location, reason: issue.message }];
  });
}

/** Parses one part of the request; every problem becomes a named field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, location: InputLocation): { ok: true; value: z.output<S> } | { ok: false; problems: FieldProblem[] } {
  const result = schema.safeParse(value, { error: vietnameseReasons, reportInput: true });
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: problemsOf(result.error.issues, location) };
}

export function validationError(problems: readonly FieldProblem[]): AppError {
  const named = problems.map((p) => `${p.path || '(toàn bộ)'}: ${p.reason}`).join('; ');
  return new AppError('VALIDATION_FAILED', `Dữ liệu gửi lên chưa hợp lệ: ${named}.`, { details: { fields: problems } });
}
