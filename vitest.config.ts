import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'services/*/test/**/*.test.ts',
    ],
    // Browser suites run through `pnpm test:browser` (they need Chromium).
    exclude: ['**/node_modules/**', '**/*.browser.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: keep the worker count modest so PGlite instances and servers do not starve each other.
    maxWorkers: 2,
  },
});
