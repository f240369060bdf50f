import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { readPrintedCodes } from '../../src-main/print/verify';
import { cell, loginAs, openJournal, rowsOf, useWebMode } from './web-mode';
import { docShot } from './shots';

/**
 * Printing in web mode: the deanery prints a group's journals with a progress bar, previews and saves
 * the file, and verifies a paper journal by its QR text — it matches; after the teacher changes a cell,
 * the same paper no longer matches and the screen names the cell and who changed it. A teacher prints
 * their own journals and sees only their own register entries; the study office sees only the register
 * of printed documents.
 */
const env = useWebMode();

test('the deanery prints a group, previews and saves it, and verifies a paper journal', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A blocked preview frame (the CSP) shows up as a console error.
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // The `teacher` account's lecture journal of ПИ-1-26.
  const target = env.db
    .prepare(
      `SELECT o.id, o.group_id g, gr.code FROM offerings o JOIN users u ON u.teacher_id = o.teacher_id JOIN groups gr ON gr.id = o.group_id
      WHERE u.login = 'teacher' AND o.subgroup_id IS NULL AND o.lesson_kind <> 'self_study' ORDER BY o.id LIMIT 1`,
    )
    .get() as { id: number; g: number; code: string };

  await loginAs(page, env.web.url, 'dean');
  await page.getByRole('button', { name: 'Печать и архив' }).click();
  await page.getByLabel('Что печатать').selectOption(`group:${target.g}`);
  await page.getByRole('button', { name: 'Печатать' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Готово: файлов 1' })).toBeVisible();
  const row = page.locator(`[data-file="${target.code}.pdf"]`);
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Просмотр' }).click();
  await expect(page.locator('.print-preview iframe')).toHaveAttribute('src', /^blob:/);
  await docShot(page, 'print.png');
  const download = page.waitForEvent('download');
  await row.getByRole('button', { name: 'Сохранить' }).click();
  const saved = await (await download).path();
  const pdf = readFileSync(saved);
  expect(execFileSync('pdfinfo', [saved], { encoding: 'utf8' })).toMatch(/Pages:\s+\d+/);
  const printed = (await readPrintedCodes(pdf)).find((p) => p.number.startsWith(`ЖУР-${target.id}-`));
  if (!printed) throw new Error('the journal is not in the saved file');
  await expect(row).toContainText(printed.code);

  // Web mode has no system print dialog: «Печать…» saves the file and says so.
  const printed2 = page.waitForEvent('download');
  await row.getByRole('button', { name: 'Печать…' }).click();
  expect((await printed2).suggestedFilename()).toBe(`${target.code}.pdf`);
  await expect(page.getByRole('status').filter({ hasText: 'нет системного диалога печати' })).toBeVisible();

  // The paper register lists it; the deanery enters the date the teacher signed it.
  await page.getByRole('tab', { name: /Реестр бумажных журналов/ }).click();
  const entry = page.locator(`[data-paper="${printed.number}"]`);
  await expect(entry).toContainText('в деканате');
  await expect(entry).toContainText(printed.code);
  await entry.getByRole('button', { name: 'Даты' }).click();
  await entry.getByLabel('Подписан').fill('2026-11-27');
  await entry.getByRole('button', { name: 'Сохранить' }).click();
  await expect(entry).toContainText('27.11.2026');
  expect(
    env.db.prepare('SELECT signed_on s FROM paper_journals WHERE number = ?').get(printed.number),
  ).toEqual({
    s: '2026-11-27',
  });
  await docShot(page, 'paper-register.png');

  // The register of printed documents holds it too: a journal, in Russian, with its code; found by it.
  await page.getByRole('tab', { name: 'Реестр документов' }).click();
  const doc = page.locator(`[data-document="${printed.number}"]`);
  await expect(doc).toContainText('Журнал');
  await expect(doc).toContainText('русский');
  await expect(doc).toContainText(printed.code);
  await page.screenshot({ path: 'test-results/screens/documents-register.png' });
  await page.getByLabel('Номер или код').fill(printed.code.toLowerCase());
  await expect(page.locator('[data-document]')).toHaveCount(
    (env.db.prepare('SELECT count(*) n FROM documents WHERE code = ?').get(printed.code) as { n: number }).n,
  );
  await expect(doc).toBeVisible();
  await page.getByLabel('Вид').selectOption('act');
  await expect(page.getByText('Таких документов в реестре нет')).toBeVisible();

  // Verify by the QR text: it matches.
  await page.getByRole('tab', { name: 'Проверить бумажный журнал' }).click();
  await page
    .getByLabel('Номер и код (или текст QR-кода)')
    .fill(`AVN-JOURNAL ${printed.number} ${printed.code}`);
  await page.getByRole('button', { name: 'Проверить', exact: true }).click();
  await expect(page.locator('.verdict.ok')).toContainText('всё сходится — бумага, реестр и реплика');
  await expect(page.locator('.verdict.ok')).toContainText('Реестр: код совпадает с зарегистрированным');

  // Verify the saved PDF itself: every journal of the file read from its pages, all agree.
  await page.getByTestId('verify-file').setInputFiles(saved);
  const journals = (await readPrintedCodes(pdf)).length;
  await expect(page.locator('.verdict.ok')).toHaveCount(journals);
  await expect(page.locator('.verdict.ok').first()).toContainText(
    'Бумага: её содержимое даёт напечатанный на ней код',
  );

  // The teacher changes one cell of a lesson that has begun.
  await page.getByRole('button', { name: 'Выйти' }).click();
  await loginAs(page, env.web.url, 'teacher');
  await openJournal(page, target.g, target.id);
  const lesson = env.db
    .prepare(
      `SELECT l.id FROM lessons l JOIN bell_pairs b ON b.number = l.pair WHERE l.offering_id = ? AND l.status = 'scheduled'
      AND (l.date < '2026-11-26' OR (l.date = '2026-11-26' AND b.starts_at <= '13:30')) ORDER BY l.date DESC LIMIT 1`,
    )
    .get(target.id) as { id: number };
  const [first] = await rowsOf(page);
  if (first === undefined) throw new Error('no students');
  await cell(page, first, lesson.id).click();
  const before = await cell(page, first, lesson.id).innerText();
  await page.keyboard.press(before.trim() === '5' ? '4' : '5');
  await page.keyboard.press('Enter');
  await expect(cell(page, first, lesson.id)).toHaveText(before.trim() === '5' ? '4' : '5');
  const student = env.db.prepare('SELECT last_name l FROM students WHERE id = ?').get(first) as { l: string };
  const teacherName = (
    env.db.prepare("SELECT display_name n FROM users WHERE login = 'teacher'").get() as { n: string }
  ).n;

  // The same paper no longer matches; the change is named with who made it.
  await page.getByRole('button', { name: 'Выйти' }).click();
  await loginAs(page, env.web.url, 'dean');
  await page.getByRole('button', { name: 'Печать и архив' }).click();
  await page.getByRole('tab', { name: 'Проверить бумажный журнал' }).click();
  await page.getByLabel('Номер и код (или текст QR-кода)').fill(`${printed.number} ${printed.code}`);
  await page.getByRole('button', { name: 'Проверить', exact: true }).click();
  const verdict = page.locator('.verdict.bad');
  await expect(verdict).toContainText('НЕ сходится');
  await expect(verdict).toContainText('Реплика: журнал изменён после печати');
  const change = verdict.locator('li').filter({ hasText: student.l });
  await expect(change).toContainText(teacherName);
  await docShot(page, 'verify.png');
  // The saved file says the same, its paper intact; in both languages and at both sizes it fits.
  await page.getByTestId('verify-file').setInputFiles(saved);
  await expect(page.locator('.verdict.bad')).toHaveCount(1);
  for (const [lang, label] of [
    ['ru', 'НЕ сходится'],
    ['ky', 'дал КЕЛБЕЙТ'],
  ] as const) {
    if (lang === 'ky') {
      await page.locator('.lang-switch button[lang="ky"]').click();
      await page.getByTestId('verify-file').setInputFiles(saved);
    }
    await expect(page.locator('.verdict.bad')).toContainText(label);
    for (const [w, h] of [
      [1280, 720],
      [1440, 900],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      // Nothing of the verification area sticks out of it (the top bar's width is issue 16's).
      const wide = await page.evaluate(() => {
        const area = document.querySelector('.print-ui')?.getBoundingClientRect();
        const out: string[] = [];
        for (const el of Array.from(document.querySelectorAll('.print-ui *'))) {
          const r = el.getBoundingClientRect();
          if (area && r.width > 0 && r.right > area.right + 0.5) out.push(`${el.tagName}.${el.className}`);
        }
        return out.slice(0, 10);
      });
      expect(wide).toEqual([]);
      await page.screenshot({ path: `test-results/screens/verify-file-${lang}-${w}.png` });
    }
  }
  expect(errors).toEqual([]);
});

test('a teacher prints their own journals and sees only their own paper register; the study office prints none', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const me = env.db
    .prepare(
      "SELECT t.id, t.last_name AS last FROM users u JOIN teachers t ON t.id = u.teacher_id WHERE u.login = 'teacher'",
    )
    .get() as { id: number; last: string };
  // The teacher's journals of the current semester, by group (one file each).
  const groups = env.db
    .prepare(
      `SELECT DISTINCT g.code FROM offerings o JOIN groups g ON g.id = o.group_id JOIN semesters s ON s.id = o.semester_id
      WHERE o.teacher_id = ? AND o.lesson_kind <> 'self_study' AND s.starts_on <= '2026-11-26' AND s.ends_on >= '2026-11-26'`,
    )
    .all(me.id) as Array<{ code: string }>;
  expect(groups.length).toBeGreaterThan(0);

  await loginAs(page, env.web.url, 'teacher');
  await page.getByRole('button', { name: 'Печать и архив' }).click();
  // «Мои журналы» is all a teacher may print.
  const what = page.getByLabel('Что печатать');
  await expect(what.locator('option')).toHaveText(['Мои журналы']);
  await expect(what).toHaveValue(`teacher:${me.id}`);
  await page.getByRole('button', { name: 'Печатать' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Готово: файлов ${groups.length}` })).toBeVisible();
  for (const g of groups) await expect(page.locator(`[data-file="${g.code}.pdf"]`)).toBeVisible();
  await docShot(page, 'print-teacher.png');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: 'test-results/screens/print-teacher-1280.png' });
  await page.getByRole('button', { name: 'Кыр' }).first().click();
  await expect(page.getByLabel('Эмнени басып чыгаруу').locator('option')).toHaveText(['Менин журналдарым']);
  await page.screenshot({ path: 'test-results/screens/print-teacher-ky-1280.png' });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: 'test-results/screens/print-teacher-ky.png' });
  await page.getByRole('button', { name: 'Рус' }).first().click();

  // The register: only their own journals (the deanery's print of their lecture among them), no dates
  // to enter.
  await page.getByRole('tab', { name: /Реестр бумажных журналов/ }).click();
  const rows = page.getByRole('table', { name: 'Реестр бумажных журналов' }).locator('tbody tr');
  const own = (
    env.db
      .prepare(
        'SELECT count(*) n FROM paper_journals p JOIN offerings o ON o.id = p.offering_id WHERE o.teacher_id = ?',
      )
      .get(me.id) as { n: number }
  ).n;
  const all = (env.db.prepare('SELECT count(*) n FROM paper_journals').get() as { n: number }).n;
  expect(all).toBeGreaterThan(own);
  await expect(rows).toHaveCount(own);
  for (const text of await rows.allInnerTexts()) expect(text).toContain(me.last);
  // They keep the dates of their own entries (DOMAIN.md: print journals, paper register — own).
  await expect(rows.getByRole('button', { name: 'Даты' })).toHaveCount(own);
  await page.screenshot({ path: 'test-results/screens/paper-register-teacher.png' });

  // The study office views journals but prints none: its print area holds only the register of printed
  // documents (the acts and notices of its weekly checks), nothing to print, no paper register.
  await page.getByRole('button', { name: 'Выйти' }).click();
  await loginAs(page, env.web.url, 'study');
  const nav = page.getByRole('navigation', { name: 'main' });
  await expect(nav.getByRole('button', { name: 'Журнал' })).toBeVisible();
  await expect(nav.getByRole('button', { name: 'Контроль' })).toBeVisible();
  await page.keyboard.press('Alt+4');
  await expect(nav.getByRole('button', { name: 'Печать и архив' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('tab')).toHaveText(['Реестр документов']);
  await expect(page.getByText('В реестре пока нет напечатанных документов')).toBeVisible();
  await page.keyboard.press('Alt+1');
  await expect(nav.getByRole('button', { name: 'Контроль' })).toHaveAttribute('aria-current', 'page');
  expect(errors).toEqual([]);
});
