import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SYNCED_TABLES, type ScopeRef } from '../../src-shared/sync/tables';
import { scopeChecksums } from '../sync/pull';
import { generateDemo, type DemoOptions } from '../../src-main/demo/generate';
import type { CentralDb } from './client';
import { allColumns } from './tables';

/**
 * Load the demo university into an empty central database, so a newcomer can sync at once. The demo
 * generator (shared with the desktop, tests and benchmarks) writes a SQLite file; its rows go into
 * PostgreSQL by COPY, table by table in reference order. A `loaded` mark written last tells a complete
 * load from an interrupted one.
 */
export async function loadDemoIntoCentral(
  db: CentralDb,
  opts: Pick<DemoOptions, 'scale' | 'today' | 'seed' | 'onProgress'> = {},
): Promise<{ rows: number; now: number }> {
  const existing = await db.query<{ key: string }>('SELECT key FROM gateway_meta');
  if (existing.length > 0) throw new Error('the central database is not empty');
  const dir = mkdtempSync(join(tmpdir(), 'avn-central-demo-'));
  const file = join(dir, 'demo.db');
  try {
    generateDemo(file, { scale: opts.scale ?? 'faculty', today: opts.today, seed: opts.seed });
    const src = new Database(file, { readonly: true });
    let rows = 0;
    for (const [i, t] of SYNCED_TABLES.entries()) {
      const cols = allColumns(t.name);
      const stmt = src
        .prepare(
          `SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${t.name}" ORDER BY ${t.pk.join(', ')}`,
        )
        .raw();
      rows += await db.copyIn(t.name, cols, stmt.iterate() as Iterable<unknown[]>);
      opts.onProgress?.({ phase: 'central', done: i + 1, total: SYNCED_TABLES.length });
    }
    const now = Number(
      (src.prepare("SELECT value FROM meta WHERE key = 'demo.now'").get() as { value: string }).value,
    );
    src.close();
    // Planner statistics now, not when autovacuum gets to it: scope queries page through marks by key.
    await db.query('ANALYZE');
    await db.tx(async (q) => {
      await q.query(
        'INSERT INTO sync_counter (id, seq, pruned_through) VALUES (1, 0, 0) ON CONFLICT (id) DO NOTHING',
      );
      await q.query(
        "INSERT INTO gateway_meta (key, value) VALUES ('demo.now', $1), ('demo.scale', $2), ('loaded', 'yes')",
        [String(now), opts.scale ?? 'faculty'],
      );
    });
    // The maintained checksums start from bases computed now, so no replica's first sync waits for them.
    const scopes: ScopeRef[] = [
      { kind: 'university' },
      ...(await db.query<{ id: number }>('SELECT id FROM faculties ORDER BY id')).map(
        (f) => ({ kind: 'faculty', id: Number(f.id) }) as const,
      ),
      ...(await db.query<{ id: number }>('SELECT id FROM departments ORDER BY id')).map(
        (d) => ({ kind: 'department', id: Number(d.id) }) as const,
      ),
    ];
    for (const scope of scopes) await db.tx((q) => scopeChecksums(q, scope), 'repeatable read');
    return { rows, now };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether the central database holds a complete load. Throws when a load was interrupted. */
export async function centralState(db: CentralDb): Promise<'empty' | 'loaded'> {
  const meta = await db.query<{ key: string }>("SELECT key FROM gateway_meta WHERE key = 'loaded'");
  if (meta.length > 0) return 'loaded';
  const any = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM faculties');
  if ((any[0]?.n ?? 0) > 0)
    throw new Error('a previous load of the central database was interrupted: start from an empty database');
  return 'empty';
}
