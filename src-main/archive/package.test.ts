import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { DEMO_NOW, tinyReplica } from '../../tests/helpers/replica';
import { generateDemo } from '../demo/generate';
import { openReplica, type Db } from '../db/open';
import { runCli } from '../cli';
import { DIGEST_FILE, MANIFEST, writePackage, type PackageInput } from './package';
import { openPackage } from './open';
import { checkPackage } from './verify';
import { eachEntry, readAll } from './zip-read';

/**
 * Archive packages (issue 7): a whole package verifies; one changed byte in any file, a removed file
 * and an added file are each reported naming the file; a package opened into a replica gives the same
 * data files byte for byte when packaged again (the faculty-scale demo's semester).
 */
const dir = mkdtempSync(join(tmpdir(), 'avn-archive-'));
let db: Db;
let pkg = '';

const input = (out: string, extra: Partial<PackageInput> = {}): PackageInput => ({
  unit: { kind: 'faculty', id: 1 },
  period: null,
  out,
  locale: 'ru',
  now: DEMO_NOW,
  madeBy: { userId: null, name: 'test' },
  device: 'test-device',
  appVersion: '0.0.0-test',
  ...extra,
});

/** Every entry of a ZIP, in order, as bytes. */
async function entries(file: string): Promise<Array<{ path: string; bytes: Buffer }>> {
  const out: Array<{ path: string; bytes: Buffer }> = [];
  await eachEntry(file, async (e) => {
    out.push({ path: e.path, bytes: await readAll(await e.open()) });
  });
  return out;
}

/** Write a ZIP of the given entries (a tampered copy of a package). */
async function rezip(file: string, list: Array<{ path: string; bytes: Buffer }>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const e of list) zip.addBuffer(e.bytes, e.path);
  zip.end();
  await pipeline(zip.outputStream as Readable, createWriteStream(file));
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Register entries the package must carry (a journal of the period, an act of its unit then) or not. */
const REGISTER = {
  journal: '0190a0a0-0000-7000-8000-0000000000d1',
  act: '0190a0a0-0000-7000-8000-0000000000d2',
  otherFaculty: '0190a0a0-0000-7000-8000-0000000000d3',
  longAgo: '0190a0a0-0000-7000-8000-0000000000d4',
};

beforeAll(async () => {
  const file = tinyReplica();
  const w = openReplica(file);
  const offering = w.get<{ id: number }>(sql`SELECT o.id FROM offerings o JOIN groups g ON g.id = o.group_id
    JOIN semesters s ON s.id = o.semester_id WHERE g.faculty_id = 1 AND s.starts_on <= '2026-11-26'
    AND s.ends_on >= '2026-11-26' ORDER BY o.id LIMIT 1`).id;
  const entry = w.$client
    .prepare(`INSERT INTO documents (id, number, kind, locale, code, canon, pages, subject_kind,
    subject_id, twin, printed_at, printed_by, row_version, updated_at, updated_by)
    VALUES (?, ?, ?, 'ru', 'ABCD-EFGH-JKMN', 2, 1, ?, ?, NULL, ?, NULL, 1, ?, NULL)`);
  entry.run(
    REGISTER.journal,
    `ЖУР-${offering}-20261126-120000`,
    'journal',
    'offering',
    offering,
    DEMO_NOW,
    DEMO_NOW,
  );
  entry.run(REGISTER.act, 'АКТ-20261126-120000', 'act', 'faculty', 1, DEMO_NOW, DEMO_NOW);
  entry.run(REGISTER.otherFaculty, 'АКТ-20261126-120001', 'act', 'faculty', 2, DEMO_NOW, DEMO_NOW);
  entry.run(REGISTER.longAgo, 'АКТ-20200126-120000', 'act', 'faculty', 1, 1_580_000_000_000, DEMO_NOW);
  w.$client.close();
  db = openReplica(file, { readonly: true });
  pkg = join(dir, 'whole.zip');
  await writePackage(db, input(pkg));
}, 120_000);
afterAll(() => db.$client.close());

