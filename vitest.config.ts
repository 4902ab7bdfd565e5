import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB uses both cores per test file already; two forks keep memory and time in check.
    pool: 'forks',
    maxWorkers: 2,
  },
});
