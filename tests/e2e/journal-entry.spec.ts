import { expect, test, type Page } from '@playwright/test';
import { cell, loginAs, openJournal, pressCyrillic, rowsOf, useWebMode } from './web-mode';
import { docShot } from './shots';

/**
 * A teacher fills a lesson from the keyboard in web mode: "all present", н, 5, Delete, the topic, a
 * paste from a spreadsheet and a cell's history; what the grid shows must be what the replica (and its
 * outbox) now holds. Cells the teacher may not edit say why.
 */
const env = useWebMode();

type Mark = { student_id: number; attendance: string; grade: number | null };
const marksOf = (lessonId: number) =>
  env.db
    .prepare('SELECT student_id, attendance, grade FROM marks WHERE lesson_id = ? ORDER BY student_id')
    .all(lessonId) as Mark[];

/** Paste text as a spreadsheet puts it on the clipboard (the headless clipboard may be unavailable). */
async function paste(page: Page, text: string) {
  await page.locator('.grid-scroll').evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

test('a teacher fills a lesson: all present, н, 5, Delete, the topic, a paste, a cell’s history', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const teacherId = (
    env.db.prepare("SELECT teacher_id t FROM users WHERE login = 'teacher'").get() as { t: number }
  ).t;
  // A lesson of the teacher's own that has begun (the demo's clock starts at 13:30), is not locked or
  // covered, and has nothing recorded yet.
  const lesson = env.db
    .prepare(
      `SELECT l.id, l.offering_id offeringId, o.group_id groupId, l.date, pt.title planTopic
      FROM lessons l JOIN offerings o ON o.id = l.offering_id JOIN bell_pairs b ON b.number = l.pair
      LEFT JOIN plan_topics pt ON pt.id = l.plan_topic_id
      WHERE o.teacher_id = ? AND l.status = 'scheduled' AND l.topic IS NULL
      AND (l.date < '2026-11-26' OR (l.date = '2026-11-26' AND b.starts_at <= '13:30'))
      AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.lesson_id = l.id)
      AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id)
      AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id)
      ORDER BY l.date DESC LIMIT 1`,
    )
    .get(teacherId) as {
    id: number;
    offeringId: number;
    groupId: number;
    date: string;
    planTopic: string | null;
  };
  expect(lesson).toBeDefined();
  const outboxBefore =
    (env.db.prepare('SELECT max(local_seq) n FROM outbox').get() as { n: number | null }).n ?? 0;

  await loginAs(page, env.web.url, 'teacher');
  await openJournal(page, lesson.groupId, lesson.offeringId);
  const rows = await rowsOf(page);
  expect(rows.length).toBeGreaterThanOrEqual(5);
  const [s0, s1, s2, s3, s4] = rows as [number, number, number, number, number];
  const details = page.getByTestId('lesson-details');
  const status = page.getByTestId('entry-status');

  // The teacher's editable lesson: its cells look editable and say so.
  await cell(page, s0, lesson.id).click();
  await expect(cell(page, s0, lesson.id)).toHaveClass(/\bed\b/);
  await expect(details).toContainText('можно заполнять');

  // "All present", then н for one student, 5 for the next (Enter moves down), Delete on a third.
  await details.getByRole('button', { name: 'Все присутствуют' }).click();
  await expect(status).toContainText(`Сохранено ${rows.length} отметок`);
  for (const s of rows) await expect(cell(page, s, lesson.id)).toHaveText('+');
  await cell(page, s1, lesson.id).click();
  await pressCyrillic(page, 'н');
  await expect(cell(page, s1, lesson.id)).toHaveClass(/draft/);
  await page.keyboard.press('Enter');
  await expect(cell(page, s1, lesson.id)).toHaveText('нб');
  await expect(cell(page, s2, lesson.id)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('5');
  await page.keyboard.press('Enter');
  await expect(cell(page, s2, lesson.id)).toHaveText('5');
  await expect(cell(page, s3, lesson.id)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Delete');
  await expect(cell(page, s3, lesson.id)).toHaveText('');
  // Esc cancels an edit in progress: the cell keeps its value.
  await cell(page, s4, lesson.id).click();
  await pressCyrillic(page, 'у');
  await expect(cell(page, s4, lesson.id)).toHaveText('у');
  await page.keyboard.press('Escape');
  await expect(cell(page, s4, lesson.id)).toHaveText('+');

  // The topic: Esc cancels what was typed; the КТП topic is one click away and Enter saves it.
  const topic = details.getByLabel('Тема');
  await page.keyboard.press('t');
  await expect(topic).toBeFocused();
  await topic.fill('Черновик темы');
  await page.keyboard.press('Escape');
  await expect(topic).toHaveValue('');
  await expect(page.locator('.grid-scroll')).toBeFocused();
  const chosen = lesson.planTopic ?? 'Метод Ньютона';
  if (lesson.planTopic) await details.getByRole('button', { name: 'По КТП' }).click();
  else await topic.fill(chosen);
  await expect(topic).toHaveValue(chosen);
  await topic.press('Enter');
  await expect(status).toContainText('Тема сохранена');
  await expect(page.locator('.grid-scroll')).toBeFocused();

  const members = [...rows].sort((a, b) => a - b);
  const expected = new Map<number, [string, number | null]>(members.map((s) => [s, ['p', null]]));
  expected.set(s1, ['a', null]);
  expected.set(s2, ['p', 5]);
  expected.delete(s3);
  const asRows = () =>
    [...expected]
      .sort((a, b) => a[0] - b[0])
      .map(([s, [a, g]]) => ({ student_id: s, attendance: a, grade: g }));
  await expect.poll(() => marksOf(lesson.id)).toEqual(asRows());
  const row = env.db.prepare('SELECT topic, conducted_by FROM lessons WHERE id = ?').get(lesson.id);
  expect(row).toEqual({ topic: chosen, conducted_by: teacherId });

  // The outbox holds the mutations, in order: all present (one per student), н, 5, the cleared cell, the topic.
  const outbox = env.db
    .prepare('SELECT name, args FROM outbox WHERE local_seq > ? ORDER BY local_seq')
    .all(outboxBefore) as Array<{ name: string; args: string }>;
  const sent = outbox.map((m) => ({ name: m.name, ...(JSON.parse(m.args) as Record<string, unknown>) }));
  expect(sent).toEqual([
    ...rows.map((s) => ({
      name: 'marks.set',
      lessonId: lesson.id,
      studentId: s,
      attendance: 'p',
      grade: null,
    })),
    { name: 'marks.set', lessonId: lesson.id, studentId: s1, attendance: 'a', grade: null },
    { name: 'marks.set', lessonId: lesson.id, studentId: s2, attendance: 'p', grade: 5 },
    { name: 'marks.set', lessonId: lesson.id, studentId: s3, attendance: null, grade: null },
    { name: 'lessons.setTopic', lessonId: lesson.id, topic: chosen },
  ]);

  // A column of three cells pasted from a spreadsheet, from the active cell down: one call.
  await cell(page, s2, lesson.id).click();
  await paste(page, 'нб(у)\r\n4\r\nн\r\n');
  await expect(status).toContainText('Сохранены 3 отметки');
  await expect(cell(page, s2, lesson.id)).toHaveText('нб(у)');
  await expect(cell(page, s3, lesson.id)).toHaveText('4');
  await expect(cell(page, s4, lesson.id)).toHaveText('нб');
  expected.set(s2, ['e', null]);
  expected.set(s3, ['p', 4]);
  expected.set(s4, ['a', null]);
  await expect.poll(() => marksOf(lesson.id)).toEqual(asRows());
  // The active cell stays where the paste began.
  await expect(cell(page, s2, lesson.id)).toHaveAttribute('aria-selected', 'true');

  // Ctrl+Enter is "all present" too: it fills only what is blank.
  await cell(page, s0, lesson.id).click();
  await page.keyboard.press('Delete');
  await expect(cell(page, s0, lesson.id)).toHaveText('');
  await page.keyboard.press('Control+Enter');
  await expect(status).toContainText('Сохранена 1 отметка');
  await expect(cell(page, s0, lesson.id)).toHaveText('+');
  await page.keyboard.press('Control+Enter');
  await expect(status).toContainText('У всех студентов занятия уже есть отметка');
  await expect.poll(() => marksOf(lesson.id)).toEqual(asRows());

  // The history of a cell: every change with who made it, still waiting for AVN.
  await cell(page, s2, lesson.id).click();
  await page.keyboard.press('h');
  const history = page.getByTestId('cell-history');
  await expect(history).toBeVisible();
  const items = history.locator('li');
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toContainText('пусто → +');
  await expect(items.nth(1)).toContainText('+ → 5');
  await expect(items.nth(2)).toContainText('5 → нб(у)');
  await expect(items.nth(2)).toContainText('Нурмаматов');
  await expect(items.nth(2)).toContainText('ожидает отправки в AVN');
  // It follows the active cell.
  await page.keyboard.press('ArrowUp');
  await expect(items).toHaveCount(2);
  await expect(items.nth(1)).toContainText('+ → нб');
  await docShot(page, 'journal-entry.png');

  // A lesson that has not begun says why, and typing into it writes nothing.
  const future = env.db
    .prepare("SELECT id FROM lessons WHERE offering_id = ? AND date > '2026-11-26' ORDER BY date LIMIT 1")
    .get(lesson.offeringId) as { id: number };
  await cell(page, s0, future.id).click();
  await expect(cell(page, s0, future.id)).not.toHaveClass(/\bed\b/);
  await expect(page.getByTestId('cell-refusal')).toHaveText('Изменить нельзя: занятие ещё не началось');
  await page.keyboard.press('+');
  await expect(status).toContainText('Изменить нельзя: занятие ещё не началось');
  await status.getByRole('button', { name: 'Закрыть' }).click();
  await expect(status).toHaveCount(0);
  expect(marksOf(future.id)).toEqual([]);

  // In Kyrgyz the keys and the reasons speak Kyrgyz; the notation stays.
  await page.getByRole('button', { name: 'Кыр' }).first().click();
  await expect(page.locator('.entry-keys')).toContainText('Киргизүү: + н у 5 4 3 2');
  await expect(page.getByTestId('cell-refusal')).toHaveText(
    'Өзгөртүүгө болбойт: сабак азырынча башталган эмес',
  );
  await page.screenshot({ path: 'test-results/screens/journal-entry-ky.png' });
  expect(errors).toEqual([]);
});

test('a closed journal says why its cells cannot change; the deanery’s view stays read-only', async ({
  page,
}) => {
  // The `head` account teaches the demo's closed offerings.
  const locked = env.db
    .prepare(
      `SELECT k.offering_id offeringId, o.group_id groupId, k.closed_on closedOn FROM locks k
      JOIN offerings o ON o.id = k.offering_id JOIN users u ON u.teacher_id = o.teacher_id
      WHERE u.login = 'head' LIMIT 1`,
    )
    .get() as { offeringId: number; groupId: number; closedOn: string };
  const lesson = env.db
    .prepare(
      `SELECT id FROM lessons WHERE offering_id = ? AND date <= ? AND status = 'scheduled'
      AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = lessons.id) ORDER BY date DESC LIMIT 1`,
    )
    .get(locked.offeringId, locked.closedOn) as { id: number };
  const before = marksOf(lesson.id);

  await loginAs(page, env.web.url, 'head');
  await openJournal(page, locked.groupId, locked.offeringId);
  const [s0] = await rowsOf(page);
  await cell(page, s0, lesson.id).click();
  await expect(page.getByTestId('cell-refusal')).toHaveText(
    'Изменить нельзя: дисциплина закрыта, изменения запрещены (§4.3)',
  );
  // The key of н on a keyboard switched to English (Y) means н too.
  await page.keyboard.press('KeyY');
  await expect(page.getByTestId('entry-status')).toContainText('дисциплина закрыта');
  await page.keyboard.press('Delete');
  expect(marksOf(lesson.id)).toEqual(before);

  // The deanery sees the same journal without entry: nothing editable, typing changes nothing.
  await page.getByRole('button', { name: 'Выйти' }).click();
  await loginAs(page, env.web.url, 'dean');
  await openJournal(page, locked.groupId, locked.offeringId);
  await expect(page.locator('.gc.ed')).toHaveCount(0);
  await expect(page.getByText('Ввод: +')).toHaveCount(0);
  await cell(page, s0, lesson.id).click();
  await pressCyrillic(page, 'н');
  await expect(page.getByTestId('entry-status')).toHaveCount(0);
  await expect(page.getByTestId('cell-refusal')).toHaveCount(0);
  expect(marksOf(lesson.id)).toEqual(before);
});