describe('archive package', () => {
  it('holds data, Excel and PDF journals per group, and a manifest whose digest is manifest.sha256', async () => {
    const list = await entries(pkg);
    const byPath = new Map(list.map((e) => [e.path, e.bytes]));
    const manifest = JSON.parse(byPath.get(MANIFEST)!.toString('utf8')) as {
      files: Array<{ path: string; size: number; sha256: string }>;
      counts: Record<string, number>;
      unit: { kind: string; id: number };
      schemaVersion: number;
      app: { version: string };
    };
    expect(manifest.unit).toMatchObject({ kind: 'faculty', id: 1 });
    expect(manifest.app.version).toBe('0.0.0-test');
    // Every file but the manifest and its digest is listed with its true size and hash.
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      list
        .map((e) => e.path)
        .filter((p) => p !== MANIFEST && p !== DIGEST_FILE)
        .sort(),
    );
    for (const f of manifest.files) {
      const bytes = byPath.get(f.path)!;
      expect(f.size).toBe(bytes.length);
      expect(f.sha256).toBe(sha(bytes));
    }
    expect(byPath.get(DIGEST_FILE)!.toString()).toBe(`${sha(byPath.get(MANIFEST)!)}  ${MANIFEST}\n`);
    // Groups of the faculty with journals: one workbook and one PDF each.
    const groups = db.all<{ n: number }>(sql`SELECT count(DISTINCT o.group_id) AS n FROM offerings o
      JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = 1 AND o.semester_id = 1 AND o.lesson_kind <> 'self_study'`)[0]
      .n;
    expect(list.filter((e) => e.path.startsWith('excel/') && e.path.endsWith('.xlsx'))).toHaveLength(groups);
    expect(
      list.filter((e) => e.path.startsWith('pdf/') && e.bytes.subarray(0, 5).toString() === '%PDF-'),
    ).toHaveLength(groups);
    // The data: one NDJSON line per record, as many as the manifest counts and the replica holds.
    const marks = byPath.get('data/marks.ndjson')!.toString('utf8').trimEnd().split('\n');
    expect(marks).toHaveLength(manifest.counts.marks);
    const inScope = db.get<{
      n: number;
    }>(sql`SELECT count(*) AS n FROM marks m JOIN lessons l ON l.id = m.lesson_id
      JOIN offerings o ON o.id = l.offering_id JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = 1 AND o.semester_id = 1`).n;
    expect(manifest.counts.marks).toBe(inScope);
    expect(Object.keys(JSON.parse(marks[0]) as object)).toEqual([
      'lesson_id',
      'student_id',
      'attendance',
      'grade',
      'row_version',
      'updated_at',
      'updated_by',
    ]);
    // The register of printed documents: the journals of its offerings and the documents about its unit
    // printed in the period — not another faculty's, not an older one.
    const register = byPath
      .get('data/documents.ndjson')!
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(register).toEqual([REGISTER.journal, REGISTER.act]);
    // Staff accounts travel without password hashes.
    expect(byPath.get('data/users.ndjson')!.toString()).not.toContain('password_hash');
    const whole = await checkPackage(pkg);
    expect(whole).toMatchObject({ whole: true, problems: [], digest: sha(byPath.get(MANIFEST)!) });
  });

  it('names the file when one byte of any file is changed', async () => {
    const list = await entries(pkg);
    for (const [i, e] of list.entries()) {
      // An empty file (a table without rows) gets a byte instead.
      const bytes = e.bytes.length === 0 ? Buffer.from('\n') : Buffer.from(e.bytes);
      // The manifest's byte is one outside every file’s entry (in its device id): one inside would also
      // name that file as altered, and where the middle falls moves with the list of files.
      const at =
        e.path === MANIFEST
          ? bytes.indexOf('"device": "') + '"device": "'.length
          : Math.floor(bytes.length / 2);
      if (e.bytes.length > 0) bytes[at] = bytes[at] ^ 0x01;
      const file = join(dir, `changed-${i}.zip`);
      await rezip(
        file,
        list.map((x, j) => (j === i ? { path: x.path, bytes } : x)),
      );
      const r = await checkPackage(file);
      expect(r.whole, e.path).toBe(false);
      const expected =
        e.path === MANIFEST
          ? [{ kind: 'digest', file: DIGEST_FILE }]
          : e.path === DIGEST_FILE
            ? [{ kind: 'digest', file: DIGEST_FILE }]
            : [{ kind: 'altered', file: e.path }];
      // A changed manifest may also no longer parse: then it is reported as such.
      if (e.path === MANIFEST && r.problems[0]?.kind === 'manifest') continue;
      expect(r.problems, e.path).toEqual(expected);
    }
  }, 120_000);

  it('names a removed file, an added file, and a damaged byte in the ZIP itself', async () => {
    const list = await entries(pkg);
    const removedAt = list.findIndex((e) => e.path === 'data/lessons.ndjson');
    const removed = join(dir, 'removed.zip');
    await rezip(
      removed,
      list.filter((_, i) => i !== removedAt),
    );
    expect((await checkPackage(removed)).problems).toEqual([
      { kind: 'missing', file: 'data/lessons.ndjson' },
    ]);

    const added = join(dir, 'added.zip');
    await rezip(added, [...list, { path: 'data/extra.ndjson', bytes: Buffer.from('{"x":1}\n') }]);
    expect((await checkPackage(added)).problems).toEqual([{ kind: 'extra', file: 'data/extra.ndjson' }]);

    // A byte of the package file inside the compressed marks.
    const raw = readFileSync(pkg);
    const name = Buffer.from('data/marks.ndjson');
    const header = raw.indexOf(name);
    const flipped = Buffer.from(raw);
    const at = header + name.length + 2000;
    flipped[at] = flipped[at] ^ 0xff;
    const damaged = join(dir, 'damaged.zip');
    writeFileSync(damaged, flipped);
    expect((await checkPackage(damaged)).problems).toEqual([{ kind: 'altered', file: 'data/marks.ndjson' }]);

    const notZip = join(dir, 'not.zip');
    writeFileSync(notZip, 'hello');
    expect((await checkPackage(notZip)).problems).toEqual([{ kind: 'not_a_package', file: null }]);
  }, 60_000);

  it('archive verify exits 1 for a package not whole, naming each problem', async () => {
    const lines: string[] = [];
    const out = { log: (l: string) => lines.push(l), progress: () => undefined, done: () => undefined };
    // Whole inside, but there is no register to find its digest in (issue 15, item 3: the register
    // decides; registered.test.ts has the exit 0 of a registered package).
    expect(await runCli(['archive', 'verify', pkg, '--db', join(dir, 'none.db')], out)).toBe(1);
    expect(lines.join('\n')).toMatch(/UNREGISTERED\s+manifest\.sha256/);
    expect(lines.join('\n')).toContain('register: NOT CHECKED');
    lines.length = 0;
    expect(
      await runCli(['archive', 'verify', join(dir, 'removed.zip'), '--db', join(dir, 'none.db')], out),
    ).toBe(1);
    expect(lines.join('\n')).toMatch(/MISSING\s+data\/lessons\.ndjson/);
  });

  it('a package opened into a replica gives the same data files when packaged again (tiny, with documents)', async () => {
    const opened = join(dir, 'opened.db');
    // Made here without the register: refused, then opened as a forced open would (issue 15, item 3).
    await expect(openPackage(pkg, join(dir, 'refused.db'))).rejects.toMatchObject({
      code: 'PACKAGE_UNREGISTERED',
    });
    const r = await openPackage(pkg, opened, { force: true });
    expect(r.registered).toBe('not_registered');
    const first = (await checkPackage(pkg)).manifest!;
    expect(r.counts).toEqual(first.counts);
    const again = openReplica(opened, { readonly: true });
    try {
      const repacked = join(dir, 'again.zip');
      await writePackage(again, input(repacked));
      const second = (await checkPackage(repacked)).manifest!;
      expect(second.counts).toEqual(first.counts);
      const data = (m: typeof first) => m.files.filter((f) => f.path.startsWith('data/'));
      expect(data(second)).toEqual(data(first));
    } finally {
      again.$client.close();
    }
  }, 120_000);
});

