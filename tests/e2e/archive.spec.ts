import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { rewritePackage } from '../helpers/archive';
import { loginAs, openJournal, startWebMode, useWebMode } from './web-mode';
import { docShot } from './shots';

/** The screen at 1280×720 and 1440×900, in Russian and Kyrgyz (issue 14: the changed archive screens). */
async function for2Shots(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  for (const [w, h] of [
    [1280, 720],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `test-results/screens/${name}-ru-${w}x${h}.png` });
    await page.getByRole('button', { name: 'Кыр', exact: true }).click();
    await page.screenshot({ path: `test-results/screens/${name}-ky-${w}x${h}.png` });
    await page.getByRole('button', { name: 'Рус', exact: true }).click();
  }
  if (before) await page.setViewportSize(before);
}

/**
 * Archive packages in web mode: the archivist makes the package of one group for the current semester
 * from the screen (progress, then the file and its digest), the register lists it, the transfer act
 * carries the digest; the verify tab finds the written file whole and registered (and records it
 * verified) and a copy with one flipped byte not whole; «Открыть для просмотра» makes a read-only
 * replica, which a second web mode then serves with the archive banner and the group's journal.
 */
const env = useWebMode();

test('the archivist makes, verifies and opens a package; the opened replica shows the archive banner', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The group of faculty 1 with the most marks, and its busiest journal.
  const target = env.db
    .prepare(
      `SELECT o.id offeringId, o.group_id groupId, g.code, count(*) n FROM marks m JOIN lessons l ON l.id = m.lesson_id
      JOIN offerings o ON o.id = l.offering_id JOIN groups g ON g.id = o.group_id
      WHERE g.faculty_id = 1 AND o.subgroup_id IS NULL GROUP BY o.id ORDER BY n DESC LIMIT 1`,
    )
    .get() as { offeringId: number; groupId: number; code: string };

  await loginAs(page, env.web.url, 'archivist');
  await page.getByRole('button', { name: 'Архив', exact: true }).click();
  await expect(page.getByRole('tab', { name: 'Архивные пакеты' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByText('В реестре ещё нет архивных пакетов')).toBeVisible();
  const form = page.getByRole('form', { name: 'Новый архивный пакет' });
  // The current semester is preselected; the default folder is in the placeholder.
  const period = form.getByLabel('Период');
  await expect(period.locator('option:checked')).toContainText('(текущий)');
  await expect(form.getByLabel('Имя файла')).toHaveAttribute(
    'placeholder',
    `по умолчанию — по подразделению и периоду, в папке архива ${join(dirname(env.web.dbPath), 'archive')}`,
  );
  // Web mode has no desktop dialog: no «Сохранить как…».
  await expect(form.getByRole('button', { name: 'Сохранить как…' })).toHaveCount(0);
  await form.getByLabel('Подразделение').selectOption(`group:${target.groupId}`);
  // Enter in the form submits it.
  await form.getByLabel('Имя файла').press('Enter');
  await expect(page.getByRole('progressbar', { name: 'Ход формирования пакета' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Пакет сформирован' })).toBeVisible({
    timeout: 60_000,
  });
  const digest = await page.locator('.archive-result [data-digest]').getAttribute('data-digest');
  expect(digest).toMatch(/^[0-9a-f]{64}$/);
  if (!digest) throw new Error('no digest');
  const file = (await page.locator('.archive-result dd.path').innerText()).trim();
  expect(file.startsWith(join(dirname(env.web.dbPath), 'archive'))).toBe(true);
  expect(existsSync(file)).toBe(true);
  await expect(page.locator('.archive-result')).toContainText(/файлов: \d+, записей: [\d\u00a0]+/);

  // The register lists it, with the digest's start, not yet verified.
  const row = page.getByRole('table', { name: 'Реестр архивных пакетов' }).locator('tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(target.code);
  await expect(row).toContainText(digest.slice(0, 16));
  await expect(row.locator('code')).toHaveAttribute('title', digest);
  await expect(row).toContainText('не проверен');
  await expect(row).toContainText('ждёт AVN');
  await for2Shots(page, 'archive-packages');
  await docShot(page, 'archive.png');
  await page.getByRole('button', { name: 'Кыр', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Архивдик пакеттердин реестри' })).toContainText(
    'текшерилген эмес',
  );
  await page.screenshot({ path: 'test-results/screens/archive-ky.png' });
  await page.getByRole('button', { name: 'Рус', exact: true }).click();

  // The transfer act: a PDF that carries the digest.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Акт приёма-передачи' }).click();
  const act = await (await download).path();
  const text = execFileSync('pdftotext', [act, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  expect(text).toContain(digest);
  const rowAct = page.waitForEvent('download');
  await row.getByRole('button', { name: 'Акт' }).click();
  expect((await rowAct).suggestedFilename()).toMatch(/\.pdf$/);

  // Verify the written file: whole, registered, now recorded as verified.
  await page.getByRole('tab', { name: 'Проверить или открыть пакет' }).click();
  await expect(page.getByText('Пакеты читаются из папки архива', { exact: false })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Выбрать файл…' })).toHaveCount(0);
  const path = page.getByLabel('Пакет из папки архива');
  await expect(path).toHaveValue(basename(file));
  await for2Shots(page, 'archive-verify');
  await page.getByRole('button', { name: 'Проверить', exact: true }).click();
  const ok = page.locator('.verdict.ok');
  await expect(ok).toContainText('Пакет целый');
  await expect(ok).toContainText('Контрольная сумма пакета (манифеста): совпадает с реестром архива');
  await expect(ok).toContainText('отмечен в реестре как проверенный');
  await expect(ok.locator('[data-digest]')).toHaveAttribute('data-digest', digest);

  // A copy with one byte flipped in the middle is not whole.
  const bytes = readFileSync(file);
  const mid = Math.floor(bytes.length / 2);
  bytes[mid] = (bytes[mid] ?? 0) ^ 0xff;
  // Packages are read from the archive folder only: the copy goes there, and is chosen by name.
  writeFileSync(join(dirname(file), 'tampered.zip'), bytes);
  await page.getByRole('tab', { name: 'Архивные пакеты' }).click();
  await page.getByRole('tab', { name: 'Проверить или открыть пакет' }).click();
  await path.selectOption('tampered.zip');
  await page.getByRole('button', { name: 'Проверить', exact: true }).click();
  const bad = page.locator('.verdict.bad');
  await expect(bad).toContainText('Пакет НЕ целый');
  await expect(bad.locator('[data-problem]').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/archive-tampered.png' });

  // Open the whole one for browsing: a read-only replica beside the host's.
  await path.selectOption(basename(file));
  await page.getByRole('button', { name: 'Открыть для просмотра' }).click();
  const opened = page.locator('.archive-opened');
  const replica = join(dirname(env.web.dbPath), 'archives', `${digest.slice(0, 16)}.db`);
  await expect(opened).toContainText(`Файл реплики: ${replica}`);
  await expect(opened).toContainText(`npm run web -- --db ${replica}`);
  expect(existsSync(replica)).toBe(true);
  await page.screenshot({ path: 'test-results/screens/archive-opened.png' });

  // Back in the register, the package is verified.
  await page.getByRole('tab', { name: 'Архивные пакеты' }).click();
  await expect(row).not.toContainText('не проверен');

  // The deanery sees the register without the form.
  await page.getByRole('button', { name: 'Выйти' }).click();
  await loginAs(page, env.web.url, 'dean');
  await page.getByRole('button', { name: 'Архив', exact: true }).click();
  await expect(row).toContainText(digest.slice(0, 16));
  await expect(page.getByText('Только просмотр: пакеты формирует архивист подразделения')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Сформировать пакет' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Выйти' }).click();
  expect(errors).toEqual([]);

  // A second web mode on the opened replica: the banner, the login line, the journal with its marks.
  const archived = await startWebMode(replica);
  try {
    await page.goto(archived.url);
    await expect(page.getByRole('note')).toContainText(
      `Это архивная копия: ${target.code}, 2026–2027, 1 семестр`,
    );
    await page.screenshot({ path: 'test-results/screens/archive-replica-login.png' });
    await loginAs(page, archived.url, 'archivist');
    const banner = page.locator('.archive-banner');
    await expect(banner).toContainText('Архивная копия (только просмотр и печать)');
    await expect(banner).toContainText(`${target.code}, 2026–2027, 1 семестр, сформирована 2026-11-26`);
    await page.getByRole('button', { name: 'Журнал', exact: true }).click();
    await openJournal(page, target.groupId, target.offeringId);
    const marked = page
      .locator('.gc[data-student][data-lesson]')
      .filter({ hasText: /^(\+|нб|нб\(у\)|[2-5])$/ });
    expect(await marked.count()).toBeGreaterThan(10);
    await docShot(page, 'archive-replica.png');
    // Writes answer READ_ONLY, shown as the translated message.
    await page.getByRole('button', { name: 'Архив', exact: true }).click();
    await page.getByRole('button', { name: 'Сформировать пакет' }).click();
    await expect(page.getByRole('alert')).toContainText(
      'Это архивная реплика: она открыта только для просмотра',
    );
  } finally {
    await archived.stop();
  }

  // Or in the app itself: the working web mode switches to the archive and back.
  await loginAs(page, env.web.url, 'archivist');
  await page.getByRole('button', { name: 'Архив', exact: true }).click();
  await page.getByRole('tab', { name: 'Проверить или открыть пакет' }).click();
  await page.getByLabel('Пакет из папки архива').selectOption(basename(file));
  await page.getByRole('button', { name: 'Открыть для просмотра' }).click();
  await page.getByRole('button', { name: 'Открыть в приложении' }).click();
  await expect(page.locator('.login-notice')).toContainText('Открыта архивная копия');
  await expect(page.locator('.login-archive')).toContainText(`Это архивная копия: ${target.code}`);
  await loginAs(page, env.web.url, 'archivist');
  await expect(page.locator('.archive-banner')).toContainText('Архивная копия (только просмотр и печать)');
  await page.locator('.archive-banner').getByRole('button', { name: 'Вернуться к рабочей реплике' }).click();
  await expect(page.locator('.login-notice')).toContainText('Архивная копия закрыта');
  await expect(page.locator('.login-archive')).toHaveCount(0);
  await loginAs(page, env.web.url, 'archivist');
  await expect(page.locator('.archive-banner')).toHaveCount(0);
  expect(errors).toEqual([]);

  // Issue 15, item 3: a copy rewritten consistently (a grade changed, its manifest entry and the
  // digest recomputed) passes every check inside it, but its digest is not the registered one.
  const forged = await rewritePackage(file, join(dirname(file), 'rewritten.zip'));
  await page.getByRole('button', { name: 'Архив', exact: true }).click();
  await page.getByRole('tab', { name: 'Проверить или открыть пакет' }).click();
  await page.getByLabel('Пакет из папки архива').selectOption('rewritten.zip');
  await page.getByRole('button', { name: 'Проверить', exact: true }).click();
  const rewritten = page.locator('.verdict.bad');
  await expect(rewritten).toContainText('Пакет НЕ целый');
  await expect(rewritten.locator('[data-problem="rewritten"]')).toContainText(
    'переписан: контрольная сумма не та, что в реестре архива',
  );
  await expect(rewritten.locator('[data-problem]')).toHaveCount(1);
  await expect(rewritten.locator('[data-digest]')).toHaveAttribute('data-digest', forged.digest);
  // Opening it asks first; cancelling opens nothing. The question in both languages, at both sizes.
  const words = {
    ru: {
      switch: 'Рус',
      open: 'Открыть для просмотра',
      title: 'Пакет не совпадает с реестром архива',
      cancel: 'Отмена',
    },
    ky: {
      switch: 'Кыр',
      open: 'Көрүү үчүн ачуу',
      title: 'Пакет архивдин реестри менен дал келбейт',
      cancel: 'Жокко чыгаруу',
    },
  } as const;
  const forcedReplica = join(dirname(env.web.dbPath), 'archives', `${forged.digest.slice(0, 16)}.db`);
  for (const lang of ['ru', 'ky'] as const) {
    const w = words[lang];
    await page.getByRole('button', { name: w.switch, exact: true }).click();
    for (const [width, height] of [
      [1280, 720],
      [1440, 900],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.getByRole('button', { name: w.open }).click();
      const dialog = page.getByRole('dialog', { name: w.title });
      await expect(dialog).toBeVisible();
      // Cancelling is the default: its button has the focus, and Esc is the same.
      await expect(dialog.getByRole('button', { name: w.cancel })).toBeFocused();
      await page.screenshot({
        path: `test-results/screens/archive-force-confirm-${lang}-${width}x${height}.png`,
      });
      if (width === 1280) await dialog.getByRole('button', { name: w.cancel }).click();
      else await page.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);
    }
  }
  await page.getByRole('button', { name: 'Рус', exact: true }).click();
  expect(existsSync(forcedReplica)).toBe(false);
  await expect(page.locator('.archive-opened')).toHaveCount(0);
  // Confirmed: opened, and the result says what it is.
  await page.getByRole('button', { name: 'Открыть для просмотра' }).click();
  const ask = page.getByRole('dialog', { name: 'Пакет не совпадает с реестром архива' });
  await expect(ask).toContainText('Этот пакет внесён в реестр с другой контрольной суммой');
  await expect(ask).toContainText('Открыть всё равно?');
  await ask.getByRole('button', { name: 'Открыть всё равно' }).click();
  const forcedOpen = page.locator('.archive-opened.verdict.bad');
  await expect(forcedOpen).toContainText(`Файл реплики: ${forcedReplica}`);
  await expect(forcedOpen.locator('.archive-unregistered')).toContainText(
    'Пакет не совпадает с реестром архива: его переписали после регистрации',
  );
  expect(existsSync(forcedReplica)).toBe(true);
  await page.screenshot({ path: 'test-results/screens/archive-opened-unregistered.png' });
  // Browsed in the app: the warning on the login screen and on every screen after it.
  await forcedOpen.getByRole('button', { name: 'Открыть в приложении' }).click();
  await expect(page.locator('.login-archive .archive-unregistered')).toContainText(
    'Пакет не совпадает с реестром архива',
  );
  await for2Shots(page, 'archive-unregistered-login');
  await loginAs(page, env.web.url, 'archivist');
  const warning = page.locator('.archive-banner.unregistered .archive-unregistered');
  const menu = page.getByRole('navigation', { name: 'main' });
  const names = await menu.getByRole('button').allInnerTexts();
  expect(names.length).toBeGreaterThan(2);
  for (const name of names) {
    const nav = menu.getByRole('button', { name: name.trim(), exact: true });
    await nav.click();
    await expect(nav).toHaveAttribute('aria-current', 'page');
    await expect(warning).toContainText(
      'Пакет не совпадает с реестром архива: его переписали после регистрации, данные могли быть изменены',
    );
  }
  await page.getByRole('button', { name: 'Журнал', exact: true }).click();
  await openJournal(page, target.groupId, target.offeringId);
  await for2Shots(page, 'archive-unregistered-banner');
  await page.getByRole('button', { name: 'Кыр', exact: true }).click();
  await expect(warning).toContainText('Пакет архивдин реестри менен дал келбейт');
  await page.getByRole('button', { name: 'Рус', exact: true }).click();
  await page.locator('.archive-banner').getByRole('button', { name: 'Вернуться к рабочей реплике' }).click();
  await expect(page.locator('.login-notice')).toContainText('Архивная копия закрыта');
  await expect(page.locator('.login-archive')).toHaveCount(0);
  expect(errors).toEqual([]);
});
