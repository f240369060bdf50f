import { defineConfig } from '@playwright/test';

// Playwright drives Debian's Chromium (the Playwright browser download cannot work on this network).
export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  timeout: 180_000,
  // Expectations wait for a state; the bound only stops a hang (print and archive jobs are slow on a loaded machine).
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
