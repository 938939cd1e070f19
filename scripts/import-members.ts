import { formatCommandReport, importExitCode, parseImportArguments, readImportFile } from '../src/domain/imports/import-command';
import { importMembersFile } from '../src/domain/members/member-import.service';
import { runScript } from '../src/main/cli';

runScript('import-members', async ({ db, args }) => {
  const { file, skipInvalid } = parseImportArguments(args, 'npm run import:members -- DANH-SACH.csv|DANH-SACH.xlsx [--skip-invalid]');
  const report = await importMembersFile(db, await readImportFile(file, process.env.INIT_CWD ?? process.cwd()), { skipInvalid });
  process.stdout.write(`${formatCommandReport(report)}\n`);
  return importExitCode(report);
});
