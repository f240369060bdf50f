import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { generateDemo } from '../../src-main/demo/generate';

/**
 * Start `src-main/web.ts` as a child process on a fresh tiny demo replica, exactly as `npm run web`
 * does after building, and read the address it prints.
 */
export type WebMode = { url: string; dbPath: string; stop(): Promise<void> };

/**
 * Web mode for a spec file: started before its tests on a fresh tiny demo, with a read-only connection
 * to its replica for the expected values, and stopped after them.
 */
export function useWebMode(): { readonly web: WebMode; readonly db: Database.Database } {
  const env = {} as { web: WebMode; db: Database.Database };
  test.beforeAll(async () => {
    env.web = await startWebMode();
    env.db = new Database(env.web.dbPath, { readonly: true });
  });
  test.afterAll(async () => {
    env.db.close();
    await env.web.stop();
  });
  return env;
}

/** Web mode on a fresh tiny demo, or on an existing replica file (`dbPath`) as it is. */
export async function startWebMode(existing?: string): Promise<WebMode> {
  const dbPath = existing ?? join(mkdtempSync(join(tmpdir(), 'avn-e2e-')), 'replica.db');
  if (!existing) generateDemo(dbPath, { scale: 'tiny' });
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/web.ts', '--db', dbPath, '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode did not start: ${stderr}`)), 30_000);
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`web mode exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    dbPath,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Log in through the login screen as a demo account (password `demo`). */
export async function loginAs(page: Page, url: string, login: string) {
  await page.goto(url);
  await page.getByLabel('Логин').fill(login);
  await page.getByLabel('Пароль').fill('demo');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page.getByRole('navigation', { name: 'main' })).toBeVisible();
}

export async function openJournal(page: Page, groupId: number, offeringId: number) {
  await page.locator(`[data-group="${groupId}"]`).click();
  await page.locator(`[data-offering="${offeringId}"]`).click();
  await expect(page.getByRole('grid')).toBeVisible();
}

/** Student ids in the grid's row order. */
export async function rowsOf(page: Page): Promise<number[]> {
  const rows = await page.locator('.gn[data-student-row]').evaluateAll((els) =>
    els.map((e) => ({
      id: Number(e.getAttribute('data-student-row')),
      top: parseFloat((e as HTMLElement).style.top),
    })),
  );
  return rows.sort((a, b) => a.top - b.top).map((r) => r.id);
}

export const cell = (page: Page, studentId: number, lessonId: number) =>
  page.locator(`.gc[data-student="${studentId}"][data-lesson="${lessonId}"]`);

/**
 * Press a key of the Russian/Kyrgyz layout (Playwright's keyboard knows only the US one): the key event
 * a ЙЦУКЕН keyboard sends — the Cyrillic character on its physical key.
 */
export async function pressCyrillic(page: Page, char: 'н' | 'у') {
  const code = char === 'н' ? 'KeyY' : 'KeyE';
  const vk = char === 'н' ? 89 : 69;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchKeyEvent', {
    type: 'keyDown',
    key: char,
    code,
    text: char,
    unmodifiedText: char,
    windowsVirtualKeyCode: vk,
  });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: char, code, windowsVirtualKeyCode: vk });
  await cdp.detach();
}
