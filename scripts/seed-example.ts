/**
 * npm run seed:example [-- --year YYYY]
 * Loads the example plan (118-KH/ĐTN-TG.ĐN, Quận Đoàn Bình Tân) for a year, default 2024, as
 * clearly labelled sample data. Running it again creates nothing and changes nothing.
 */
import { AppError } from '../src/errors/app-error';
import { parseExampleYear } from '../src/domain/plans/example-plan';
import { describeSeedResult, seedExamplePlan } from '../src/domain/plans/plan-seed.service';
import { runScript } from '../src/main/cli';

const USAGE = 'Cách dùng / usage: npm run seed:example [-- --year YYYY]';

function yearArgument(args: readonly string[]): string | undefined {
  let year: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--year') {
      year = args[i + 1];
      if (year === undefined) throw new AppError('VALIDATION_FAILED', `Thiếu năm sau --year / --year needs a value.\n${USAGE}`);
      i += 1;
    } else if (arg.startsWith('--year=')) {
      year = arg.slice('--year='.length);
    } else {
      throw new AppError('VALIDATION_FAILED', `Tham số không hợp lệ / unknown argument: ${arg}\n${USAGE}`);
    }
  }
  return year;
}

runScript('seed-example', async ({ config, db, args }) => {
  const year = parseExampleYear(yearArgument(args));
  const result = await seedExamplePlan(db, { year, timeZone: config.timezone });
  process.stdout.write(describeSeedResult(result));
});
