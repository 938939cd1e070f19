/**
 * `npm run test:faults`: the fault suite (test/faults/*.faults.ts). Apart from `npm test` because
 * each scenario runs its own PostgreSQL cluster and redis-server and takes minutes; see
 * RELIABILITY.md. One file at a time (--runInBand): the scenarios measure recovery.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.faults.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  // As jest.config.js: src/main/runtime.ts's lazy import('./x.js').
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 600_000,
  verbose: true,
};
