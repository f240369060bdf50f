import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellText, normalizeCode, type PrintedJournal } from '../../src-shared/domain/print';
import type { App } from '../boot';
import { bootTiny, DEMO_NOW } from '../../tests/helpers/replica';
import { printJournals } from './batch';
import { journalCode, printedJournal } from './journal-data';
import { DATES_PER_PAGE, journalsPdf, RESULT_ROWS, ROWS_PER_PAGE, writtenJournal } from './journal-pdf';

/**
 * The printed semester journal checked with real tools: poppler's pdftotext reads the names (ң ө ү
 * intact) and each row's marks in order, qpdf finds the file sound, pdffonts sees the font embedded;
 * the page count follows the dates and students; the verification code follows every printed cell and
 * nothing else.
 */
let app: App;
let sql: App['db']['$client'];
const dir = mkdtempSync(join(tmpdir(), 'avn-print-test-'));

beforeAll(() => {
  app = bootTiny();
  sql = app.db.$client;
});
afterAll(() => app.close());

const pdfText = (file: string, layout = true) =>
  execFileSync('pdftotext', [...(layout ? ['-layout'] : []), file, '-'], { encoding: 'utf8' });

async function render(j: PrintedJournal, name: string) {
  const pdf = await journalsPdf([{ journal: j, number: 'ЖУР-1-20261126-120000' }], {
    locale: 'ru',
    now: DEMO_NOW,
  });
  const file = join(dir, name);
  writeFileSync(file, pdf.bytes);
  return { file, code: pdf.codes[0] ?? '', pages: pdf.pages[0] ?? 0 };
}

/** An offering of the tiny demo whose group has a student with ң, ө or ү in the name. */
function kyrgyzOffering(): number {
  return (
    sql
      .prepare(
        `SELECT o.id FROM offerings o JOIN enrolments e ON e.group_id = o.group_id JOIN students s ON s.id = e.student_id
        WHERE o.subgroup_id IS NULL AND o.lesson_kind <> 'self_study' AND (s.last_name || s.first_name) GLOB '*[ңөүҢӨҮ]*'
        AND EXISTS (SELECT 1 FROM marks m JOIN lessons l ON l.id = m.lesson_id WHERE l.offering_id = o.id)
        ORDER BY o.id LIMIT 1`,
      )
      .get() as { id: number }
  ).id;
}

