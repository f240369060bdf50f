import { SYNCED_TABLES, type ScopeRef } from '../../src-shared/sync/tables';
import { scopeChecksums } from '../sync/pull';
import type { CentralDb } from './client';
import { allColumns } from './tables';

/**
 * Fill an empty central database with a university's rows, so a newcomer can sync at once: every
 * synced table's rows by COPY, in reference order, then the counters, the clock's "now" of a demo, and
 * the maintained checksums' bases. A `loaded` mark written last tells a complete load from an
 * interrupted one. Where the rows come from is the caller's business (the demo university of the
 * desktop's generator, for demos and tests: scripts/gateway.ts, tests/setup).
 */
export type SeedSource = {
  /** Each synced table's rows, values in `allColumns` order. */
  rows: (table: string, columns: readonly string[]) => Iterable<readonly unknown[]>;
  /** The fixed "now" of a demo university (the central clock starts there), if it is one. */
  demoNow: number | null;
  /** What was loaded, for the record (e.g. the demo's scale). */
  label: string;
};

export async function seedCentral(
  db: CentralDb,
  source: SeedSource,
  onProgress?: (p: { phase: 'central'; done: number; total: number }) => void,
): Promise<{ rows: number }> {
  const existing = await db.query<{ key: string }>('SELECT key FROM gateway_meta');
  if (existing.length > 0) throw new Error('the central database is not empty');
  let rows = 0;
  for (const [i, t] of SYNCED_TABLES.entries()) {
    const cols = allColumns(t.name);
    rows += await db.copyIn(t.name, cols, source.rows(t.name, cols));
    onProgress?.({ phase: 'central', done: i + 1, total: SYNCED_TABLES.length });
  }
  // Planner statistics now, not when autovacuum gets to it: scope queries page through marks by key.
  await db.query('ANALYZE');
  await db.tx(async (q) => {
    await q.query(
      'INSERT INTO sync_counter (id, seq, pruned_through) VALUES (1, 0, 0) ON CONFLICT (id) DO NOTHING',
    );
    if (source.demoNow !== null)
      await q.query("INSERT INTO gateway_meta (key, value) VALUES ('demo.now', $1), ('demo.scale', $2)", [
        String(source.demoNow),
        source.label,
      ]);
    await q.query("INSERT INTO gateway_meta (key, value) VALUES ('loaded', 'yes')");
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
  return { rows };
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
