/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  // src/main/runtime.ts loads the HTTP role's modules lazily with import('./x.js') (NodeNext wants the extension).
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
  // Each integration test file makes its own database; see test/helpers/test-database.ts.
  globalTeardown: '<rootDir>/test/helpers/global-teardown.js',
};
