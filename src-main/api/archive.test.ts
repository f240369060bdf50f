import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveJobView, PackageView, VerifyReport } from '../../src-shared/contract/archive.contract';
import type { PrintJobView } from '../../src-shared/contract/print.contract';
import { archiveFolder } from '../archive/files';
import { boot, startBackend, type App } from '../boot';
import { bootTiny, callOk, DEMO_NOW, login, tinyReplica } from '../../tests/helpers/replica';

/**
 * Archive packages through the API (issue 7): the archivist packages a group of their faculty, the
 * digest goes into the register (and the outbox), verifying the file records it verified, the
 * transfer act carries the digest; the deanery only looks; another faculty is refused; a package
 * opened into a replica boots read-only — people log in with their passwords, read and print, and
 * every write is refused as READ_ONLY.
 */
let app: App;
let archivist: string;
let dean: string;
const dir = mkdtempSync(join(tmpdir(), 'avn-archive-api-'));

beforeAll(async () => {
  app = bootTiny();
  archivist = await login(app, 'archivist');
  dean = await login(app, 'dean');
});
afterAll(() => app.close());

async function finished(a: App, jobId: string, session: string): Promise<ArchiveJobView> {
  // Waits for the state; the test's own timeout bounds it.
  for (;;) {
    const v = await callOk<ArchiveJobView>(a, 'archive.job', { jobId }, session);
    if (v.state !== 'running') return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const groupOf = (faculty: number) =>
  app.db.get<{ id: number }>(sql`SELECT g.id FROM groups g WHERE g.faculty_id = ${faculty}
    AND EXISTS (SELECT 1 FROM offerings o WHERE o.group_id = g.id) ORDER BY g.code LIMIT 1`).id;

describe('archive API', () => {
  let pkg = '';
  let digest = '';

  it('packages a group, registers its digest, verifies and records it, prints the transfer act', async () => {
    const options = await callOk<{ units: Array<{ kind: string; id: number | null }>; folder: string }>(
      app,
      'archive.options',
      {},
      archivist,
    );
    const group = groupOf(1);
    expect(options.units).toContainEqual(expect.objectContaining({ kind: 'group', id: group }));
    expect(options.units).not.toContainEqual(expect.objectContaining({ kind: 'group', id: groupOf(2) }));
    pkg = join(options.folder, 'group.zip');
    const started = await callOk<ArchiveJobView>(
      app,
      'archive.start',
      { unit: { kind: 'group', id: group }, name: 'group.zip' },
      archivist,
    );
    const job = await finished(app, started.id, archivist);
    expect(job.state, job.error ?? '').toBe('done');
    expect(existsSync(pkg)).toBe(true);
    digest = job.result!.digest;
    expect(digest).toMatch(/^[0-9a-f]{64}$/);

    const list = await callOk<{ items: PackageView[] }>(app, 'archive.list', {}, archivist);
    expect(list.items[0]).toMatchObject({
      digest,
      unit: { kind: 'group', id: group },
      pending: true,
      verifiedAt: null,
    });
    const outbox = app.db.all<{ name: string }>(sql`SELECT name FROM outbox ORDER BY local_seq`);
    expect(outbox.map((o) => o.name)).toEqual(['archive.registered']);

    const report = await callOk<VerifyReport>(app, 'archive.verify', { name: 'group.zip' }, archivist);
    expect(report).toMatchObject({
      whole: true,
      digest,
      registered: 'matches',
      recorded: true,
      problems: [],
    });
    const after = await callOk<{ items: PackageView[] }>(app, 'archive.list', {}, archivist);
    expect(after.items[0]?.verifiedAt).toBe(DEMO_NOW);

    const act = await callOk<{ base64: string; mime: string }>(
      app,
      'archive.transferAct',
      { packageId: job.result!.packageId },
      archivist,
    );
    const actFile = join(dir, 'act.pdf');
    writeFileSync(actFile, Buffer.from(act.base64, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', actFile, '-'], { encoding: 'utf8' }).replace(
      /\s+/g,
      '',
    );
    expect(text).toContain(digest);
  }, 60_000);

  it('lets the deanery look but not make, and refuses another faculty', async () => {
    const seen = await callOk<{ items: PackageView[] }>(app, 'archive.list', {}, dean);
    expect(seen.items.map((p) => p.digest)).toContain(digest);
    const r = await app.dispatch({
      method: 'archive.start',
      input: { unit: { kind: 'faculty', id: 1 } },
      session: dean,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'ROLE_FORBIDDEN' } });
    // The deanery verifies, but only an archivist's verification is recorded.
    const report = await callOk<VerifyReport>(app, 'archive.verify', { name: 'group.zip' }, dean);
    expect(report).toMatchObject({ whole: true, registered: 'matches', recorded: false });
    const other = await app.dispatch({
      method: 'archive.start',
      input: { unit: { kind: 'group', id: groupOf(2) } },
      session: archivist,
    });
    expect(other).toMatchObject({ ok: false, error: { code: 'SCOPE_FORBIDDEN' } });
    const missing = await app.dispatch({
      method: 'archive.verify',
      input: { name: 'nothing.zip' },
      session: archivist,
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', field: 'name' } });
  });

  it('reports a tampered package and refuses to open it', async () => {
    const bytes = readFileSync(pkg);
    const at = bytes.indexOf(Buffer.from('data/marks.ndjson')) + 500;
    bytes[at] = bytes[at] ^ 0xff;
    writeFileSync(join(dirname(pkg), 'tampered.zip'), bytes);
    const report = await callOk<VerifyReport>(app, 'archive.verify', { name: 'tampered.zip' }, archivist);
    expect(report.whole).toBe(false);
    expect(report.problems).toContainEqual({ kind: 'altered', file: 'data/marks.ndjson' });
    const open = await app.dispatch({
      method: 'archive.open',
      input: { name: 'tampered.zip' },
      session: archivist,
    });
    expect(open).toMatchObject({ ok: false, error: { code: 'PACKAGE_INVALID' } });
  });

  it('cancels a running package: it ends cancelled and leaves no file', async () => {
    const out = join(dirname(pkg), 'cancelled.zip');
    const started = await callOk<ArchiveJobView>(
      app,
      'archive.start',
      { unit: { kind: 'faculty', id: 1 }, name: 'cancelled.zip' },
      archivist,
    );
    await callOk(app, 'archive.cancel', { jobId: started.id }, archivist);
    const job = await finished(app, started.id, archivist);
    expect(job.state, job.error ?? '').toBe('cancelled');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dirname(pkg)).filter((f) => f.endsWith('.partial'))).toEqual([]);
  }, 60_000);

  it('opens a package into a read-only replica: log in, read, print; every write refused', async () => {
    const opened = await callOk<{ replica: string; counts: Record<string, number> }>(
      app,
      'archive.open',
      { name: 'group.zip' },
      archivist,
    );
    expect(opened.counts.marks).toBeGreaterThan(0);
    const archive = boot({ dbPath: opened.replica, demoIfMissing: null, log: () => undefined });
    try {
      const info = await callOk<{ archive: { digest: string; madeAt: number } | null }>(
        archive,
        'app.info',
        {},
        '',
      );
      expect(info.archive).toMatchObject({ digest, madeAt: DEMO_NOW });
      const who = await login(archive, 'archivist');
      const teacher = await login(archive, 'teacher');
      const groups = await callOk<Array<{ id: number }>>(archive, 'journal.groups', {}, who);
      expect(groups.map((g) => g.id)).toEqual([groupOf(1)]);
      // A teacher's own lesson: in a working replica they could mark it; here it is refused.
      const lesson = archive.db.get<{ id: number; student: number; teacher: number }>(sql`SELECT l.id,
          m.student_id AS student, o.teacher_id AS teacher
        FROM lessons l JOIN marks m ON m.lesson_id = l.id JOIN offerings o ON o.id = l.offering_id
        WHERE o.teacher_id IN (16, 17) ORDER BY l.date DESC LIMIT 1`);
      expect(lesson).toBeDefined();
      const write = await archive.dispatch({
        method: 'journal.setMarks',
        input: { lessonId: lesson.id, marks: [{ studentId: lesson.student, attendance: 'p', grade: 5 }] },
        session: lesson.teacher === 16 ? teacher : await login(archive, 'head'),
      });
      expect(write).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
      const again = await archive.dispatch({
        method: 'archive.start',
        input: { unit: { kind: 'group', id: groupOf(1) } },
        session: who,
      });
      expect(again).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
      // Printing from the archive works (and enters nothing in a register).
      const print = await callOk<PrintJobView>(
        archive,
        'print.start',
        { unit: { kind: 'group', id: groupOf(1) } },
        who,
      );
      let job = print;
      for (let i = 0; i < 400 && job.state === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        job = await callOk<PrintJobView>(archive, 'print.job', { jobId: print.id }, who);
      }
      expect(job.state, job.error ?? '').toBe('done');
      expect(job.files.length).toBe(1);
    } finally {
      archive.close();
    }
  }, 60_000);

  it('browses an opened package in the app itself and goes back to the working replica', async () => {
    const working = tinyReplica();
    // The package, copied into this replica's own archive folder.
    mkdirSync(archiveFolder(working), { recursive: true });
    copyFileSync(pkg, join(archiveFolder(working), 'group.zip'));
    // Its register entry, as sync brings it to every replica (issue 15, item 3: the register decides).
    const entry = app.db.$client
      .prepare('SELECT * FROM archive_packages WHERE digest = ?')
      .get(digest) as Record<string, unknown>;
    const target = new Database(working);
    try {
      const columns = Object.keys(entry);
      target
        .prepare(
          `INSERT INTO archive_packages (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        )
        .run(...Object.values(entry));
    } finally {
      target.close();
    }
    const backend = startBackend({
      dbPath: working,
      now: () => DEMO_NOW,
      demoIfMissing: null,
      log: () => undefined,
    });
    const call = async <T>(method: string, input: unknown, session?: string): Promise<T> => {
      const r = await backend.dispatch({ method, input, session, locale: 'ru' });
      if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    };
    const signIn = async () =>
      (await call<{ session: string }>('auth.login', { login: 'archivist', password: 'demo' })).session;
    try {
      let who = await signIn();
      const opened = await call<{ replica: string }>('archive.open', { name: 'group.zip' }, who);
      // Only replicas opened from packages, in the archives folder.
      const elsewhere = await backend.dispatch({
        method: 'archive.browse',
        input: { replica: pkg },
        session: who,
      });
      expect(elsewhere).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', field: 'replica' } });
      await call('archive.browse', { replica: opened.replica }, who);
      // Every session ended; the archive answers, read-only.
      const stale = await backend.dispatch({ method: 'journal.groups', input: {}, session: who });
      expect(stale).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
      expect((await call<{ archive: { digest: string } | null }>('app.info', {})).archive).toMatchObject({
        digest,
        registered: 'matches',
      });
      who = await signIn();
      expect((await call<Array<{ id: number }>>('journal.groups', {}, who)).map((g) => g.id)).toEqual([
        groupOf(1),
      ]);
      await call('archive.leave', {});
      expect((await call<{ archive: unknown }>('app.info', {})).archive).toBeNull();
      who = await signIn();
      expect((await call<Array<{ id: number }>>('journal.groups', {}, who)).length).toBeGreaterThan(1);
    } finally {
      backend.close();
    }
  }, 60_000);
});
