import { expect, test } from '@playwright/test';
import { shortName } from '../../src-shared/domain/people';
import { cell, loginAs, openJournal, pressCyrillic, rowsOf, useWebMode } from './web-mode';
import { docShot } from './shots';

/**
 * Substitutions in web mode on the tiny demo (department 1, head = teacher 17, `teacher` = teacher 16):
 * the head registers a three-day absence of teacher 15, sees its lessons, is refused a double booking
 * naming the clash, assigns substitutes, prints the order and sees the month's cover report; the
 * substitute then logs in and fills the covered lesson in the journal.
 */
const env = useWebMode();

const teacherName = (id: number) =>
  shortName(
    env.db
      .prepare('SELECT last_name lastName, first_name firstName, patronymic FROM teachers WHERE id = ?')
      .get(id) as {
      lastName: string;
      firstName: string;
      patronymic: string | null;
    },
  );

test('the head registers a three-day absence, assigns substitutes; the substitute fills a covered lesson', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await loginAs(page, env.web.url, 'head');
  await page.getByRole('button', { name: 'Замены' }).click();
  await expect(page.getByRole('heading', { name: 'Замены преподавателей' })).toBeVisible();

  // Register: teacher 15, 18–20 Nov, illness, with the sick note's number.
  const form = page.getByRole('form', { name: 'Новое отсутствие' });
  await form.getByLabel('Преподаватель').selectOption({ label: teacherName(15) });
  await form.getByLabel('С', { exact: true }).fill('2026-11-18');
  await form.getByLabel('По', { exact: true }).fill('2026-11-20');
  await form.getByLabel('Причина').selectOption('illness');
  await form.getByLabel('Документ').fill('больничный лист № 12');
  await form.getByRole('button', { name: 'Зарегистрировать' }).click();

  const lessons = page.getByRole('table', { name: 'Занятия отсутствующего преподавателя' });
  await expect(lessons.locator('tbody tr')).toHaveCount(2);
  await expect(lessons.locator('[data-lesson-row="589"]')).toContainText('19.11.2026');
  await expect(lessons.locator('[data-lesson-row="605"]')).toContainText('20.11.2026');
  await expect(page.locator('.absence-head')).toContainText('заменено 0 из 2');

  // 20 Nov, pair 1: teacher 16 teaches their own lesson then — listed as busy, naming it; assigning
  // them anyway is refused with that message.
  await lessons.locator('[data-lesson-row="605"]').click();
  const busy = page.locator('[data-candidate="16"]');
  await expect(busy).toContainText('у преподавателя своё занятие в эту пару');
  await busy.getByRole('button', { name: 'Назначить' }).click();
  await expect(page.getByRole('alert')).toContainText(
    'Замена невозможна: 20.11.2026, 1: у преподавателя своё занятие',
  );
  // The head (teacher 17) is free then, same department: assign.
  const free = page.locator('[data-candidate="17"]');
  await expect(free).toContainText('свободен');
  await expect(free).toContainText('своя кафедра');
  await free.getByRole('button', { name: 'Назначить' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Назначено занятий: 1' })).toBeVisible();
  await expect(lessons.locator('[data-lesson-row="605"]')).toContainText(teacherName(17));

  // 19 Nov with the keyboard: ↑ from 605 focuses 589; assign teacher 16 with a message.
  await lessons.locator('[data-lesson-row="605"]').focus();
  await page.keyboard.press('ArrowUp');
  await expect(page.locator('.subs-cand-head h4')).toContainText('19.11.2026, 3 пара');
  await page.locator('[data-candidate="16"]').getByRole('button', { name: 'Назначить' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Сообщение замещающему' })).toBeVisible();
  await expect(page.locator('.absence-head')).toContainText('заменено 2 из 2');
  const covers = env.db
    .prepare(
      'SELECT lesson_id l, substitute_teacher_id s FROM substitutions WHERE cancelled_at IS NULL AND lesson_id IN (589, 605) ORDER BY l',
    )
    .all();
  expect(covers).toEqual([
    { l: 589, s: 16 },
    { l: 605, s: 17 },
  ]);
  const outbox = env.db
    .prepare(
      "SELECT name FROM outbox WHERE name IN ('absences.register', 'substitutions.assign', 'messages.send') ORDER BY local_seq",
    )
    .all()
    .map((r) => (r as { name: string }).name);
  expect(outbox).toEqual([
    'absences.register',
    'substitutions.assign',
    'messages.send',
    'substitutions.assign',
    'messages.send',
  ]);

  // The order downloads as a PDF.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Распоряжение (PDF)' }).click();
  expect((await download).suggestedFilename()).toMatch(/^Распоряжение о замене ЗАМ-.*\.pdf$/);
  await docShot(page, 'substitutions.png');

  // The month's cover report: two lessons covered, four academic hours.
  await page.getByRole('tab', { name: 'Отчёт за месяц' }).click();
  await expect(page.locator('.cover-total')).toContainText('заменено 2, 4 акад. ч');
  await expect(page.locator('[data-substitute="16"]')).toContainText('2');
  await docShot(page, 'cover-report.png');

  // Kyrgyz.
  await page.getByRole('button', { name: 'Кыр' }).click();
  await expect(page.getByRole('tab', { name: 'Айлык отчёт' })).toBeVisible();
  await page.getByRole('button', { name: 'Рус' }).click();

  // The substitute logs in and fills the covered lesson 589: a grade, an absence, the topic.
  await page.getByRole('button', { name: 'Выйти' }).click();
  await loginAs(page, env.web.url, 'teacher');
  const l589 = env.db
    .prepare(
      'SELECT o.id offeringId, o.group_id groupId FROM lessons l JOIN offerings o ON o.id = l.offering_id WHERE l.id = 589',
    )
    .get() as { offeringId: number; groupId: number };
  await openJournal(page, l589.groupId, l589.offeringId);
  const [s0, s1] = (await rowsOf(page)) as [number, number];
  const details = page.getByTestId('lesson-details');
  await cell(page, s0, 589).click();
  await expect(details).toContainText('можно заполнять');
  await page.keyboard.press('5');
  await page.keyboard.press('Enter');
  await expect(cell(page, s0, 589)).toHaveText('5');
  await pressCyrillic(page, 'н');
  await page.keyboard.press('Enter');
  await expect(cell(page, s1, 589)).toHaveText('нб');
  await page.keyboard.press('t');
  await details.getByLabel('Тема').fill('Замена: функции и модули, практика');
  await details.getByLabel('Тема').press('Enter');
  await expect(page.getByTestId('entry-status')).toContainText('Тема сохранена');
  const subUser = (env.db.prepare("SELECT id FROM users WHERE login = 'teacher'").get() as { id: number }).id;
  await expect
    .poll(() =>
      env.db
        .prepare(
          'SELECT student_id s, attendance a, grade g FROM marks WHERE lesson_id = 589 AND student_id IN (?, ?) ORDER BY student_id',
        )
        .all(s0, s1),
    )
    .toEqual(
      [
        { s: s0, a: 'p', g: 5 },
        { s: s1, a: 'a', g: null },
      ].sort((x, y) => x.s - y.s),
    );
  expect(env.db.prepare('SELECT topic, conducted_by c FROM lessons WHERE id = 589').get()).toEqual({
    topic: 'Замена: функции и модули, практика',
    c: 16,
  });
  const theirs = env.db
    .prepare(
      "SELECT name FROM outbox WHERE user_id = ? AND name IN ('marks.set', 'lessons.setTopic') ORDER BY local_seq",
    )
    .all(subUser)
    .map((r) => (r as { name: string }).name);
  expect(theirs).toEqual(['marks.set', 'marks.set', 'lessons.setTopic']);
  // The absent teacher's other lesson, covered by someone else, is not in the substitute's journals.
  const l605 = env.db.prepare('SELECT offering_id o FROM lessons WHERE id = 605').get() as { o: number };
  await expect(page.locator(`[data-offering="${l605.o}"]`)).toHaveCount(0);
  expect(errors).toEqual([]);
});
