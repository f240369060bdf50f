import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { damageMiddle } from '../helpers/damage';
import { loginAs, startWebMode, type WebMode } from './web-mode';
import { docShot } from './shots';

/**
 * Backups of the replica (issue 7) in web mode: the admin's screen (list, «Создать копию», restore with
 * a confirmation), and a damaged replica whose login screen offers the newest good backup.
 */
let web: WebMode | null = null;
test.afterEach(async () => {
  await web?.stop();
  web = null;
});

/** The replica's own backup folder (issue 14): backups/<its replica id>/, the only one in these tests. */
const ownDir = (dbPath: string): string | null => {
  const root = join(dirname(dbPath), 'backups');
  const ids = existsSync(root) ? readdirSync(root).filter((n) => /^[0-9a-f-]{36}$/.test(n)) : [];
  expect(ids.length).toBeLessThanOrEqual(1);
  return ids[0] ? join(root, ids[0]) : null;
};

const backupsOf = (dbPath: string) => {
  const dir = ownDir(dbPath);
  return dir ? readdirSync(dir).filter((n) => /^replica-.*\.db$/.test(n)) : [];
};

/** Web mode makes the day's backup at start; wait for it. */
async function dailyBackup(dbPath: string): Promise<string> {
  await expect.poll(() => backupsOf(dbPath).filter((n) => n.includes('_daily')).length).toBe(1);
  return backupsOf(dbPath)[0] ?? '';
}

test('the admin creates a backup and restores one from the Backups screen', async ({ page }) => {
  web = await startWebMode();
  await dailyBackup(web.dbPath);
  await loginAs(page, web.url, 'admin');
  // Only the admin has the area; Alt+9 opens it.
  await page.keyboard.press('Alt+9');
  await expect(page.getByRole('heading', { name: 'Резервные копии реплики' })).toBeVisible();
  const rows = page.locator('.backup-table tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('ежедневная');
  await page.getByRole('button', { name: 'Создать копию' }).click();
  await expect(page.getByText('Копия создана:')).toBeVisible();
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('вручную');
  await expect(rows.first()).toContainText(/\d+,\d МБ/);
  expect(backupsOf(web.dbPath).filter((n) => n.includes('_manual'))).toHaveLength(1);
  await docShot(page, 'backup.png');

  // Restore: a confirmation first (Esc cancels), then the app goes back to the login screen.
  await rows.nth(1).getByRole('button', { name: 'Восстановить…' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Восстановить реплику из копии');
  await expect(dialog.getByRole('button', { name: 'Отмена' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await rows.nth(1).getByRole('button', { name: 'Восстановить…' }).click();
  await dialog.getByRole('button', { name: 'Восстановить', exact: true }).click();
  await expect(page.getByText('Реплика восстановлена из копии')).toBeVisible();
  await expect(page.getByLabel('Логин')).toBeVisible();
  expect(backupsOf(web.dbPath).filter((n) => n.includes('_pre-restore'))).toHaveLength(1);
  await loginAs(page, web.url, 'admin');

  // Other roles do not see the area.
  await page.getByRole('button', { name: 'Выйти' }).click();
  await loginAs(page, web.url, 'dean');
  await expect(page.getByRole('navigation', { name: 'main' })).not.toContainText('Резервные копии');
});

test('a damaged replica: the login screen offers the newest good backup; restore, then login', async ({
  page,
}) => {
  web = await startWebMode();
  const dbPath = web.dbPath;
  const good = await dailyBackup(dbPath);
  await web.stop();
  web = null;
  damageMiddle(dbPath);

  web = await startWebMode(dbPath);
  await page.goto(web.url);
  await expect(page.getByRole('heading', { name: 'Файл реплики повреждён' })).toBeVisible();
  await expect(page.getByText('Последняя исправная резервная копия')).toContainText('ежедневная');
  await expect(page.getByLabel('Логин')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/backup-damaged.png' });
  // Kyrgyz too.
  await page.getByRole('button', { name: 'Кыр' }).click();
  await expect(page.getByRole('heading', { name: 'Реплика файлы бузулган' })).toBeVisible();
  await page.getByRole('button', { name: 'Рус' }).click();
  await page.getByTestId('restore-offer').click();
  await expect(page.getByText('Реплика восстановлена из копии')).toBeVisible();
  await loginAs(page, web.url, 'dean');
  // The damaged file was moved aside; the restored replica is the backup's.
  expect(readdirSync(ownDir(dbPath) ?? '').some((n) => n.startsWith('damaged-'))).toBe(true);
  expect(backupsOf(dbPath)).toContain(good);
});
