import { expect, test } from '@playwright/test';
import { loginAs, useWebMode } from './web-mode';

/**
 * The deanery user in web mode opens a journal; what the grid shows must be what the replica holds.
 */
const env = useWebMode();

type Mark = { attendance: 'p' | 'a' | 'e'; grade: number | null };
const expected = (m: Mark | undefined) =>
  !m
    ? ''
    : m.attendance === 'a'
      ? 'нб'
      : m.attendance === 'e'
        ? 'нб(у)'
        : m.grade !== null
          ? String(m.grade)
          : '+';

test('the deanery opens a journal and sees exactly the replica’s marks', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await loginAs(page, env.web.url, 'dean');
  await expect(page.locator('.user-roles')).toContainText('Деканат');

  // The busiest journal of faculty 1 (most marks, some absences).
  const target = env.db
    .prepare(
      `SELECT o.id offeringId, o.group_id groupId, count(*) n FROM marks m JOIN lessons l ON l.id = m.lesson_id
    JOIN offerings o ON o.id = l.offering_id JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = 1 AND o.subgroup_id IS NULL
    GROUP BY o.id ORDER BY sum(m.attendance <> 'p') DESC, n DESC LIMIT 1`,
    )
    .get() as { offeringId: number; groupId: number };
  // Groups of the other faculty are not listed.
  const foreign = env.db.prepare('SELECT id FROM groups WHERE faculty_id = 2').all() as Array<{ id: number }>;
  for (const g of foreign) await expect(page.locator(`[data-group="${g.id}"]`)).toHaveCount(0);

  await page.locator(`[data-group="${target.groupId}"]`).click();
  await page.locator(`[data-offering="${target.offeringId}"]`).click();
  const grid = page.getByRole('grid');
  await expect(grid).toBeVisible();

  // Scroll the grid to the start, then compare every rendered cell with the replica.
  await grid.focus();
  await page.keyboard.press('Control+Home');
  await expect(page.locator('.gc').first()).toBeVisible();
  const cells = await page.locator('.gc[data-student][data-lesson]').evaluateAll((els) =>
    els.map((e) => ({
      student: Number(e.getAttribute('data-student')),
      lesson: Number(e.getAttribute('data-lesson')),
      text: e.textContent ?? '',
    })),
  );
  expect(cells.length).toBeGreaterThan(50);
  const markOf = env.db.prepare('SELECT attendance, grade FROM marks WHERE lesson_id = ? AND student_id = ?');
  let nonTrivial = 0;
  for (const c of cells) {
    const m = markOf.get(c.lesson, c.student) as Mark | undefined;
    expect(c.text, `student ${c.student}, lesson ${c.lesson}`).toBe(expected(m));
    if (m && (m.attendance !== 'p' || m.grade !== null)) nonTrivial++;
  }
  expect(nonTrivial).toBeGreaterThan(0);

  // The details strip follows the active cell: topic and who conducted the lesson, from the replica.
  await page.keyboard.press('ArrowRight');
  const second = env.db
    .prepare(
      'SELECT l.topic, t.last_name FROM lessons l LEFT JOIN teachers t ON t.id = l.conducted_by WHERE l.offering_id = ? ORDER BY l.date, l.pair, l.id LIMIT 1 OFFSET 1',
    )
    .get(target.offeringId) as { topic: string | null; last_name: string | null };
  const details = page.getByTestId('lesson-details');
  if (second.topic) await expect(details).toContainText(second.topic);
  if (second.last_name) await expect(details).toContainText(second.last_name);
  await expect(details).toContainText('Занятие 2 из');

  await page.screenshot({ path: 'test-results/screens/journal-ru.png' });

  // Kyrgyz: the interface switches, the journal's notation stays.
  await page.getByRole('button', { name: 'Кыр' }).first().click();
  await expect(page.getByRole('heading', { name: 'Топтор' })).toBeVisible();
  await expect(page.locator('.statusbar')).toContainText('2026-ж., 26-ноябрь, бейшемби');
  await page.screenshot({ path: 'test-results/screens/journal-ky.png' });
  expect(errors).toEqual([]);
});

test('a locked journal says since when it is closed', async ({ page }) => {
  const locked = env.db
    .prepare(
      `SELECT k.offering_id offeringId, k.closed_on closedOn, o.group_id groupId FROM locks k
    JOIN offerings o ON o.id = k.offering_id JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = 1 LIMIT 1`,
    )
    .get() as { offeringId: number; closedOn: string; groupId: number } | undefined;
  // Group 1's first discipline is always closed in the demo.
  expect(locked).toBeDefined();
  if (!locked) return;
  await loginAs(page, env.web.url, 'dean');
  await page.locator(`[data-group="${locked.groupId}"]`).click();
  await page.locator(`[data-offering="${locked.offeringId}"]`).click();
  const [y, m, d] = locked.closedOn.split('-');
  await expect(page.locator('.lock-banner')).toContainText(`Закрыто ${d}.${m}.${y}`);
  await page.screenshot({ path: 'test-results/screens/journal-locked.png' });
  // The deanery grants a time-limited unlock with a reason (DOMAIN.md, Locks).
  await page.getByRole('button', { name: 'Разрешить исправление' }).click();
  await page.getByLabel('Причина (обязательно)').fill('Исправление ошибки в ведомости');
  await page.getByLabel('Дней').selectOption('5');
  await page.locator('.unlock-form').getByRole('button', { name: 'Разрешить исправление' }).click();
  await expect(
    page
      .getByRole('note')
      .filter({ hasText: 'временно открыто до 01.12.2026: Исправление ошибки в ведомости' }),
  ).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/journal-unlocked.png' });
});

test('a teacher sees only the groups they teach or cover', async ({ page }) => {
  await loginAs(page, env.web.url, 'teacher');
  const teacherId = (
    env.db.prepare("SELECT teacher_id t FROM users WHERE login = 'teacher'").get() as { t: number }
  ).t;
  const visible = env.db
    .prepare(
      `SELECT DISTINCT o.group_id g FROM offerings o WHERE o.teacher_id = @t OR EXISTS (SELECT 1 FROM substitutions s
    JOIN lessons l ON l.id = s.lesson_id WHERE l.offering_id = o.id AND s.substitute_teacher_id = @t)`,
    )
    .all({ t: teacherId }) as Array<{ g: number }>;
  await expect(page.locator('[data-group]')).toHaveCount(visible.length);
  for (const v of visible) await expect(page.locator(`[data-group="${v.g}"]`)).toHaveCount(1);
});