describe('archive round trip on the faculty-scale demo', () => {
  it('reproduces the record counts and the data files byte for byte', async () => {
    const file = join(dir, 'faculty.db');
    generateDemo(file, { scale: 'faculty' });
    const fac = openReplica(file, { readonly: true });
    const now = Number(
      fac.get<{ v: string }>(sql`SELECT value AS v FROM meta WHERE key = 'demo.now'`)?.v ?? DEMO_NOW,
    );
    try {
      // The documents do not enter the data files; the benchmark makes the whole package of this demo.
      const first = join(dir, 'faculty-1.zip');
      const a = await writePackage(fac, input(first, { now, noDocuments: true }));
      expect(a.counts.marks).toBeGreaterThan(100_000);
      const opened = join(dir, 'faculty-opened.db');
      await openPackage(first, opened, { force: true });
      const again = openReplica(opened, { readonly: true });
      try {
        const second = join(dir, 'faculty-2.zip');
        const b = await writePackage(again, input(second, { now, noDocuments: true }));
        expect(b.counts).toEqual(a.counts);
        const files = async (f: string) => (await checkPackage(f)).manifest!.files;
        expect(await files(second)).toEqual(await files(first));
      } finally {
        again.$client.close();
      }
    } finally {
      fac.$client.close();
    }
  }, 300_000);
});
