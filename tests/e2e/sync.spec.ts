import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { startGatewayProcess, type GatewayProcess } from './gateway';
import { startWebMode, type WebMode } from './web-mode';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../src-shared/sync/mutations';

/**
 * The admin connects the deanery's replica to the AVN gateway (both real processes) with the deanery's
 * central account and syncs with a progress bar; a teacher whose edit is refused resolves it on the
 * Sync screen; the shell shows the sync state throughout. Other roles cannot connect a replica.
 */
let gw: GatewayProcess;
let web: WebMode;

test.beforeAll(async () => {
  [gw, web] = await Promise.all([startGatewayProcess(), startWebMode()]);
});
test.afterAll(async () => {
  await Promise.all([web.stop(), gw.stop()]);
});

const GW_HEADERS = {
  'x-protocol-version': String(PROTOCOL_VERSION),
  'x-schema-version': String(SCHEMA_VERSION),
  'content-type': 'application/json',
};

/** Call the desktop's API in web mode as the UI does. */
async function api(
  method: string,
  input: unknown,
  session?: string,
): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }> {
  const token = /#token=([\w-]+)/.exec(web.url)?.[1] ?? '';
  const base = web.url.split('/#')[0];
  const r = await fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ input, session }),
  });
  return (await r.json()) as { ok: boolean; value?: unknown; error?: { code: string } };
}

/** A central edit as AVN web makes it (the gateway's admin endpoint, as an admin on a device of its own). */
async function centralEdit(changes: unknown[]): Promise<void> {
  const admin = (await (
    await fetch(`${gw.url}/auth/login`, {
      method: 'POST',
      headers: GW_HEADERS,
      body: JSON.stringify({ login: 'admin', password: 'demo', deviceId: randomUUID() }),
    })
  ).json()) as { token: string };
  const edit = await fetch(`${gw.url}/admin/edit`, {
    method: 'POST',
    headers: { ...GW_HEADERS, authorization: `Bearer ${admin.token}` },
    body: JSON.stringify({ changes }),
  });
  expect(edit.ok).toBe(true);
}

async function logIn(page: Page, login: string) {
  await page.goto(web.url);
  await page.getByLabel('Логин').fill(login);
  await page.getByLabel('Пароль').fill('demo');
  await page.getByRole('button', { name: 'Войти' }).click();
}

