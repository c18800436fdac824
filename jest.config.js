// Four suites: unit (no infrastructure), integration (real PostgreSQL), e2e (real Kafka +
// PostgreSQL), browser (the web app in Debian's chromium, on the hub on real Kafka + PostgreSQL).
// `npm test` builds first (e2e and browser spawn the built services) and runs them all.
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFiles: ['reflect-metadata', '<rootDir>/test/support/quiet-logs.ts'],
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'], globalSetup: '<rootDir>/test/support/postgres.global-setup.ts' },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/e2e.global-setup.ts',
      globalTeardown: '<rootDir>/test/support/e2e.global-teardown.ts',
    },
    {
      ...base,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/test/support/browser.global-setup.ts',
      globalTeardown: '<rootDir>/test/support/e2e.global-teardown.ts',
    },
  ],
  testTimeout: 120000,
};
