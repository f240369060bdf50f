import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { boot, type App } from '../../src-main/boot';
import { replicaColumns } from '../../src-main/sync/rows';
import { snapshotPage } from '../../src-gateway/sync/pull';
import type { CentralDb } from '../../src-gateway/db/client';
import { parseScopeKey, SYNCED_TABLES } from '../../src-shared/sync/tables';
import { SCHEMA_VERSION } from '../../src-shared/sync/mutations';
import { HEADER } from '../../src-shared/sync/wire';
import { DEMO_NOW } from './replica';

/** A new, empty replica file (no demo): what a new PC has before its first sync. */
export function emptyReplica(now: () => number = () => DEMO_NOW, pageSize?: number): App {
  const file = join(mkdtempSync(join(tmpdir(), 'avn-sync-')), 'replica.db');
  const app = boot({ dbPath: file, demoIfMissing: null, now, log: () => undefined });
  if (pageSize !== undefined) Object.assign(app.deps.sync, { pageSize });
  return app;
}

/** Every row of a scope, as sorted canonical JSON, centrally and in a replica. */
export async function centralRows(db: CentralDb, scopeKey: string): Promise<Map<string, string[]>> {
  const scope = parseScopeKey(scopeKey);
  if (!scope) throw new Error(`bad scope ${scopeKey}`);
  const out = new Map<string, string[]>();
  for (const t of SYNCED_TABLES) {
    const rows: string[] = [];
    let after: Array<string | number> | null = null;
    for (;;) {
      const page = await snapshotPage(db, scope, t.name, after, 10_000);
      rows.push(...page.rows.map((r) => JSON.stringify(r)));
      if (!page.next) break;
      after = page.next;
    }
    out.set(t.name, rows.sort());
  }
  return out;
}

export function replicaRows(app: App): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const t of SYNCED_TABLES) {
    const cols = replicaColumns(t);
    const rows = app.db.$client
      .prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${t.name}"`)
      .raw()
      .all() as unknown[][];
    out.set(t.name, rows.map((r) => JSON.stringify(r)).sort());
  }
  return out;
}

/** "Replica equals central", row by row, table by table. */
export async function expectReplicaEqualsCentral(app: App, db: CentralDb, scopeKey: string): Promise<void> {
  const central = await centralRows(db, scopeKey);
  const local = replicaRows(app);
  for (const t of SYNCED_TABLES) {
    const c = central.get(t.name) ?? [];
    const l = local.get(t.name) ?? [];
    if (c.length !== l.length || c.some((r, i) => r !== l[i])) {
      const onlyC = c.filter((r) => !l.includes(r)).slice(0, 3);
      const onlyL = l.filter((r) => !c.includes(r)).slice(0, 3);
      expect.fail(
        `${t.name}: central ${c.length} rows, replica ${l.length}; only central ${JSON.stringify(onlyC)}; only replica ${JSON.stringify(onlyL)}`,
      );
    }
  }
}

/** Mutations of a device by outcome, and how many of them the central audit holds. */
export async function centralOutcomes(
  db: CentralDb,
  deviceId: string,
): Promise<{ byOutcome: Record<string, number>; audited: number; total: number }> {
  const rows = await db.query<{ outcome: string; n: number }>(
    'SELECT outcome, count(*)::int AS n FROM mutations WHERE device_id = $1 GROUP BY outcome',
    [deviceId],
  );
  const byOutcome = Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
  const [a] = await db.query<{ n: number }>(
    'SELECT count(DISTINCT m.mutation_id)::int AS n FROM mutations m JOIN central_audit c ON c.mutation_id = m.mutation_id WHERE m.device_id = $1',
    [deviceId],
  );
  return { byOutcome, audited: a?.n ?? 0, total: rows.reduce((s, r) => s + r.n, 0) };
}

const HEADERS = {
  [HEADER.protocol]: '1',
  [HEADER.schema]: String(SCHEMA_VERSION),
  'content-type': 'application/json',
};

/** Central edits as AVN web makes them (through the gateway's admin endpoint). */
export async function centralEdit(gatewayUrl: string, changes: unknown[]): Promise<number> {
  const login = await fetch(`${gatewayUrl}/auth/login`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({
      login: 'admin',
      password: 'demo',
      // A device of its own each time: a device id belongs to the account that registered it.
      deviceId: randomUUID(),
    }),
  });
  const { token } = (await login.json()) as { token: string };
  const r = await fetch(`${gatewayUrl}/admin/edit`, {
    method: 'POST',
    headers: { ...HEADERS, authorization: `Bearer ${token}` },
    body: JSON.stringify({ changes }),
  });
  if (!r.ok) throw new Error(`central edit failed: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { seq: number }).seq;
}

/**
 * Log in on the desktop (locally, and centrally when connected) and return the session, once the
 * central login that the local one starts in the background has come back (a new token) — so a test
 * that moves the clock next does not race it.
 */
export async function desktopLogin(app: App, login: string): Promise<string> {
  const r = await app.dispatch({ method: 'auth.login', input: { login, password: 'demo' } });
  if (!r.ok) throw new Error(`login ${login}: ${r.error.code} ${r.error.message}`);
  await app.deps.sync.loginsSettled();
  return (r.value as { session: string }).session;
}

export type Cell = { lessonId: number; studentId: number };

/**
 * Cells the demo teacher may fill in a replica: students (of the whole group) at the teacher's own
 * lessons that have begun, are not locked and are not covered by a substitute; newest lessons first.
 */
export function teacherCells(app: App, n: number, login = 'teacher'): Cell[] {
  return app.db.$client
    .prepare(
      `SELECT l.id lessonId, e.student_id studentId FROM lessons l JOIN offerings o ON o.id = l.offering_id
      JOIN users u ON u.teacher_id = o.teacher_id AND u.login = ?
      JOIN enrolments e ON e.group_id = o.group_id AND e.starts_on <= l.date AND (e.ends_on IS NULL OR e.ends_on >= l.date)
      WHERE o.subgroup_id IS NULL AND l.status = 'scheduled' AND l.date < '2026-11-26'
      AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id) AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id)
      ORDER BY l.date DESC, e.student_id LIMIT ?`,
    )
    .all(login, n) as Cell[];
}

/** Things a test opened (apps, gateways, proxies), closed after it in reverse order. */
export function closers(): {
  track: <T extends { close: () => unknown } | { stop: () => Promise<void> }>(x: T) => T;
  closeAll: () => Promise<void>;
} {
  const list: Array<() => unknown> = [];
  return {
    track: (x) => {
      list.push('stop' in x ? () => x.stop() : () => x.close());
      return x;
    },
    closeAll: async () => {
      for (const c of list.splice(0).reverse()) await c();
    },
  };
}
