import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import { getMeta, META } from '../src-main/db/meta';
import { openReplica } from '../src-main/db/open';
import { runPackageJob } from '../src-main/archive/run-job';
import { dataSelections, resolveScope } from '../src-main/archive/scope';

/**
 * One measurement of the archive benchmark in its own process (so its peak memory is its own):
 * `package DB [data]` writes the package of the replica's current semester (everything in it) through
 * the app's path — a worker with its heap limit; with `data`, the data files only;
 * `naive DB` the data files the obvious way: every table read whole with `.all()`, one JSON line per
 * row, each file zipped from memory (the baseline).
 * Prints one JSON line: seconds, bytes in (uncompressed), bytes out (the ZIP), records, peak RSS MB.
 */
const [mode, dbFile, variant] = process.argv.slice(2);
const out = mkdtempSync(join(tmpdir(), 'avn-archive-bench-'));
const zipFile = join(out, 'p.zip');
const db = openReplica(dbFile ?? '', { readonly: true });
const now = Number(getMeta(db, META.demoNow) ?? Date.now());
const t0 = performance.now();
let bytesIn = 0;
let records = 0;
if (mode === 'package') {
  db.$client.close();
  const r = await runPackageJob({
    dbPath: dbFile ?? '',
    unit: { kind: 'university', id: null },
    period: null,
    out: zipFile,
    locale: 'ru',
    now,
    madeBy: { userId: null, name: 'bench' },
    device: 'bench',
    appVersion: 'bench',
    noDocuments: variant === 'data',
  });
  records = Object.values(r.counts).reduce((s, n) => s + n, 0);
  const check = await import('../src-main/archive/verify');
  const manifest = (await check.checkPackage(zipFile)).manifest;
  bytesIn = (manifest?.files ?? []).reduce((s, f) => s + f.size, 0);
} else {
  const scope = resolveScope(db, { kind: 'university', id: null }, null, now);
  const zip = new yazl.ZipFile();
  const done = pipeline(zip.outputStream as Readable, createWriteStream(zipFile));
  for (const s of dataSelections(scope)) {
    const rows = db.$client
      .prepare(s.sql.replace(/^SELECT json_object\(.*?\) FROM/s, 'SELECT * FROM'))
      .all(...s.params);
    // Lines as buffers: one string of a large table would pass V8's string length limit.
    const buf = Buffer.concat(rows.map((r) => Buffer.from(`${JSON.stringify(r)}\n`, 'utf8')));
    records += rows.length;
    bytesIn += buf.length;
    zip.addBuffer(buf, s.file);
  }
  zip.end();
  await done;
  db.$client.close();
}
const seconds = (performance.now() - t0) / 1000;
const bytesOut = statSync(zipFile).size;
rmSync(out, { recursive: true, force: true });
console.log(
  JSON.stringify({
    seconds,
    bytesIn,
    bytesOut,
    records,
    peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
