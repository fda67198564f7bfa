import { defineConfig } from 'vitest/config';

// The fault suite's short run: real processes, alone on the machine (after the unit tests), so
// that the bounds it checks are not the other tests' CPU.
export default defineConfig({
  test: {
    include: ['chaos/**/*.test.ts'],
    testTimeout: 600_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
