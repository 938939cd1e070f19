import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../errors/app-error';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The `--name value` options of a command (a leading `--` from `npm run x -- …` is dropped), with
 * what went wrong said in Vietnamese, followed by how to use the command.
 */
export function parseCommandOptions<O extends Options>(args: readonly string[], options: O, usage: string) {
  try {
    return parseArgs({ args: args.filter((a, i) => !(i === 0 && a === '--')), options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const quoted = /'([^']+)'/.exec((error as Error).message)?.[1] ?? '';
    const problem =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `Không hiểu tuỳ chọn ${quoted}.`
        : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? `Tuỳ chọn ${quoted.split(' ')[0]} cần một giá trị.`
          : code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
            ? `Không hiểu "${quoted}".`
            : 'Không hiểu các tuỳ chọn.';
    throw commandUsageError(problem, usage);
  }
}

export function commandUsageError(problem: string, usage: string): AppError {
  return new AppError('VALIDATION_FAILED', `${problem}\nCách dùng: ${usage}`);
}
