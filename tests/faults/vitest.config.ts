import { defineConfig } from 'vitest/config';

// The fault suite runs on its own (`pnpm test:faults`, a step of .ci/run), one file at a time:
// it starts and kills real processes, and timing under load matters more than parallelism.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
