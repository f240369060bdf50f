import { parseArgs } from 'node:util';
import { SYNCED_TABLES, syncedTable } from '../src-shared/sync/tables';
import { boot } from '../src-main/boot';
import { openReplica } from '../src-main/db/open';
import { replicaColumns } from '../src-main/sync/rows';

/**
 * The desktop side of the sync benchmark, in its own process so its peak memory is its own:
 *   sync     — connect to the gateway and download the scope through the real sync engine;
 *   baseline — the same rows as NDJSON over loopback HTTP into raw prepared inserts (MEASURED.md).
 * Prints one JSON line: rows, milliseconds (after login), login milliseconds, peak RSS in MB.
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    db: { type: 'string' },
    gateway: { type: 'string' },
    url: { type: 'string' },
    login: { type: 'string' },
    password: { type: 'string' },
  },
});
const mode = positionals[0];
const db = values.db ?? '';
const t0 = performance.now();
let rows = 0;
let connectMs = 0;
if (mode === 'sync') {
  const app = boot({ dbPath: db, demoIfMissing: null, log: () => undefined });
  await app.deps.sync.connect(values.gateway ?? '', values.login ?? '', values.password ?? '');
  // Login (deliberately slow scrypt on both sides) is reported apart from the download.
  connectMs = performance.now() - t0;
  const r = await app.deps.sync.sync();
  rows = r.snapshotRows + r.pulled;
  app.close();
} else if (mode === 'baseline') {
  const replica = openReplica(db);
  const sql = replica.$client;
  const stmts = new Map<string, ReturnType<typeof sql.prepare>>(
    SYNCED_TABLES.map((t) => {
      const cols = replicaColumns(t);
      return [
        t.name,
        sql.prepare(
          `INSERT INTO "${t.name}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        ),
      ];
    }),
  );
  const res = await fetch(values.url ?? '');
  if (!res.body) throw new Error('no body');
  const decoder = new TextDecoder();
  let buf = '';
  let batch: unknown[][] = [];
  const flush = sql.transaction((b: unknown[][]) => {
    for (const r of b) stmts.get(r[0] as string)?.run(r.slice(1));
  });
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) {
      if (!line) continue;
      const row = JSON.parse(line) as unknown[];
      if (!syncedTable(row[0] as string)) throw new Error(`bad table ${String(row[0])}`);
      batch.push(row);
      rows++;
      if (batch.length === 5000) {
        flush(batch);
        batch = [];
      }
    }
  }
  flush(batch);
  sql.close();
} else {
  throw new Error('mode: sync or baseline');
}
console.log(
  JSON.stringify({
    rows,
    ms: performance.now() - t0 - connectMs,
    connectMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
