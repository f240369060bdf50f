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
