import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { lastFullWeek, tally } from '../../src-shared/domain/control';
import { bishkekDate } from '../../src-shared/domain/time';
import { referenceVerdicts } from '../helpers/control';
import { loginAs, startWebMode, type WebMode } from './web-mode';

/**
 * The deanery's weekly control in web mode: the last full week by department, drilled down to a teacher
 * with missing lessons and to the lessons themselves; the screen's figures equal the pure rule's
 * figures computed by this test from the replica file.
 */
let web: WebMode;
let db: Database.Database;
let now: number;

test.beforeAll(async () => {
  web = await startWebMode();
  db = new Database(web.dbPath, { readonly: true });
  now = Number(
    (db.prepare("SELECT value FROM meta WHERE key = 'demo.now'").get() as { value: string }).value,
  );
});
test.afterAll(async () => {
  db.close();
  await web.stop();
});

/** The figures of a table row as the screen shows them. */
async function rowFigures(page: Page, selector: string) {
  const cells = await page.locator(selector).locator('td').allInnerTexts();
  const n = (s: string | undefined) => (s === undefined || s.trim() === '' ? 0 : Number(s));
  return { due: n(cells[0]), fill: cells[1], onTime: cells[2], late: n(cells[3]), missing: n(cells[4]) };
}

const pct = (x: number | null) => (x === null ? '—' : (x * 100).toFixed(1));

