import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { loginAs, useWebMode } from './web-mode';
import { docShot } from './shots';

/**
 * The retention register in web mode: the archivist opens Архив → Сроки хранения and sees the demo year
 * with the date its records are kept until; an expired year 2019–2020 with a verified package (as the
 * archive register would hold it after sync) can be purged — the confirmation asks for the year's name,
 * and the row then waits for AVN. The deanery sees the register without the button.
 */
const env = useWebMode();

const PKG = '0190a0a0-0000-7000-8000-0000000000f1';

test.beforeAll(() => {
  // Reference rows as they arrive from the centre (row_version ≥ 1): an expired year and its package.
  const db = new Database(env.web.dbPath);
  const at = Date.UTC(2026, 0, 10);
  db.exec(`INSERT INTO academic_years (id, name, starts_on, ends_on, row_version, updated_at, updated_by)
      VALUES (90, '2019–2020', '2019-09-01', '2020-08-31', 1, ${at}, NULL);
    INSERT INTO semesters (id, academic_year_id, number, starts_on, ends_on, row_version, updated_at, updated_by)
      VALUES (901, 90, 1, '2019-09-01', '2020-01-31', 1, ${at}, NULL), (902, 90, 2, '2020-02-01', '2020-06-30', 1, ${at}, NULL);
    INSERT INTO archive_packages (id, unit_kind, unit_id, period_kind, period_id, academic_year_id, file_name, size_bytes,
      digest, counts, made_at, made_by, verified_at, verified_by, row_version, updated_at, updated_by)
      VALUES ('${PKG}', 'faculty', 1, 'year', 90, 90, 'faculty-1-2019-2020.zip', 123456, '${'e3'.repeat(32)}',
        '{"marks":51234}', ${at}, NULL, ${at}, NULL, 2, ${at}, NULL);`);
  db.close();
});

test('the archivist sees the years with their due dates and requests the purge of an expired one', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await loginAs(page, env.web.url, 'archivist');
  await page.getByRole('button', { name: 'Архив', exact: true }).click();
  await page.getByRole('tab', { name: 'Сроки хранения' }).click();
  const table = page.getByRole('table', { name: 'Сроки хранения' });
  const demo = table.locator('[data-year="2026–2027"]');
  await expect(demo).toContainText('31.08.2032');
  await expect(demo).toContainText('хранится');
  await expect(demo).toContainText('нет пакета');
  const old = table.locator('[data-year="2019–2020"]');
  await expect(old).toContainText('31.08.2025');
  await expect(old).toContainText('срок истёк');
  await expect(old).toContainText('за год ✓ проверен');
  await expect(page.getByText('Срок наступил: 1')).toBeVisible();
  await docShot(page, 'retention.png');

  // Only what is due: the demo year (nothing due) disappears.
  await page.getByLabel('только то, срок чего наступил').check();
  await expect(demo).toHaveCount(0);
  await expect(old).toBeVisible();

  // The purge: the dialog explains what goes and waits for the year's name.
  await old.getByRole('button', { name: 'Запросить удаление' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Учебная нагрузка, студенты и реестр бумажных журналов сохраняются');
  const submit = dialog.getByRole('button', { name: 'Удалить записи' });
  await expect(submit).toBeDisabled();
  await dialog.getByLabel('Название учебного года').fill('2018–2019');
  await expect(submit).toBeDisabled();
  await dialog.getByLabel('Название учебного года').fill('2019-2020');
  await page.screenshot({ path: 'test-results/screens/retention-purge.png' });
  await submit.click();
  await expect(dialog).toHaveCount(0);
  await expect(old).toContainText('запрошено, ждёт AVN');
  await expect(old.getByRole('button', { name: 'Запросить удаление' })).toHaveCount(0);
  expect(env.db.prepare("SELECT count(*) AS n FROM outbox WHERE name = 'archive.purge'").get()).toEqual({
    n: 1,
  });

  // The deanery looks: the same register, no button.
  await page.getByRole('button', { name: 'Выйти' }).click();
  await loginAs(page, env.web.url, 'dean');
  await page.getByRole('button', { name: 'Архив', exact: true }).click();
  await page.getByRole('tab', { name: 'Сроки хранения' }).click();
  await expect(table.locator('[data-year="2019–2020"]')).toContainText('запрошено, ждёт AVN');
  await expect(page.getByText('Только просмотр')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Запросить удаление' })).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/retention-dean.png' });
  // In Kyrgyz.
  await page.getByRole('button', { name: 'Кыр' }).click();
  await expect(page.locator('[data-year="2019–2020"]')).toContainText('суралды, AVN күтүлүүдө');
  await page.screenshot({ path: 'test-results/screens/retention-ky.png' });
  expect(errors).toEqual([]);
});
