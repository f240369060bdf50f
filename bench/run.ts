import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { boot } from '../src-main/boot';
import { generateDemo } from '../src-main/demo/generate';
import type { Scale } from '../src-main/demo/structure';
import { benchControl } from './control';
import { benchSync } from './sync';
import { benchPrint } from './print';
import { benchArchive } from './archive';
import { benchVerify } from './verify';

/**
 * `npm run bench [-- --scale faculty|university] [--only demo|sync|control|print|archive|verify]`: each figure beside a baseline measured in the same
 * run on the same machine (MEASURED.md). Timings are printed, never asserted.
 */
const { values } = parseArgs({
  options: { scale: { type: 'string' }, rows: { type: 'string' }, only: { type: 'string' } },
});
const scale = (values.scale ?? 'university') as Scale;
const dir = mkdtempSync(join(tmpdir(), 'avn-bench-'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Baseline: raw prepared 500-row INSERTs of mark-shaped rows into a table keyed like `marks`. */
function rawInsertBaseline(rows: number): number {
  const db = new Database(join(dir, 'baseline.db'));
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`CREATE TABLE marks (lesson_id INTEGER NOT NULL, student_id INTEGER NOT NULL, attendance TEXT NOT NULL, grade INTEGER,
    row_version INTEGER NOT NULL, updated_at INTEGER NOT NULL, updated_by INTEGER, PRIMARY KEY (lesson_id, student_id))`);
  const per = 500;
  const stmt = db.prepare(
    `INSERT INTO marks VALUES ${new Array<string>(per).fill('(?,?,?,?,?,?,?)').join(',')}`,
  );
  const params: Array<string | number | null> = new Array<string | number | null>(per * 7);
  const t0 = performance.now();
  db.transaction(() => {
    for (let base = 0; base < rows; base += per) {
      for (let i = 0; i < per; i++) {
        const n = base + i;
        const o = i * 7;
        params[o] = Math.floor(n / 20) + 1;
        params[o + 1] = (n % 20) + 1;
        params[o + 2] = n % 11 === 0 ? 'a' : 'p';
        params[o + 3] = n % 4 === 0 ? 4 : null;
        params[o + 4] = 1;
        params[o + 5] = 1_790_000_000_000 + n;
        params[o + 6] = 7;
      }
      stmt.run(params);
    }
  })();
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return rows / seconds;
}

function row(label: string, value: string, baseline: string, ratio: string) {
  console.log(`${label.padEnd(44)} ${value.padStart(16)} ${baseline.padStart(18)} ${ratio.padStart(9)}`);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(`AVN Desk benchmarks — ${new Date().toISOString()} — node ${process.version}\n`);
row('figure', 'value', 'baseline (same run)', 'ratio');
row('-'.repeat(44), '-'.repeat(16), '-'.repeat(18), '-'.repeat(9));

if (values.only === 'sync') {
  await benchSync(row);
  process.exit(0);
}

if (values.only === 'print') {
  const file = join(dir, 'faculty.db');
  generateDemo(file, { scale: values.scale ? scale : 'faculty' });
  await benchPrint(row, file);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

if (values.only === 'verify') {
  const file = join(dir, 'verify.db');
  generateDemo(file, { scale: values.scale ? scale : 'faculty' });
  await benchVerify(row, file, dir);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

if (values.only === 'archive') {
  // The faculty demo's whole first semester (its "today" moved to the semester's end).
  const file = join(dir, 'faculty-full.db');
  generateDemo(file, { scale: 'faculty', today: '2027-01-29' });
  let large: string | null = null;
  if (values.scale === 'university') {
    large = join(dir, 'university-full.db');
    generateDemo(large, { scale: 'university', today: '2027-01-29' });
  }
  benchArchive(row, file, large);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

if (values.only === 'control') {
  const file = join(dir, `${scale}.db`);
  generateDemo(file, { scale });
  const app = boot({ dbPath: file, demoIfMissing: null, log: () => undefined });
  const semester = app.db.$client
    .prepare('SELECT starts_on AS s FROM semesters ORDER BY starts_on LIMIT 1')
    .get() as { s: string };
  benchControl(row, app.db, app.deps.clock.now(), semester.s);
  app.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

// 1. The demo generator's throughput against raw inserts.
const baseRate = rawInsertBaseline(Number(values.rows ?? 1_000_000));
const file = join(dir, `${scale}.db`);
const demo = generateDemo(file, { scale });
const demoRate = demo.rows / demo.seconds;
row(
  `demo --scale ${scale}: rows/s (${fmt(demo.rows)} rows)`,
  fmt(demoRate),
  `${fmt(baseRate)} raw`,
  (demoRate / baseRate).toFixed(2),
);
row(`demo --scale ${scale}: seconds`, demo.seconds.toFixed(1), '', '');

// 2. Opening a journal through dispatch against the bare SQL of its marks.
const app = boot({ dbPath: file, demoIfMissing: null, log: () => undefined });
const raw = app.db.$client;
const offerings = (
  raw
    .prepare(`SELECT o.id FROM offerings o WHERE o.lesson_kind <> 'self_study' ORDER BY o.id LIMIT 200`)
    .all() as Array<{ id: number }>
).map((r) => r.id);
const admin = await app.dispatch({ method: 'auth.login', input: { login: 'admin', password: 'demo' } });
if (!admin.ok) throw new Error('admin login failed');
const session = (admin.value as { session: string }).session;
const marksOf = raw.prepare(
  'SELECT m.* FROM marks m JOIN lessons l ON l.id = m.lesson_id WHERE l.offering_id = ?',
);
const gridTimes: number[] = [];
const rawTimes: number[] = [];
for (const id of offerings) {
  let t = performance.now();
  const r = await app.dispatch({ method: 'journal.grid', input: { offeringId: id }, session });
  gridTimes.push(performance.now() - t);
  if (!r.ok) throw new Error(`grid ${id}: ${r.error.code}`);
  t = performance.now();
  marksOf.all(id);
  rawTimes.push(performance.now() - t);
}
row(
  `journal.grid, median of ${offerings.length} journals (ms)`,
  median(gridTimes).toFixed(2),
  `${median(rawTimes).toFixed(2)} SQL only`,
  (median(gridTimes) / median(rawTimes)).toFixed(1),
);
const groupsT0 = performance.now();
await app.dispatch({ method: 'journal.groups', input: {}, session });
row('journal.groups, all groups (ms)', (performance.now() - groupsT0).toFixed(1), '', '');

// 3. The weekly control.
const semester = raw.prepare('SELECT starts_on AS s FROM semesters ORDER BY starts_on LIMIT 1').get() as {
  s: string;
};
benchControl(row, app.db, app.deps.clock.now(), semester.s);
app.close();

// 4. Printing the faculty-scale demo's journals.
if (values.only !== 'demo') {
  const printFile = join(dir, 'faculty-print.db');
  generateDemo(printFile, { scale: 'faculty' });
  await benchPrint(row, printFile);
}

// 5. Archive packages (the faculty demo's full semester).
if (values.only !== 'demo') {
  const archiveFile = join(dir, 'faculty-archive.db');
  generateDemo(archiveFile, { scale: 'faculty', today: '2027-01-29' });
  benchArchive(row, archiveFile, null);
}
rmSync(dir, { recursive: true, force: true });

// 6. Sync.
if (values.only !== 'demo') await benchSync(row);