test('the deanery checks the last week and drills down to the lessons a teacher owes', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await loginAs(page, web.url, 'dean');
  await page.getByRole('button', { name: 'Контроль' }).click();
  const week = lastFullWeek(bishkekDate(now));
  await expect(page.locator('.control-when')).toContainText(`${week.week} · ${week.from} – ${week.to}`);
  await expect(page.getByTestId('control-table')).toBeVisible();

  const reference = referenceVerdicts(db, 1, week.from, week.to, now);
  const total = tally(reference.map((r) => r.verdict));
  expect(total.missing).toBeGreaterThan(0);
  expect(await rowFigures(page, '[data-testid="control-table"] tfoot tr')).toEqual({
    due: total.due,
    fill: pct(total.fillRate),
    onTime: pct(total.timeliness),
    late: total.late,
    missing: total.missing,
  });

  // Every department's row equals the rule applied to its lessons.
  const departments = new Set(reference.map((r) => r.departmentId));
  for (const d of departments) {
    const f = tally(reference.filter((r) => r.departmentId === d).map((r) => r.verdict));
    expect(await rowFigures(page, `tr[data-unit="department:${d}"]`)).toEqual({
      due: f.due,
      fill: pct(f.fillRate),
      onTime: pct(f.timeliness),
      late: f.late,
      missing: f.missing,
    });
  }
  await page.screenshot({ path: 'test-results/screens/control.png' });

  // The Excel export holds the same figures as the screen and the rule.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Выгрузить в Excel' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`контроль-журнала-${week.week}.xlsx`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(await download.path());
  const summary = wb.worksheets[0];
  if (!summary) throw new Error('no summary sheet');
  const byName = new Map<string, ExcelJS.Row>();
  summary.eachRow((row) => {
    const name = row.getCell(1).value;
    if (row.number > 3 && typeof name === 'string') byName.set(name, row);
  });
  const totalRow = byName.get('Итого');
  expect([totalRow?.getCell(2).value, totalRow?.getCell(6).value, totalRow?.getCell(7).value]).toEqual([
    total.due,
    total.late,
    total.missing,
  ]);
  expect(totalRow?.getCell(4).value).toBeCloseTo(total.fillRate ?? NaN, 10);
  for (const d of departments) {
    const name = await page.locator(`tr[data-unit="department:${d}"] .unit-link`).innerText();
    const f = tally(reference.filter((r) => r.departmentId === d).map((r) => r.verdict));
    const row = byName.get(name);
    expect([row?.getCell(2).value, row?.getCell(3).value, row?.getCell(7).value]).toEqual([
      f.due,
      f.filled,
      f.missing,
    ]);
  }
  expect(wb.worksheets).toHaveLength(1 + departments.size);

  // Drill down to the department with most missing lessons, then to its teacher with most.
  const dept = [...departments]
    .map((d) => ({
      d,
      missing: reference.filter((r) => r.departmentId === d && r.verdict.due && r.verdict.state === 'missing')
        .length,
    }))
    .sort((a, b) => b.missing - a.missing)[0];
  if (!dept) throw new Error('no department');
  await page.locator(`tr[data-unit="department:${dept.d}"] .unit-link`).click();
  await expect(page.locator('.crumbs')).toContainText('›');
  await page.getByRole('tab', { name: 'Тепловая карта по дням недели' }).click();
  await expect(page.getByTestId('control-heatmap')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/control-heatmap.png' });
  await page.getByRole('tab', { name: 'По преподавателям' }).click();
  const teacherRows = page.locator('[data-testid="control-table"] tbody tr');
  await expect(teacherRows.first()).toBeVisible();
  // Sorted lowest fill rate first: the first teacher owes something.
  const first = teacherRows.first();
  const teacherUnit = await first.getAttribute('data-unit');
  const teacherId = Number(teacherUnit?.split(':')[1]);
  const owed = reference.filter(
    (r) =>
      r.departmentId === dept.d &&
      r.verdict.due &&
      r.verdict.responsibleId === teacherId &&
      r.verdict.state !== 'on_time',
  );
  expect(owed.length).toBeGreaterThan(0);
  const teacherName = await first.locator('.unit-link').innerText();
  await first.locator('.unit-link').click();
  await expect(page.locator('.crumbs')).toContainText(teacherName);
  await page.getByRole('tab', { name: 'Занятия с долгами' }).click();
  const lessons = page.getByTestId('control-lessons');
  await expect(lessons).toBeVisible();
  await expect(lessons.locator('tbody tr')).toHaveCount(owed.length);
  for (const r of owed) {
    const row = lessons.locator(`tr[data-lesson="${r.lesson.id}"]`);
    await expect(row).toHaveAttribute('data-state', r.verdict.due ? r.verdict.state : '');
    if (r.verdict.due && r.verdict.missingTopic)
      await expect(row.locator('.what-missing')).toContainText('тема');
  }
  await page.screenshot({ path: 'test-results/screens/control-lessons.png' });

  // Record the check with a comment; the history keeps the figures as they were.
  await page.getByRole('button', { name: 'Записать проверку' }).click();
  await page.getByLabel('Комментарий к проверке').fill('Напомнить кафедре о темах');
  await page.getByRole('button', { name: 'Записать', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Проверка записана' })).toBeVisible();
  await page.getByRole('tab', { name: 'История проверок' }).click();
  const history = page.getByTestId('control-history');
  await expect(history.locator('tbody tr')).toHaveCount(1);
  await expect(history).toContainText('Напомнить кафедре о темах');
  await expect(history).toContainText(`${week.week} · ${week.from} – ${week.to}`);
  const cells = await history.locator('tbody tr td').allInnerTexts();
  expect(cells[4]).toBe(String(total.due));
  expect(cells[5]).toBe(pct(total.fillRate));
  await history.locator('tbody tr .unit-link').click();
  const snap = page.getByTestId('control-snapshot');
  await expect(snap).toContainText('так выглядели данные тогда');
  expect(await rowFigures(page, '[data-testid="control-snapshot"] table:first-of-type tfoot tr')).toEqual({
    due: total.due,
    fill: pct(total.fillRate),
    onTime: pct(total.timeliness),
    late: total.late,
    missing: total.missing,
  });
  await page.screenshot({ path: 'test-results/screens/control-history.png' });
  await page.getByRole('tab', { name: 'Текущие данные' }).click();

  // Kyrgyz: the same table, translated.
  await page.locator('.lang-switch button[lang="ky"]').click();
  await expect(page.getByRole('tab', { name: 'Карызы бар сабактар' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a week in the future gets a clear message, not an empty table', async ({ page }) => {
  await loginAs(page, web.url, 'dean');
  await page.getByRole('button', { name: 'Контроль' }).click();
  await expect(page.getByTestId('control-table')).toBeVisible();
  await page.getByLabel('Неделя', { exact: true }).fill('2026-W52');
  await page.getByRole('button', { name: 'Показать' }).click();
  await expect(page.getByRole('alert')).toContainText('ещё не наступил');
  await expect(page.getByTestId('control-table')).toHaveCount(0);
});
