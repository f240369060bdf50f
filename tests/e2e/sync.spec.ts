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
  await page.getByRole('main').getByLabel('Логин').fill('dean');
  await page.getByRole('main').getByLabel('Пароль').fill('demo');
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
  const admin = (await (
    await fetch(`${gw.url}/auth/login`, {
      method: 'POST',
      headers: GW_HEADERS,
      body: JSON.stringify({
        login: 'admin',
        password: 'demo',
        deviceId: '00000000-0000-4000-8000-0000000000e2',
      }),
    })
  ).json()) as { token: string };
  const edit = await fetch(`${gw.url}/admin/edit`, {
    method: 'POST',
    headers: { ...GW_HEADERS, authorization: `Bearer ${admin.token}` },
    body: JSON.stringify({
      changes: [
        {
          table: 'marks',
          key: { lesson_id: cell.lessonId, student_id: cell.studentId },
          set: { attendance: 'p', grade: 5 },
        },
      ],
    }),
  });
  expect(edit.ok).toBe(true);
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
  await expect(row).toContainText('изменено в центре после вашей версии');
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
