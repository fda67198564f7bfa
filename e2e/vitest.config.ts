import { defineConfig } from 'vitest/config';

// Browser tests: real Chromium (Debian's, /usr/bin/chromium) driven by playwright-core.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