describe('printed journal', () => {
  it('prints names with ң ө ү and each row’s marks in order; qpdf and pdffonts agree; the pages follow the dates', async () => {
    const offeringId = kyrgyzOffering();
    const j = printedJournal(app.db, offeringId, DEMO_NOW, 'ru');
    if (!j) throw new Error('no journal');
    const { file, code, pages } = await render(j, 'one.pdf');
    const text = pdfText(file);
    const kyrgyz = j.students.filter((s) => /[ңөүҢӨҮ]/.test(s.name));
    expect(kyrgyz.length).toBeGreaterThan(0);
    for (const s of j.students) expect(text).toContain(s.name);
    // Each student's row: the name followed by the marks of the lessons in date order.
    const marks = new Map(j.marks.map((m) => [`${m.lessonId}:${m.studentId}`, m]));
    for (const s of j.students) {
      const row = text.split('\n').find((l) => l.includes(s.name)) ?? '';
      const printed = row
        .slice(row.indexOf(s.name) + s.name.length)
        .trim()
        .split(/\s+/);
      const expected = j.lessons
        .slice(0, DATES_PER_PAGE)
        .map((l) => cellText(marks.get(`${l.id}:${s.id}`)))
        .filter((x) => x !== '');
      expect(printed.slice(0, expected.length)).toEqual(expected);
    }
    expect(text).toContain(`код проверки ${code}`);
    expect(normalizeCode(code.toLowerCase())).toBe(code);
    execFileSync('qpdf', ['--check', file]);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
    expect(fonts).toMatch(/DejaVuSans\S*\s+CID TrueType\s+Identity-H\s+yes/);
    const gridPages =
      Math.ceil(j.lessons.length / DATES_PER_PAGE) * Math.ceil(j.students.length / ROWS_PER_PAGE);
    expect(pages).toBe(1 + gridPages + 1 + Math.ceil(j.students.length / RESULT_ROWS));
    expect(pdfText(file, false)).toContain(`стр. ${pages} из ${pages}`);
  });

  it('splits many dates and students over as many grid pages as they need', async () => {
    const base = printedJournal(app.db, kyrgyzOffering(), DEMO_NOW, 'ru');
    if (!base) throw new Error('no journal');
    // By hand: 60 lessons, 80 students (copies with other ids), a mark in every cell.
    const students = Array.from({ length: 80 }, (_, i) => ({
      id: 1000 + i,
      name: `Студент Үлгү ${i + 1}`,
      recordBookNo: `X-${i}`,
    }));
    const lessons = Array.from({ length: 60 }, (_, i) => ({
      id: 5000 + i,
      date: `2026-${String(9 + Math.floor(i / 28)).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
      pair: 1 + (i % 3),
      topic: `Тема ${i + 1}`,
      hours: 2,
      conductedBy: base.teacher,
      substitute: i === 7,
    }));
    const j: PrintedJournal = {
      ...base,
      students,
      lessons,
      marks: students.flatMap((s, k) =>
        lessons.map((l, i) => ({
          lessonId: l.id,
          studentId: s.id,
          attendance: (i + k) % 9 === 0 ? ('a' as const) : ('p' as const),
          grade: (i + k) % 9 === 0 ? null : (([5, 4, 3, null] as const)[(i * k) % 4] ?? null),
        })),
      ),
      results: [],
    };
    const { file, pages } = await render(j, 'many.pdf');
    const grid = Math.ceil(60 / DATES_PER_PAGE) * Math.ceil(80 / ROWS_PER_PAGE);
    expect(grid).toBeGreaterThanOrEqual(6);
    const text = pdfText(file, false);
    const lessonPages = pages - 1 - grid - Math.ceil(80 / RESULT_ROWS);
    expect(lessonPages).toBeGreaterThanOrEqual(2);
    expect(text).toContain(`стр. ${pages} из ${pages}`);
    expect(text).not.toContain(`стр. ${pages + 1} из`);
    expect(text).toContain('Студент Үлгү 80');
    expect(text).toContain('Тема 60');
    expect(text).toContain('(замена)');
    execFileSync('qpdf', ['--check', file]);
  });

  it('changes the code (v2 and v1) when any printed cell, topic or result changes, and not otherwise', async () => {
    const offeringId = kyrgyzOffering();
    const journal = () => printedJournal(app.db, offeringId, DEMO_NOW, 'ru') as PrintedJournal;
    const number = 'ЖУР-1-20261126-120000';
    // v2: the digest of what the pages show; v1: of the replica's records (kept for old papers).
    const codeNow = async () =>
      `${(await writtenJournal({ journal: journal(), number }, { locale: 'ru', now: DEMO_NOW })).code} ${journalCode(journal(), 'ru').code}`;
    const first = await codeNow();
    const mark = sql
      .prepare(
        `SELECT m.lesson_id l, m.student_id s, m.attendance a FROM marks m JOIN lessons l ON l.id = m.lesson_id
        WHERE l.offering_id = ? AND m.attendance = 'p' AND m.grade IS NULL LIMIT 1`,
      )
      .get(offeringId) as { l: number; s: number };
    // Not printed: versions, edit times, who last edited, the lesson's completion time.
    sql
      .prepare(
        'UPDATE marks SET row_version = row_version + 5, updated_at = 1 WHERE lesson_id = ? AND student_id = ?',
      )
      .run(mark.l, mark.s);
    sql.prepare('UPDATE lessons SET completed_at = 42 WHERE id = ?').run(mark.l);
    expect(await codeNow()).toBe(first);
    // Printed: the cell — both halves change.
    sql.prepare('UPDATE marks SET grade = 4 WHERE lesson_id = ? AND student_id = ?').run(mark.l, mark.s);
    const second = await codeNow();
    expect(second.split(' ')[0]).not.toBe(first.split(' ')[0]);
    expect(second.split(' ')[1]).not.toBe(first.split(' ')[1]);
    sql.prepare('UPDATE marks SET grade = NULL WHERE lesson_id = ? AND student_id = ?').run(mark.l, mark.s);
    expect(await codeNow()).toBe(first);
    // Printed: the topic.
    sql.prepare("UPDATE lessons SET topic = topic || '.' WHERE id = ?").run(mark.l);
    const third = await codeNow();
    expect(third.split(' ')[0]).not.toBe(first.split(' ')[0]);
    expect(third.split(' ')[1]).not.toBe(first.split(' ')[1]);
    // v2 also covers the number printed on the pages, and the language of the paper.
    const j = journal();
    const other = await writtenJournal(
      { journal: j, number: 'ЖУР-1-20261126-120001' },
      { locale: 'ru', now: DEMO_NOW },
    );
    expect(other.code).not.toBe(third.split(' ')[0]);
    const ky = await writtenJournal({ journal: j, number }, { locale: 'ky', now: DEMO_NOW });
    expect(ky.code).not.toBe(third.split(' ')[0]);
    expect(journalCode(j, 'ky').code).not.toBe(journalCode(j, 'ru').code);
  });

  it('prints a bilingual job as two files, each journal with two numbers that name each other', async () => {
    const group = sql
      .prepare(
        `SELECT g.id FROM groups g WHERE EXISTS (SELECT 1 FROM offerings o WHERE o.group_id = g.id) ORDER BY g.id LIMIT 1`,
      )
      .get() as { id: number };
    const out = join(dir, 'both');
    const files = await printJournals(
      app.db,
      { unit: { kind: 'group', id: group.id }, bilingual: true },
      out,
      {
        locale: 'ru',
        now: DEMO_NOW,
      },
    );
    expect(files.map((f) => f.locale)).toEqual(['ru', 'ky']);
    const [ru, ky] = files;
    expect(ru?.journals.length).toBe(ky?.journals.length);
    ru?.journals.forEach((j, i) => {
      const twin = ky?.journals[i];
      expect(twin?.offeringId).toBe(j.offeringId);
      expect(twin?.number).toBe(`${j.number}-КЫ`);
      expect(j.twin).toBe(twin?.number);
      expect(twin?.twin).toBe(j.number);
      expect(twin?.code).not.toBe(j.code);
    });
    const ruText = pdfText(ru?.file ?? '', false);
    const kyText = pdfText(ky?.file ?? '', false);
    expect(ruText).toContain(`напечатан и на кыргызском языке: № ${ky?.journals[0]?.number}`);
    expect(kyText).toContain(`орус тилинде да басылган: № ${ru?.journals[0]?.number}`);
  });

  it('prints a group’s journals into one file per group, each journal with its own code', async () => {
    const group = sql
      .prepare(
        `SELECT g.id FROM groups g WHERE EXISTS (SELECT 1 FROM offerings o WHERE o.group_id = g.id) ORDER BY g.id LIMIT 1`,
      )
      .get() as { id: number };
    const out = join(dir, 'batch');
    const progress: number[] = [];
    const files = await printJournals(app.db, { unit: { kind: 'group', id: group.id } }, out, {
      locale: 'ky',
      now: DEMO_NOW,
      onProgress: (p) => progress.push(p.done),
    });
    expect(files).toHaveLength(1);
    expect(readdirSync(out)).toEqual([`${files[0]?.group}.pdf`]);
    const codes = files[0]?.journals.map((j) => j.code) ?? [];
    expect(new Set(codes).size).toBe(codes.length);
    const text = pdfText(files[0]?.file ?? '', false);
    for (const c of codes) expect(text).toContain(c);
    expect(text).toContain('Студенттердин катышуусун жана үлгүрүмүн эсепке алуу журналы');
    expect(progress[progress.length - 1]).toBe(codes.length);
    // Cancelled: nothing is written.
    const controller = new AbortController();
    controller.abort();
    await expect(
      printJournals(app.db, { unit: null }, join(dir, 'cancelled'), {
        locale: 'ru',
        now: DEMO_NOW,
        signal: controller.signal,
      }),
    ).rejects.toThrow(/cancelled/);
  });
});
