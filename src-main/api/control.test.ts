import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../boot';
import { assertGlyphs, MissingGlyphError } from '../print/pdf';
import { bootTiny, DEMO_NOW, login } from '../../tests/helpers/replica';
import type { ControlLessonRow, ControlReport } from '../../src-shared/contract/control.contract';
import { lastFullWeek, tally } from '../../src-shared/domain/control';
import { bishkekDate } from '../../src-shared/domain/time';
import { referenceVerdicts } from '../../tests/helpers/control';

/**
 * The weekly control through the API (as the UI and web mode call it), on the tiny demo: figures equal
 * the pure rule applied by this test to facts it reads itself; scopes hold; bad periods and units get
 * their own clear errors.
 */
let app: App;
beforeAll(() => {
  app = bootTiny();
});
afterAll(() => app.close());

async function call<T>(session: string, method: string, input: unknown, locale = 'ru') {
  const r = await app.dispatch({ method, input, session, locale });
  return r as
    { ok: true; value: T } | { ok: false; error: { code: string; message: string; field?: string } };
}

/** The bytes of a base64 file as the ArrayBuffer exceljs reads. */
function bytes(base64: string): ArrayBuffer {
  const b = Buffer.from(base64, 'base64');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

async function report(session: string, input: Record<string, unknown>): Promise<ControlReport> {
  const r = await call<ControlReport>(session, 'control.report', input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('control.report', () => {
  it('gives the deanery its faculty’s figures for the last full week, equal to the pure rule', async () => {
    const dean = await login(app, 'dean');
    const r = await report(dean, { by: 'faculty' });
    const week = lastFullWeek(bishkekDate(DEMO_NOW));
    expect(r.period).toEqual(week);
    expect(r.rows.map((x) => x.id)).toEqual([1]);
    const expected = tally(
      referenceVerdicts(app.db.$client, 1, week.from, week.to, DEMO_NOW).map((x) => x.verdict),
    );
    expect(expected.due).toBeGreaterThan(0);
    expect(r.total).toEqual(expected);
    expect(r.rows[0]?.figures).toEqual(expected);
    expect(r.trendWeeks).toHaveLength(4);
  });

  it('drills down faculty → department → teacher → offering → lessons, each level adding up', async () => {
    const dean = await login(app, 'dean');
    const byDept = await report(dean, { by: 'department', within: [{ kind: 'faculty', id: 1 }] });
    expect(byDept.rows.length).toBeGreaterThan(1);
    expect(byDept.rows.reduce((n, x) => n + x.figures.due, 0)).toBe(byDept.total.due);
    const dept = byDept.rows.find((x) => x.figures.missing > 0) ?? byDept.rows[0];
    if (!dept) throw new Error('no department');
    const within1 = [
      { kind: 'faculty', id: 1 },
      { kind: 'department', id: dept.id },
    ];
    const byTeacher = await report(dean, { by: 'teacher', within: within1 });
    expect(byTeacher.total).toEqual(dept.figures);
    expect(byTeacher.within.map((w) => w.name.ru)).toEqual([
      expect.stringContaining('акультет'),
      dept.name.ru,
    ]);
    const teacher = byTeacher.rows[0];
    if (!teacher) throw new Error('no teacher');
    const within2 = [...within1, { kind: 'teacher', id: teacher.id }];
    const byOffering = await report(dean, { by: 'offering', within: within2 });
    expect(byOffering.total).toEqual(teacher.figures);
    const offering = byOffering.rows[0];
    if (!offering) throw new Error('no offering');
    const all = await call<{ lessons: ControlLessonRow[] }>(dean, 'control.lessons', {
      within: [...within2, { kind: 'offering', id: offering.id }],
      onlyOwed: false,
    });
    if (!all.ok) throw new Error(all.error.message);
    expect(all.value.lessons).toHaveLength(offering.figures.due);
    const owed = all.value.lessons.filter((l) => l.state !== 'on_time');
    expect(owed).toHaveLength(offering.figures.late + offering.figures.missing);
    for (const l of all.value.lessons) {
      expect(l.responsible.id).toBe(teacher.id);
      if (l.state === 'missing') expect(l.missingTopic || l.missingStudents.length > 0).toBe(true);
    }
  });

  it('keeps to the caller’s scope: another faculty is refused, the study office sees both', async () => {
    const dean = await login(app, 'dean');
    expect(
      await call(dean, 'control.report', { by: 'department', within: [{ kind: 'faculty', id: 2 }] }),
    ).toMatchObject({ ok: false, error: { code: 'SCOPE_FORBIDDEN', field: 'within.0.id' } });
    const study = await login(app, 'study');
    const r = await report(study, { by: 'faculty' });
    expect(r.rows.map((x) => x.id).sort()).toEqual([1, 2]);
    const head = await login(app, 'head');
    const mine = await report(head, { by: 'department' });
    expect(mine.rows).toHaveLength(1);
    const teacher = await login(app, 'teacher');
    expect(await call(teacher, 'control.report', { by: 'faculty' })).toMatchObject({
      ok: false,
      error: { code: 'ROLE_FORBIDDEN' },
    });
  });

  it('says what is wrong with a period or a unit instead of an empty table', async () => {
    const dean = await login(app, 'dean');
    expect(await call(dean, 'control.report', { by: 'faculty', week: '2026-W60' })).toMatchObject({
      ok: false,
      error: { code: 'PERIOD_INVALID', field: 'week', message: expect.stringContaining('2026-W47') },
    });
    expect(await call(dean, 'control.report', { by: 'faculty', week: '2026-W50' })).toMatchObject({
      ok: false,
      error: { code: 'PERIOD_FUTURE', message: expect.stringContaining('2026-12-07') },
    });
    expect(
      await call(dean, 'control.report', { by: 'faculty', from: '2026-11-20', to: '2026-11-10' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'PERIOD_INVALID', message: expect.stringContaining('позже') },
    });
    expect(await call(dean, 'control.report', { by: 'faculty', from: '2026-11-20' })).toMatchObject({
      ok: false,
      error: { code: 'PERIOD_INVALID', field: 'to' },
    });
    const ky = await call(dean, 'control.report', { by: 'faculty', week: '2026-W50' }, 'ky');
    expect(ky).toMatchObject({ ok: false, error: { message: expect.stringContaining('келе элек') } });
    expect(
      await call(dean, 'control.report', { by: 'teacher', within: [{ kind: 'department', id: 9999 }] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'UNIT_UNKNOWN', message: expect.stringContaining('кафедра № 9999') },
    });
    expect(await call(dean, 'control.report', { by: 'faculty', week: 'W47' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'week' },
    });
    expect(await call(dean, 'control.report', { by: 'nobody' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'by' },
    });
  });

  it('records a check with a comment and keeps what the deanery saw, whatever changes later', async () => {
    const dean = await login(app, 'dean');
    const seen = await report(dean, { by: 'department', within: [{ kind: 'faculty', id: 1 }] });
    const r = await call<{
      id: string;
      total: unknown;
      pending: boolean;
      unit: { kind: string; id: number };
    }>(dean, 'control.record', { comment: 'Кафедрам напомнить о долгах' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ unit: { kind: 'faculty', id: 1 }, pending: true, total: seen.total });
    const outbox = app.db.$client
      .prepare("SELECT args FROM outbox WHERE name = 'checks.record'")
      .all() as Array<{ args: string }>;
    expect(outbox).toHaveLength(1);
    // A missing lesson gets its topic and marks: the live figures change, the recorded ones do not.
    const owed = await call<{ lessons: ControlLessonRow[] }>(dean, 'control.lessons', {
      within: [{ kind: 'faculty', id: 1 }],
    });
    if (!owed.ok) throw new Error(owed.error.message);
    const lesson = owed.value.lessons.find((l) => l.state === 'missing');
    if (!lesson) throw new Error('no missing lesson');
    const sql = app.db.$client;
    sql.prepare("UPDATE lessons SET topic = 'Тема' WHERE id = ?").run(lesson.lessonId);
    for (const s of lesson.missingStudents)
      sql
        .prepare(
          "INSERT OR REPLACE INTO marks (lesson_id, student_id, attendance, row_version, updated_at) VALUES (?, ?, 'p', 1, 0)",
        )
        .run(lesson.lessonId, s.id);
    sql.prepare('UPDATE lessons SET completed_at = ? WHERE id = ?').run(DEMO_NOW - 1000, lesson.lessonId);
    const after = await report(dean, { by: 'department', within: [{ kind: 'faculty', id: 1 }] });
    expect(after.total.missing).toBe(seen.total.missing - 1);
    const stored = await call<{
      snapshot: { units: ControlReport; teachers: ControlReport };
      comment: string;
    }>(dean, 'control.check', { id: r.value.id });
    if (!stored.ok) throw new Error(stored.error.message);
    expect(stored.value.comment).toBe('Кафедрам напомнить о долгах');
    expect(stored.value.snapshot.units).toEqual(seen);
    expect(stored.value.snapshot.teachers.total).toEqual(seen.total);
    // The history: the deanery and the study office see it; the other faculty's deanery does not.
    const list = await call<Array<{ id: string }>>(dean, 'control.checks', {});
    expect(list.ok && list.value.map((c) => c.id)).toEqual([r.value.id]);
    const study = await login(app, 'study');
    const all = await call<Array<{ id: string }>>(study, 'control.checks', {});
    expect(all.ok && all.value.map((c) => c.id)).toContain(r.value.id);
    const dean2 = await login(app, 'dean2');
    expect(await call(dean2, 'control.checks', {})).toEqual({ ok: true, value: [] });
    expect(await call(dean2, 'control.check', { id: r.value.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await call(dean, 'control.record', { facultyId: 2 })).toMatchObject({
      ok: false,
      error: { code: 'SCOPE_FORBIDDEN', field: 'facultyId' },
    });
    const head = await login(app, 'head');
    expect(await call(head, 'control.record', {})).toMatchObject({
      ok: false,
      error: { code: 'ROLE_FORBIDDEN' },
    });
    expect(await call(dean, 'control.record', { week: '2026-W51' })).toMatchObject({
      ok: false,
      error: { code: 'PERIOD_FUTURE' },
    });
    expect(sql.prepare("SELECT count(*) n FROM outbox WHERE name = 'checks.record'").get()).toEqual({ n: 1 });
  });

  it('exports an Excel workbook holding the same figures as the report, numbers as numbers', async () => {
    const dean = await login(app, 'dean');
    const seen = await report(dean, { by: 'department', within: [{ kind: 'faculty', id: 1 }] });
    const r = await call<{ fileName: string; base64: string }>(dean, 'control.export', {
      within: [{ kind: 'faculty', id: 1 }],
      format: 'xlsx',
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.fileName).toBe('контроль-журнала-2026-W47.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes(r.value.base64));
    const sheets = wb.worksheets;
    expect(sheets).toHaveLength(1 + seen.rows.length);
    const summary = sheets[0];
    if (!summary) throw new Error('no summary sheet');
    expect(summary.getCell('A1').value).toBe('Контроль заполнения журнала — ' + seen.within[0]?.name.ru);
    expect(summary.getRow(3).getCell(1).value).toBe('По кафедрам');
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(summary.autoFilter).toBeTruthy();
    seen.rows.forEach((row, i) => {
      const x = summary.getRow(4 + i);
      expect(x.getCell(1).value).toBe(row.name.ru);
      expect(x.getCell(2).value).toBe(row.figures.due);
      expect(x.getCell(4).value).toBeCloseTo(row.figures.fillRate ?? NaN, 10);
      expect(x.getCell(4).numFmt).toBe('0.0%');
      expect(x.getCell(7).value).toBe(row.figures.missing);
    });
    const total = summary.getRow(4 + seen.rows.length);
    expect([total.getCell(1).value, total.getCell(2).value, total.getCell(7).value]).toEqual([
      'Итого',
      seen.total.due,
      seen.total.missing,
    ]);
    // A department's sheet: its teachers add up to its row, and its owed lessons are listed with dates.
    const dept = seen.rows[0];
    const sheet = sheets[1];
    if (!dept || !sheet) throw new Error('no department sheet');
    expect(sheet.name).toBe(dept.name.ru.slice(0, 31));
    let due = 0;
    let owedRows = 0;
    sheet.eachRow((row) => {
      const c = row.getCell(2).value;
      if (
        row.number > 3 &&
        typeof c === 'number' &&
        row.getCell(1).value !== 'Итого' &&
        !(row.getCell(1).value instanceof Date)
      )
        due += c;
      if (row.getCell(1).value instanceof Date) owedRows++;
    });
    expect(due).toBe(dept.figures.due);
    expect(owedRows).toBe(dept.figures.late + dept.figures.missing);
    // Kyrgyz when the UI is Kyrgyz.
    const ky = await call<{ fileName: string; base64: string }>(
      dean,
      'control.export',
      { within: [{ kind: 'faculty', id: 1 }], format: 'xlsx' },
      'ky',
    );
    if (!ky.ok) throw new Error(ky.error.message);
    const wk = new ExcelJS.Workbook();
    await wk.xlsx.load(bytes(ky.value.base64));
    expect(wk.worksheets[0]?.getRow(3).getCell(1).value).toBe('Кафедралар боюнча');
  });

  it('prints the act and the notices as PDFs whose text is the figures and the owed lessons', async () => {
    const dean = await login(app, 'dean');
    const within = [{ kind: 'faculty', id: 1 }];
    const seen = await report(dean, { by: 'department', within });
    const owed = await call<{ lessons: ControlLessonRow[] }>(dean, 'control.lessons', { within });
    if (!owed.ok) throw new Error(owed.error.message);
    const missing = owed.value.lessons.filter((l) => l.state === 'missing');
    const teachers = new Set(missing.map((l) => l.responsible.id));
    expect(teachers.size).toBeGreaterThan(0);
    const act = await call<{ fileName: string; mime: string; base64: string }>(dean, 'control.export', {
      within,
      format: 'act',
      comment: 'Долги закрыть до пятницы',
    });
    if (!act.ok) throw new Error(act.error.message);
    expect(act.value.mime).toBe('application/pdf');
    const actText = pdfText(act.value.base64);
    expect(actText).toContain('Акт проверки заполнения электронного журнала');
    expect(actText).toContain('Долги закрыть до пятницы');
    expect(actText).toMatch(/стр\. 1 из \d/);
    expect(actText).toContain('Проверил(а)');
    for (const row of seen.rows) expect(actText).toContain(row.name.ru);
    expect(actText).toMatch(new RegExp(`Итого\\s+${seen.total.due}\\s+${seen.total.filled}`));
    const notices = await call<{ base64: string }>(
      dean,
      'control.export',
      { within, format: 'notices' },
      'ky',
    );
    if (!notices.ok) throw new Error(notices.error.message);
    const file = join(mkdtempSync(join(tmpdir(), 'avn-pdf-')), 'n.pdf');
    writeFileSync(file, Buffer.from(notices.value.base64, 'base64'));
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
    expect(pages).toBeGreaterThanOrEqual(teachers.size);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text.replace(/\s+/g, ' ')).toContain(
      'Электрондук журналдын толтурулбаган сабактары жөнүндө билдирүү',
    );
    expect(text).toContain('Билдирүүнү алдым');
    for (const l of missing) expect(text).toContain(l.responsible.name);
    // Notices as messages through the outbox: one per teacher who has an AVN account.
    const sent = await call<{ queued: number; teachers: Array<{ id: number; sent: boolean }> }>(
      dean,
      'control.sendNotices',
      { within },
    );
    if (!sent.ok) throw new Error(sent.error.message);
    expect(sent.value.teachers.map((x) => x.id).sort()).toEqual([...teachers].sort());
    const withAccount = sent.value.teachers.filter((x) => x.sent).length;
    expect(sent.value.queued).toBe(withAccount);
    const queued = app.db.$client
      .prepare("SELECT args FROM outbox WHERE name = 'messages.send'")
      .all() as Array<{ args: string }>;
    expect(queued).toHaveLength(withAccount);
    for (const q of queued)
      expect(JSON.parse(q.args)).toMatchObject({
        kind: 'notice',
        subject: expect.stringContaining('2026-W47'),
      });
  });

  it('maps a department’s teachers × days of the week, adding up to the department', async () => {
    const dean = await login(app, 'dean');
    const byDept = await report(dean, { by: 'department', within: [{ kind: 'faculty', id: 1 }] });
    const dept = byDept.rows[0];
    if (!dept) throw new Error('no department');
    const map = await call<{
      teachers: Array<{ days: Array<{ due: number; missing: number }>; total: { due: number } }>;
    }>(dean, 'control.heatmap', { departmentId: dept.id });
    if (!map.ok) throw new Error(map.error.message);
    const sum = (f: (d: { due: number; missing: number }) => number) =>
      map.value.teachers.reduce((n, x) => n + x.days.reduce((m, d) => m + f(d), 0), 0);
    expect(sum((d) => d.due)).toBe(dept.figures.due);
    expect(sum((d) => d.missing)).toBe(dept.figures.missing);
    for (const x of map.value.teachers) expect(x.days).toHaveLength(7);
    // The other faculty's deanery sees only the lessons of this department in its own groups.
    const dean2 = await login(app, 'dean2');
    const other = await call<{ teachers: Array<{ total: { due: number } }> }>(dean2, 'control.heatmap', {
      departmentId: dept.id,
    });
    const theirs = await call<ControlReport>(dean2, 'control.report', {
      by: 'department',
      within: [{ kind: 'department', id: dept.id }],
    });
    if (!theirs.ok) expect(other).toMatchObject({ ok: false, error: { code: 'SCOPE_FORBIDDEN' } });
    else {
      if (!other.ok) throw new Error(other.error.message);
      expect(other.value.teachers.reduce((n, x) => n + x.total.due, 0)).toBe(theirs.value.total.due);
    }
  });

  it('refuses to print a character the font lacks instead of an empty box', () => {
    expect(() => assertGlyphs('Төрөбеков Ң ө ү №')).not.toThrow();
    expect(() => assertGlyphs('漢字')).toThrow(MissingGlyphError);
  });
});

/** The text of a PDF as poppler's pdftotext reads it. */
function pdfText(base64: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'avn-pdf-')), 'doc.pdf');
  writeFileSync(file, Buffer.from(base64, 'base64'));
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}
