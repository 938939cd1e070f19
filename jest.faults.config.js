/**
 * `npm run test:faults`: the fault suite (test/faults/*.faults.ts). Apart from `npm test` because
 * each scenario runs its own PostgreSQL cluster and redis-server and takes minutes; see
 * RELIABILITY.md. One file at a time (--runInBand): the scenarios measure recovery.
 * `FAULTS_ONLY=redis-outage,postgres-outage` runs those scenarios alone (the file names without
 * `.faults.ts`); a name that matches no file stops the run, so nothing is skipped quietly.
 * @type {import('jest').Config}
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const only = (process.env.FAULTS_ONLY ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter((name) => name !== '');
for (const name of only) {
  if (!existsSync(join(__dirname, 'test/faults', `${name}.faults.ts`))) throw new Error(`FAULTS_ONLY: no scenario test/faults/${name}.faults.ts`);
}

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: only.length > 0 ? only.map((name) => `**/${name}.faults.ts`) : ['**/*.faults.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  // As jest.config.js: src/main/runtime.ts's lazy import('./x.js').
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 600_000,
  verbose: true,
};
