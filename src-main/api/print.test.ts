import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperView, PrintJobView, VerifyVerdict } from '../../src-shared/contract/print.contract';
import type { App } from '../boot';
import { callOk, DEMO_NOW, login, tinyReplica } from '../../tests/helpers/replica';
import { boot } from '../boot';

/**
 * Batch printing through the API: the deanery prints a group of its faculty (one file, every journal
 * with a code), reads the file, verifies it by the QR text; a teacher prints their own journals;
 * printing outside one's scope is refused, and the study office does not print at all.
 */
let app: App;
let dean: string;
let head: string;
/**
 * The replica's clock, moved on a minute before each print: a journal's number carries the second it
 * was printed, and the register refuses a number twice (the same offering printed again in that second).
 */
let now = DEMO_NOW;

beforeAll(async () => {
  app = boot({ dbPath: tinyReplica(), now: () => now, demoIfMissing: null, log: () => undefined });
  dean = await login(app, 'dean');
  head = await login(app, 'head');
});
afterAll(() => app.close());

async function finished(jobId: string, session: string): Promise<PrintJobView> {
  // Waits for the state; the test's own timeout bounds it.
  for (;;) {
    const v = await callOk<PrintJobView>(app, 'print.job', { jobId }, session);
    if (v.state !== 'running') return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('print API', () => {
  it('prints a group, serves the file and verifies it by its QR text', async () => {
    const options = await callOk<{
      units: Array<{ kind: string; id: number }>;
      semesters: Array<{ current: boolean }>;
    }>(app, 'print.options', {}, dean);
    expect(options.semesters.some((s) => s.current)).toBe(true);
    const group = options.units.find((u) => u.kind === 'group');
    if (!group) throw new Error('no group to print');
    now += 60_000;
    const started = await callOk<PrintJobView>(app, 'print.start', { unit: group }, dean);
    const job = await finished(started.id, dean);
    expect(job.state).toBe('done');
    expect(job.files).toHaveLength(1);
    const journal = job.files[0]?.journals[0];
    if (!journal) throw new Error('no journal printed');
    const file = await callOk<{ base64: string; mime: string }>(
      app,
      'print.file',
      { jobId: job.id, index: 0 },
      dean,
    );
    expect(file.mime).toBe('application/pdf');
    expect(Buffer.from(file.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const ok = await callOk<VerifyVerdict>(
      app,
      'print.verify',
      { text: `AVN-JOURNAL ${journal.number} ${journal.code}` },
      dean,
    );
    expect(ok).toMatchObject({
      ok: true,
      offeringId: journal.offeringId,
      paper: 'not_read',
      register: 'matches',
      replica: 'unchanged',
    });
    expect(ok.journal?.group).toBeTruthy();
    // A code typed by hand with a wrong character does not match.
    const typo = journal.code.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const bad = await callOk<VerifyVerdict>(
      app,
      'print.verify',
      { text: `${journal.number} ${typo.toLowerCase()}` },
      dean,
    );
    expect(bad).toMatchObject({ ok: false, register: 'differs', replica: 'unchanged' });
    expect(bad.current).toBe(journal.code);
    // Every printed journal is in the paper register (pending until synced), in the outbox too.
    const register = await callOk<{ items: PaperView[]; due: number }>(app, 'print.register', {}, dean);
    const entry = register.items.find((p) => p.number === journal.number);
    expect(entry).toMatchObject({
      code: journal.code,
      pages: journal.pages,
      pending: true,
      dueForArchive: false,
    });
    expect(
      register.items.filter((p) => job.files[0]?.journals.some((j) => j.number === p.number)),
    ).toHaveLength(job.files[0]?.journals.length ?? 0);
    const queued = app.db.$client
      .prepare("SELECT count(*) n FROM outbox WHERE name = 'paper.printed'")
      .get() as { n: number };
    expect(queued.n).toBe(job.files[0]?.journals.length);
    // The code alone finds the paper journal through the register.
    const byCode = await callOk<VerifyVerdict>(
      app,
      'print.verify',
      { text: journal.code.toLowerCase() },
      dean,
    );
    expect(byCode).toMatchObject({ ok: true, number: journal.number });
    // The deanery enters the teacher's signature, then the transfer to the archive.
    if (!entry) throw new Error('not registered');
    const signed = await callOk<PaperView>(
      app,
      'print.setSigned',
      { paperId: entry.id, signedOn: '2026-11-27' },
      dean,
    );
    expect(signed.signedOn).toBe('2026-11-27');
    const archived = await callOk<PaperView>(
      app,
      'print.setArchived',
      { paperId: entry.id, archivedOn: '2027-12-01', transferAct: 'Акт № 7' },
      dean,
    );
    expect(archived).toMatchObject({ archivedOn: '2027-12-01', transferAct: 'Акт № 7' });
    // Another user cannot see the job.
    const other = await app.dispatch({
      method: 'print.job',
      input: { jobId: job.id },
      session: head,
      locale: 'ru',
    });
    expect(other).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('prints a group in both languages: two files, each journal two register entries naming each other', async () => {
    const options = await callOk<{ units: Array<{ kind: string; id: number }> }>(
      app,
      'print.options',
      {},
      dean,
    );
    // Not the group the first test prints nor one the `teacher` account teaches (the clock stands still:
    // a journal printed twice at one second would have one number).
    const taught = new Set(
      (
        app.db.$client
          .prepare(
            "SELECT DISTINCT o.group_id g FROM offerings o JOIN users u ON u.teacher_id = o.teacher_id WHERE u.login = 'teacher'",
          )
          .all() as Array<{ g: number }>
      ).map((r) => r.g),
    );
    const group = options.units.filter((u) => u.kind === 'group').find((u, i) => i > 0 && !taught.has(u.id));
    if (!group) throw new Error('no other group to print');
    const started = await callOk<PrintJobView>(app, 'print.start', { unit: group, bilingual: true }, dean);
    const job = await finished(started.id, dean);
    expect(job.state).toBe('done');
    expect(job.files.map((f) => f.locale)).toEqual(['ru', 'ky']);
    const [ru, ky] = job.files;
    expect(ru?.journals.length).toBeGreaterThan(0);
    const entry = app.db.$client.prepare(
      'SELECT kind, locale, code, canon, twin, subject_kind s, subject_id i FROM documents WHERE number = ?',
    );
    ru?.journals.forEach((j, i) => {
      const other = ky?.journals[i];
      if (!other) throw new Error('no Kyrgyz print');
      expect(entry.get(j.number)).toEqual({
        kind: 'journal',
        locale: 'ru',
        code: j.code,
        canon: 2,
        twin: other.number,
        s: 'offering',
        i: j.offeringId,
      });
      expect(entry.get(other.number)).toEqual({
        kind: 'journal',
        locale: 'ky',
        code: other.code,
        canon: 2,
        twin: j.number,
        s: 'offering',
        i: j.offeringId,
      });
    });
  });

  it('refuses units outside the caller’s scope', async () => {
    const foreign = app.db.$client.prepare('SELECT id FROM groups WHERE faculty_id = 2 LIMIT 1').get() as {
      id: number;
    };
    const r = await app.dispatch({
      method: 'print.start',
      input: { unit: { kind: 'group', id: foreign.id } },
      session: dean,
      locale: 'ru',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'SCOPE_FORBIDDEN' } });
    const dep = app.db.$client.prepare('SELECT id FROM departments WHERE id <> 1 LIMIT 1').get() as {
      id: number;
    };
    const h = await app.dispatch({
      method: 'print.start',
      input: { unit: { kind: 'department', id: dep.id } },
      session: head,
      locale: 'ru',
    });
    expect(h).toMatchObject({ ok: false, error: { code: 'SCOPE_FORBIDDEN' } });
  });

  it('lets a teacher print their own journals, see only their own register entries, and nothing else', async () => {
    const teacher = await login(app, 'teacher');
    const sql = app.db.$client;
    const me = (
      sql.prepare("SELECT teacher_id AS t FROM users WHERE login = 'teacher'").get() as { t: number }
    ).t;
    const options = await callOk<{ units: Array<{ kind: string; id: number; name: { ru: string } }> }>(
      app,
      'print.options',
      {},
      teacher,
    );
    // «Мои журналы»: one unit, their own; no faculty, department or group of anyone's.
    expect(options.units).toEqual([{ kind: 'teacher', id: me, name: expect.objectContaining({}) }]);
    now += 60_000;
    const started = await callOk<PrintJobView>(
      app,
      'print.start',
      { unit: { kind: 'teacher', id: me } },
      teacher,
    );
    const job = await finished(started.id, teacher);
    expect(job.state).toBe('done');
    const printed = job.files.flatMap((f) => f.journals);
    const own = sql
      .prepare(
        `SELECT o.id FROM offerings o JOIN semesters s ON s.id = o.semester_id
        WHERE o.teacher_id = ? AND o.lesson_kind <> 'self_study' AND s.starts_on <= '2026-11-26' AND s.ends_on >= '2026-11-26'
        ORDER BY o.id`,
      )
      .all(me) as Array<{ id: number }>;
    expect(own.length).toBeGreaterThan(0);
    expect(printed.map((j) => j.offeringId).sort((a, b) => a - b)).toEqual(own.map((o) => o.id));
    // One file per group they teach.
    expect(new Set(job.files.map((f) => f.group)).size).toBe(job.files.length);

    // The register: their own journals only, whoever printed them (the deanery printed a group above).
    const teacherOf = (offeringId: number) =>
      (sql.prepare('SELECT teacher_id AS t FROM offerings WHERE id = ?').get(offeringId) as { t: number }).t;
    const all = (await callOk<{ items: PaperView[] }>(app, 'print.register', {}, dean)).items;
    expect(all.some((p) => teacherOf(p.offeringId) !== me)).toBe(true);
    const mine = (await callOk<{ items: PaperView[] }>(app, 'print.register', {}, teacher)).items;
    expect(mine.length).toBeGreaterThanOrEqual(printed.length);
    expect(mine.every((p) => teacherOf(p.offeringId) === me)).toBe(true);
    expect(printed.every((j) => mine.some((p) => p.number === j.number))).toBe(true);
    // Whether an entry's dates can be entered is what setSigned answers.
    for (const p of mine.slice(0, 3)) {
      const r = await app.dispatch({
        method: 'print.setSigned',
        input: { paperId: p.id, signedOn: '2026-11-27' },
        session: teacher,
        locale: 'ru',
      });
      expect(r.ok).toBe(p.canEdit);
    }
    // Their own paper verifies; another teacher's does not concern them.
    const first = printed[0];
    if (!first) throw new Error('nothing printed');
    expect(
      await callOk<VerifyVerdict>(app, 'print.verify', { text: `${first.number} ${first.code}` }, teacher),
    ).toMatchObject({ ok: true });
    const foreignPaper = all.find((p) => teacherOf(p.offeringId) !== me);
    if (!foreignPaper) throw new Error('no other teacher’s paper');
    expect(
      await app.dispatch({
        method: 'print.verify',
        input: { text: `${foreignPaper.number} ${foreignPaper.code}` },
        session: teacher,
        locale: 'ru',
      }),
    ).toMatchObject({ ok: false, error: { code: 'SCOPE_FORBIDDEN' } });

    // Another teacher's journals, or a group or department of their own offerings: refused.
    const other = sql
      .prepare(
        'SELECT o.teacher_id AS t, o.group_id AS g, o.department_id AS d FROM offerings o WHERE o.teacher_id <> ? LIMIT 1',
      )
      .get(me) as { t: number; g: number; d: number };
    const mineGroup = sql
      .prepare('SELECT group_id AS g FROM offerings WHERE teacher_id = ? LIMIT 1')
      .get(me) as {
      g: number;
    };
    for (const unit of [
      { kind: 'teacher', id: other.t },
      { kind: 'group', id: mineGroup.g },
      { kind: 'department', id: other.d },
    ])
      expect(
        await app.dispatch({ method: 'print.start', input: { unit }, session: teacher, locale: 'ru' }),
        JSON.stringify(unit),
      ).toMatchObject({ ok: false, error: { code: 'SCOPE_FORBIDDEN', field: 'unit' } });
  });

  it('refuses printing and the paper register to the study office (DOMAIN.md: —)', async () => {
    const study = await login(app, 'study');
    for (const [method, input] of [
      ['print.start', { unit: { kind: 'faculty', id: 1 } }],
      ['print.options', {}],
      ['print.register', {}],
    ] as const)
      expect(await app.dispatch({ method, input, session: study, locale: 'ru' })).toMatchObject({
        ok: false,
        error: { code: 'ROLE_FORBIDDEN' },
      });
  });

  it('cancels a running job: it ends cancelled with no files', async () => {
    now += 60_000;
    const started = await callOk<PrintJobView>(
      app,
      'print.start',
      { unit: { kind: 'faculty', id: 1 } },
      dean,
    );
    await callOk(app, 'print.cancel', { jobId: started.id }, dean);
    const job = await finished(started.id, dean);
    expect(job.state).toBe('cancelled');
    expect(job.files).toEqual([]);
  });

  it('reminds of paper journals a year in the deanery and not yet archived', async () => {
    now += 60_000;
    const started = await callOk<PrintJobView>(
      app,
      'print.start',
      { unit: { kind: 'department', id: 1 } },
      head,
    );
    const job = await finished(started.id, head);
    expect(job.state).toBe('done');
    // The same replica a year and a day later.
    app.close();
    app = boot({
      dbPath: app.deps.db.$client.name,
      now: () => DEMO_NOW + 366 * 86_400_000,
      demoIfMissing: null,
      log: () => undefined,
    });
    head = await login(app, 'head');
    const due = await callOk<{ items: PaperView[]; due: number }>(app, 'print.register', { due: true }, head);
    const printed = job.files.flatMap((f) => f.journals.map((j) => j.number));
    expect(due.due).toBeGreaterThanOrEqual(printed.length);
    expect(due.items.every((p) => p.dueForArchive && p.archivedOn === null)).toBe(true);
    expect(printed.every((n) => due.items.some((p) => p.number === n))).toBe(true);
  });
});
