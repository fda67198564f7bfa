import { defineConfig } from 'vitest/config';

// Unit, property and integration tests in Node. The browser tests live in e2e/ with their own config.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
