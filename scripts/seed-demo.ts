/**
 * npm run seed:demo
 * The example plan of the current year plus what it takes to try every journey in /simulator
 * today: an open wave, a small roster with a cadre, a collaborator task. Clearly labelled sample
 * data; running it again the same day changes nothing.
 */
import { AppError } from '../src/errors/app-error';
import { describeDemoSeed, seedDemo } from '../src/domain/plans/demo-seed.service';
import { describeSeedResult } from '../src/domain/plans/plan-seed.service';
import { runScript } from '../src/main/cli';

runScript('seed-demo', async ({ config, db, args }) => {
  if (args.length > 0) throw new AppError('VALIDATION_FAILED', `Lệnh này không nhận tham số / no arguments: ${args.join(' ')}\nCách dùng / usage: npm run seed:demo`);
  const result = await seedDemo(db, { now: new Date(), timeZone: config.timezone });
  process.stdout.write(describeDemoSeed(result, describeSeedResult, `${config.publicBaseUrl}/simulator`));
});
