import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { syncedTable } from '../../src-shared/sync/tables';
import { generateDemo, type DemoOptions } from './generate';

/**
 * The demo university's rows for a central database (demos, tests, benchmarks): the generator writes a
 * replica file, whose synced tables are then read table by table in key order. The caller hands them
 * to the gateway's seed (`src-gateway/db/seed.ts`) and closes this when done.
 */
export type DemoRows = {
  rows: (table: string, columns: readonly string[]) => Iterable<readonly unknown[]>;
  demoNow: number;
  label: string;
  close: () => void;
};

export function demoRows(opts: Pick<DemoOptions, 'scale' | 'today' | 'seed'> = {}): DemoRows {
  const dir = mkdtempSync(join(tmpdir(), 'avn-central-demo-'));
  const file = join(dir, 'demo.db');
  try {
    generateDemo(file, { scale: opts.scale ?? 'faculty', today: opts.today, seed: opts.seed });
    const src = new Database(file, { readonly: true });
    const demoNow = Number(
      (src.prepare("SELECT value FROM meta WHERE key = 'demo.now'").get() as { value: string }).value,
    );
    return {
      rows: (table, columns) =>
        src
          .prepare(
            `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}" ORDER BY ${(syncedTable(table)?.pk ?? ['rowid']).join(', ')}`,
          )
          .raw()
          .iterate() as Iterable<unknown[]>,
      demoNow,
      label: opts.scale ?? 'faculty',
      close: () => {
        src.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
