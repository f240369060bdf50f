import type { Page } from '@playwright/test';

/**
 * A screenshot for the README: always into test-results/screens/ (looked at after a run), and into
 * docs/screenshots/ only when asked (`UPDATE_DOC_SCREENSHOTS=1 npx playwright test`), so that `npm test`
 * leaves the working tree as it found it.
 */
export async function docShot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${name}` });
  if (process.env.UPDATE_DOC_SCREENSHOTS === '1') await page.screenshot({ path: `docs/screenshots/${name}` });
}
