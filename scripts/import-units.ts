import { formatCommandReport, importExitCode, parseImportArguments, readImportFile } from '../src/domain/imports/import-command';
import { importUnitsFile } from '../src/domain/units/unit-import.service';
import { runScript } from '../src/main/cli';

runScript('import-units', async ({ db, args }) => {
  const { file, skipInvalid } = parseImportArguments(args, 'npm run import:units -- DON-VI.csv|DON-VI.xlsx [--skip-invalid]');
  const report = await importUnitsFile(db, await readImportFile(file, process.env.INIT_CWD ?? process.cwd()), { skipInvalid });
  process.stdout.write(`${formatCommandReport(report)}\n`);
  return importExitCode(report);
});
