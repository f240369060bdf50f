import { expect, test, type Page } from '@playwright/test';
import { loginAs, useWebMode } from './web-mode';

/**
 * Login throttling on the login screen (issue 14, item 2): five wrong passwords are refused as wrong,
 * the sixth try waits — even with the right password — and says for how long; the admin lifts the lock
 * on the Sync screen and the person logs in at once.
 */
const env = useWebMode();

async function tryLogin(page: Page, password: string) {
  await page.getByLabel('Логин').fill('dean');
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
}

test('the sixth wrong password waits, even the right one; the admin lifts the lock', async ({ page }) => {
  await page.goto(env.web.url);
  const alert = page.getByRole('alert');
  for (let i = 1; i <= 5; i++) {
    await tryLogin(page, `не тот пароль ${i}`);
    await expect(alert).toContainText('Неверный логин или пароль');
    await expect(page.getByLabel('Логин')).toBeEnabled();
  }
  await tryLogin(page, 'не тот пароль 6');
  await expect(alert).toContainText('Слишком много неверных паролей: повторите вход через');
  // During the wait the right password is refused too, unjudged.
  await tryLogin(page, 'demo');
  await expect(alert).toContainText('Слишком много неверных паролей');
  await expect(page.getByRole('navigation', { name: 'main' })).toBeHidden();
  await page.screenshot({ path: 'test-results/screens/throttled-login-ru-1440.png' });

  // The admin lifts it on the Sync screen.
  await loginAs(page, env.web.url, 'admin');
  await page.getByTestId('sync-indicator').click();
  const form = page.getByTestId('unlock-login');
  await expect(form.getByRole('heading', { name: 'Блокировка входа после неверных паролей' })).toBeVisible();
  await form.getByLabel('Логин').fill('dean');
  await form.getByRole('button', { name: 'Снять блокировку' }).click();
  await expect(form.getByRole('status')).toContainText('Блокировка входа снята');
  for (const [w, h] of [
    [1280, 720],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await form.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-results/screens/unlock-ru-${w}.png` });
  }
  await page.locator('.lang-switch button[lang="ky"]').click();
  await expect(form.getByRole('status')).toBeVisible();
  for (const [w, h] of [
    [1280, 720],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await form.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-results/screens/unlock-ky-${w}.png` });
  }
  await page.locator('.lang-switch button[lang="ru"]').click();

  // The dean logs in at once.
  await page.getByRole('button', { name: 'Выйти' }).click();
  await tryLogin(page, 'demo');
  await expect(page.getByRole('navigation', { name: 'main' })).toBeVisible();
});
