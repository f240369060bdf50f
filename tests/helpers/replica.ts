import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { boot, type App } from '../../src-main/boot';
import { bishkekInstant } from '../../src-shared/domain/time';
import { DEFAULT_DEMO_DATE, DEMO_TIME } from '../../src-main/demo/generate';

/** A fresh copy of the tiny demo replica in its own temp folder. */
export function tinyReplica(): string {
  const dir = mkdtempSync(join(tmpdir(), 'avn-replica-'));
  const file = join(dir, 'replica.db');
  copyFileSync(inject('tinyTemplate'), file);
  return file;
}

/** The demo's "now" (fixed, as tests fake only the clock). */
export const DEMO_NOW = bishkekInstant(DEFAULT_DEMO_DATE, DEMO_TIME);

/** Boot the backend on a fresh tiny replica with a fixed clock. */
export function bootTiny(now: number = DEMO_NOW): App {
  return boot({ dbPath: tinyReplica(), now: () => now, demoIfMissing: null, log: () => undefined });
}

/** Log in as a demo account and return its session token. */
export async function login(app: App, account: string): Promise<string> {
  const r = await app.dispatch({ method: 'auth.login', input: { login: account, password: 'demo' } });
  if (!r.ok) throw new Error(`login ${account} failed: ${r.error.code}`);
  return (r.value as { session: string }).session;
}

/** Call a method that must succeed, returning its value (the error's message otherwise). */
export async function callOk<T>(app: App, method: string, input: unknown, session: string): Promise<T> {
  const r = await app.dispatch({ method, input, session, locale: 'ru' });
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

/** Students of a lesson's group or subgroup on its date (DOMAIN.md, Filled), straight from the rows. */
export function lessonMembers(app: App, lessonId: number): number[] {
  return (
    app.db.$client
      .prepare(
        `SELECT e.student_id id FROM lessons l JOIN offerings o ON o.id = l.offering_id
        JOIN enrolments e ON e.group_id = o.group_id AND e.starts_on <= l.date AND (e.ends_on IS NULL OR e.ends_on >= l.date)
        WHERE l.id = ? AND o.subgroup_id IS NULL
        UNION SELECT m.student_id FROM lessons l JOIN offerings o ON o.id = l.offering_id
        JOIN subgroup_members m ON m.subgroup_id = o.subgroup_id AND m.starts_on <= l.date AND (m.ends_on IS NULL OR m.ends_on >= l.date)
        WHERE l.id = ?`,
      )
      .all(lessonId, lessonId) as Array<{ id: number }>
  ).map((r) => r.id);
}
