import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src-shared/**/*.test.ts',
      'src-main/**/*.test.ts',
      'src-gateway/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    pool: 'forks',
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 180_000, // a bound against hangs, not a measure of speed (a loaded machine is slow)
    hookTimeout: 120_000,
  },
});
