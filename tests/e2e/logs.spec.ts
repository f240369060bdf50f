import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loginAs, useWebMode } from './web-mode';
import { docShot } from './shots';

/**
 * The status bar's latest errors (issue 14, item 5): a refused login and a failed connection to AVN
 * are logged on this PC; the admin's status bar counts them and opens a panel listing them in Russian
 * or Kyrgyz — and the log file beside the replica holds them as JSON lines without the login.
 */
const env = useWebMode();

test('errors show in the status bar and open in a panel, in Russian and Kyrgyz', async ({ page }) => {
  // A refused login (wrong password).
  await page.goto(env.web.url);
  await page.getByLabel('Логин').fill('dean');
  await page.getByLabel('Пароль').fill('не тот пароль');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByText('Неверный логин или пароль')).toBeVisible();

  // The admin connects to an address where no gateway listens: sync refuses.
  await loginAs(page, env.web.url, 'admin');
  await page.getByTestId('sync-indicator').click();
  await page.getByLabel('Адрес шлюза AVN').fill('http://127.0.0.1:9');
  await page.getByTestId('connect-form').getByLabel('Логин').fill('admin');
  await page.getByTestId('connect-form').getByLabel('Пароль').fill('demo');
  await page.getByRole('button', { name: 'Подключить' }).click();

  const indicator = page.getByTestId('errors-indicator');
  await expect(indicator).toHaveText('2 ошибки', { timeout: 15_000 });
  await indicator.click();
  const panel = page.getByTestId('errors-panel');
  await expect(panel.getByRole('heading', { name: 'Последние ошибки' })).toBeVisible();
  const rows = panel.locator('tbody tr');
  await expect(rows).toHaveCount(2);
  // Newest first: the failed connection, then the refused login.
  await expect(rows.nth(0)).toContainText('Действие не выполнено');
  await expect(rows.nth(0)).toContainText('Синхронизация');
  await expect(rows.nth(0)).toContainText('синхронизация не удалась');
  await expect(rows.nth(1)).toContainText('Вход отклонён');
  await expect(rows.nth(1)).toContainText('неверный логин или пароль');
  await expect(panel.getByRole('button', { name: 'Закрыть' })).toBeFocused();

  for (const [w, h] of [
    [1280, 720],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `test-results/screens/errors-ru-${w}.png` });
  }
  await docShot(page, 'errors.png');
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();

  await page.locator('.lang-switch button[lang="ky"]').click();
  await expect(indicator).toHaveText('2 ката');
  await indicator.click();
  await expect(panel.getByRole('heading', { name: 'Акыркы каталар' })).toBeVisible();
  await expect(rows.nth(1)).toContainText('Кирүү четке кагылды');
  await expect(rows.nth(1)).toContainText('логин же сырсөз туура эмес');
  for (const [w, h] of [
    [1280, 720],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `test-results/screens/errors-ky-${w}.png` });
  }
  await panel.getByRole('button', { name: 'Жабуу' }).click();
  await expect(panel).toBeHidden();

  // The same two in the log file beside the replica, as JSON lines without the login or the password.
  const file = join(dirname(env.web.dbPath), 'logs', 'replica.log');
  await expect.poll(() => readFileSync(file, 'utf8').includes('SYNC_FAILED')).toBe(true);
  const log = readFileSync(file, 'utf8');
  const lines = log
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; level: string; code?: string });
  expect(lines.find((l) => l.event === 'auth.login.refused')).toMatchObject({ level: 'warn' });
  expect(lines.find((l) => l.event === 'api.failed' && l.code === 'SYNC_FAILED')).toMatchObject({
    level: 'warn',
  });
  expect(log).not.toContain('"dean"');
  expect(log).not.toContain('не тот пароль');
});