test('connect, sync, and resolve a conflict on the Sync screen', async ({ page }) => {
  // Only the admin points the replica at a gateway (DOMAIN.md, Roles: this PC); the deanery is told so.
  await logIn(page, 'dean');
  const indicator = page.getByTestId('sync-indicator');
  await expect(indicator).toHaveText('AVN: не подключено');
  await indicator.click();
  await expect(page.getByRole('main')).toContainText('может администратор электронного журнала');
  await expect(page.getByLabel('Адрес шлюза AVN')).toHaveCount(0);
  await page.getByRole('button', { name: 'Выйти' }).click();

  await logIn(page, 'admin');
  await indicator.click();

  await page.getByLabel('Адрес шлюза AVN').fill(gw.url);
  await page.getByTestId('connect-form').getByLabel('Логин').fill('dean');
  await page.getByTestId('connect-form').getByLabel('Пароль').fill('demo');
  await page.getByRole('button', { name: 'Подключить' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Подключено: faculty:1' })).toBeVisible();
  await page.getByTestId('sync-now').click();
  await expect(page.getByText(/Готово: отправлено 0/)).toBeVisible({ timeout: 60_000 });
  await expect(indicator).toContainText('в сети');
  await page.getByRole('button', { name: 'Выйти' }).click();

  // A teacher enters a mark on this PC while the same cell was changed in AVN web.
  const login = await api('auth.login', { login: 'teacher', password: 'demo' });
  expect(login.ok).toBe(true);
  const session = (login.value as { session: string }).session;
  const db = new Database(web.dbPath, { readonly: true });
  const cell = db
    .prepare(
      `SELECT l.id lessonId, e.student_id studentId FROM lessons l JOIN offerings o ON o.id = l.offering_id
      JOIN users u ON u.teacher_id = o.teacher_id AND u.login = 'teacher'
      JOIN enrolments e ON e.group_id = o.group_id AND e.starts_on <= l.date AND (e.ends_on IS NULL OR e.ends_on >= l.date)
      WHERE o.subgroup_id IS NULL AND l.status = 'scheduled' AND l.date < '2026-11-26'
      AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id) AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) LIMIT 1`,
    )
    .get() as { lessonId: number; studentId: number };
  await centralEdit([
    {
      table: 'marks',
      key: { lesson_id: cell.lessonId, student_id: cell.studentId },
      set: { attendance: 'p', grade: 5 },
    },
  ]);
  expect(
    (
      await api(
        'journal.setMarks',
        { lessonId: cell.lessonId, marks: [{ studentId: cell.studentId, attendance: 'a', grade: null }] },
        session,
      )
    ).ok,
  ).toBe(true);

  // The teacher syncs and finds their edit refused.
  await logIn(page, 'teacher');
  await indicator.click();
  await page.getByTestId('sync-now').click();
  const row = page.getByTestId('conflicts').locator('tbody tr');
  await expect(row).toHaveCount(1, { timeout: 60_000 });
  await expect(row).toContainText('запись изменена в центре после вашей версии');
  await expect(row).toContainText('нб');
  await expect(row).toContainText('5');
  await expect(indicator).toContainText('1 конфликт');
  await page.screenshot({ path: 'test-results/screens/sync-conflict.png' });

  await row.getByRole('button', { name: 'Оставить центра' }).click();
  await expect(page.getByText('Отклонённых изменений нет')).toBeVisible();
  await expect(indicator).not.toContainText('конфликт');
  expect(
    db
      .prepare('SELECT attendance, grade FROM marks WHERE lesson_id = ? AND student_id = ?')
      .get(cell.lessonId, cell.studentId),
  ).toEqual({ attendance: 'p', grade: 5 });
  db.close();
  await page.screenshot({ path: 'test-results/screens/sync.png' });
});

test('a head sees a refused absence and a refused grade together, in Russian and Kyrgyz, and resolves both', async ({
  page,
}) => {
  // The replica is connected (the test above). The head registers an absence of a teacher of their
  // department and enters a grade in a lesson of their own (a subgroup's: their only open journal) —
  // while AVN web had registered that absence and changed that cell first.
  const login = await api('auth.login', { login: 'head', password: 'demo' });
  expect(login.ok).toBe(true);
  const session = (login.value as { session: string }).session;
  const db = new Database(web.dbPath, { readonly: true });
  const cell = db
    .prepare(
      `SELECT l.id lessonId, sm.student_id studentId FROM lessons l JOIN offerings o ON o.id = l.offering_id
      JOIN users u ON u.teacher_id = o.teacher_id AND u.login = 'head'
      JOIN subgroup_members sm ON sm.subgroup_id = o.subgroup_id AND sm.starts_on <= l.date AND (sm.ends_on IS NULL OR sm.ends_on >= l.date)
      WHERE l.status = 'scheduled' AND l.date < '2026-11-26'
      AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id) AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) LIMIT 1`,
    )
    .get() as { lessonId: number; studentId: number };
  const absent = (db.prepare("SELECT teacher_id t FROM users WHERE login = 'teacher'").get() as { t: number })
    .t;
  db.close();
  expect(
    (
      await api(
        'subs.registerAbsence',
        {
          teacherId: absent,
          startsOn: '2027-03-15',
          endsOn: '2027-03-16',
          pairs: null,
          reason: 'illness',
          documentRef: null,
        },
        session,
      )
    ).ok,
  ).toBe(true);
  expect(
    (
      await api(
        'journal.setMarks',
        { lessonId: cell.lessonId, marks: [{ studentId: cell.studentId, attendance: 'p', grade: 4 }] },
        session,
      )
    ).ok,
  ).toBe(true);
  await centralEdit([
    {
      table: 'absences',
      key: { id: '0192f0a0-0000-7000-8000-00000000a001' },
      set: {
        teacher_id: absent,
        starts_on: '2027-03-16',
        ends_on: '2027-03-17',
        pairs: null,
        reason: 'business_trip',
        document_ref: null,
        created_by: null,
      },
    },
    {
      table: 'marks',
      key: { lesson_id: cell.lessonId, student_id: cell.studentId },
      set: { attendance: 'a', grade: null },
    },
  ]);

  await logIn(page, 'head');
  await page.getByTestId('sync-indicator').click();
  await page.getByTestId('sync-now').click();
  const rows = page.getByTestId('conflicts').locator('tbody tr');
  await expect(rows).toHaveCount(2, { timeout: 60_000 });
  await expect(rows.nth(0)).toContainText('Отсутствие преподавателя');
  await expect(rows.nth(0)).toContainText('отсутствие в эти дни уже зарегистрировано');
  await expect(rows.nth(1)).toContainText('Отметка');
  await expect(rows.nth(1)).toContainText('запись изменена в центре после вашей версии');
  for (const [w, h] of [
    [1280, 720],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `test-results/screens/sync-conflicts-ru-${w}.png` });
  }
  await page.locator('.lang-switch button[lang="ky"]').click();
  await expect(rows.nth(0)).toContainText('Окутуучунун жок болушу');
  await expect(rows.nth(0)).toContainText('бул күндөрү жок болуу мурунтан катталган');
  await expect(rows.nth(1)).toContainText('жазуу сиздин версияңыздан кийин борбордо өзгөртүлгөн');
  for (const [w, h] of [
    [1280, 720],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `test-results/screens/sync-conflicts-ky-${w}.png` });
  }
  // Only one way to resolve an absence: take the refusal (it is redone from the Substitutions screen).
  await expect(rows.nth(0).getByRole('button')).toHaveCount(1);
  await rows.nth(0).getByRole('button', { name: 'Баш тартууну кабыл алуу' }).click();
  await expect(rows).toHaveCount(1);
  await rows.nth(0).getByRole('button').first().click();
  await expect(page.getByTestId('conflicts')).toHaveCount(0);
  await page.locator('.lang-switch button[lang="ru"]').click();
});
