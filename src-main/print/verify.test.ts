import { deflateSync, inflateSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef, rgb } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintJobView } from '../../src-shared/contract/print.contract';
import { boot, type App } from '../boot';
import { runCli } from '../cli';
import { DEMO_NOW, callOk, lessonMembers, login, tinyReplica } from '../../tests/helpers/replica';
import { journalCode, printedJournal } from './journal-data';
import { journalsPdf } from './journal-pdf';
import { readPdfDocuments } from './pdf-read';
import { journalNumber, parseJournalNumber, verifyPdf, type Verdict } from './verify';

/**
 * Verification reads the paper (issue 15): a journal printed and registered through the app verifies
 * three ways — paper, register, replica. Its PDF altered in the content stream (a mark, a name, a topic;
 * number and code untouched) fails as tampered with each change named; re-rendered with a
 * self-consistent code it fails as "not the registered code"; an invented number is unknown; a v1 paper
 * still verifies the v1 way; a change in the replica after printing is named with who made it — through
 * the function and through `npm run cli -- verify`.
 */
let app: App;
let clock = DEMO_NOW;
let dbPath = '';
const dir = mkdtempSync(join(tmpdir(), 'avn-verify-test-'));
let dean = '';

type Target = { lesson: number; offering: number; group: number };
let target: Target;
let printed: { bytes: Uint8Array; number: string; code: string };

beforeAll(async () => {
  dbPath = tinyReplica();
  app = boot({ dbPath, now: () => clock, demoIfMissing: null, log: () => undefined });
  dean = await login(app, 'dean');
  const sql = app.db.$client;
  const teacherId = (
    sql.prepare("SELECT teacher_id t FROM users WHERE login = 'teacher'").get() as { t: number }
  ).t;
  // The `teacher` account's own offering, with a present mark and a topic to alter.
  const row = sql
    .prepare(
      `SELECT l.id, l.offering_id o, o.group_id g FROM lessons l JOIN offerings o ON o.id = l.offering_id
        WHERE o.teacher_id = ? AND l.status = 'scheduled' AND l.date < '2026-11-26' AND o.subgroup_id IS NULL
        AND l.topic IS NOT NULL AND length(l.topic) > 8
        AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id)
        AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) ORDER BY l.date DESC LIMIT 1`,
    )
    .get(teacherId) as { id: number; o: number; g: number };
  target = { lesson: row.id, offering: row.o, group: row.g };
  // Printed by the deanery through the app: registered.
  const started = await callOk<PrintJobView>(
    app,
    'print.start',
    { unit: { kind: 'group', id: target.group } },
    dean,
  );
  let job = started;
  while (job.state === 'running') {
    await new Promise((r) => setTimeout(r, 25));
    job = await callOk<PrintJobView>(app, 'print.job', { jobId: started.id }, dean);
  }
  expect(job.state).toBe('done');
  const file = await callOk<{ base64: string }>(app, 'print.file', { jobId: job.id, index: 0 }, dean);
  const journal = job.files[0]?.journals.find((j) => j.offeringId === target.offering);
  if (!journal) throw new Error('the journal was not printed');
  printed = { bytes: Buffer.from(file.base64, 'base64'), number: journal.number, code: journal.code };
});
afterAll(() => app.close());

async function cli(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runCli([...args, '--db', dbPath], {
    log: (l) => lines.push(l),
    progress: () => undefined,
    done: () => undefined,
  });
  return { code, lines };
}

async function ours(bytes: Uint8Array): Promise<Verdict> {
  const v = (await verifyPdf(app.db, bytes)).find((x) => x.number.startsWith(`ЖУР-${target.offering}-`));
  if (!v) throw new Error('the journal is not in the file');
  return v;
}

/**
 * Alter the text of one run on one page of the journal, in the content stream itself: `pick` chooses the
 * run (by its text and its page's runs) and returns the new text, written with glyphs the page's font
 * already has. Number, code and everything else stay as they were.
 */
async function alter(
  bytes: Uint8Array,
  pick: (text: string, page: number) => string | null,
): Promise<{ bytes: Uint8Array; from: string; to: string }> {
  const doc = await PDFDocument.load(bytes);
  const journal = (await readPdfDocuments(bytes)).find((d) => d.number === printed.number);
  if (!journal) throw new Error('no journal');
  for (const pageNo of journal.pages) {
    const page = doc.getPage(pageNo - 1);
    const fonts = page.node.Resources()?.lookup(PDFName.of('Font'), PDFDict);
    const font = fonts?.lookup(PDFName.of('F1'), PDFDict);
    const cmap = font?.lookup(PDFName.of('ToUnicode'));
    if (!(cmap instanceof PDFRawStream)) continue;
    // text → glyph code, from the font's own map.
    const glyph = new Map<string, string>();
    const text = inflateSync(cmap.getContents()).toString('latin1');
    for (const [, code = '', uni = ''] of text.matchAll(/<([0-9A-F]{4})>\s*<([0-9A-F]{4})>/g))
      glyph.set(String.fromCharCode(parseInt(uni, 16)), code);
    const decode = new Map([...glyph].map(([c, g]) => [g, c]));
    const contents = page.node.get(PDFName.of('Contents'));
    const ref = contents instanceof PDFArray ? contents.get(0) : contents;
    const stream = ref instanceof PDFRef ? doc.context.lookup(ref) : null;
    if (!(stream instanceof PDFRawStream) || !(ref instanceof PDFRef)) continue;
    const ops = inflateSync(stream.getContents()).toString('latin1');
    for (const m of ops.matchAll(/\/F1 [\d.]+ Tf [\d.-]+ [\d.-]+ Td <([0-9A-F]+)> Tj/g)) {
      const hex = m[1] ?? '';
      let was = '';
      for (let i = 0; i < hex.length; i += 4) was += decode.get(hex.slice(i, i + 4)) ?? '?';
      const to = pick(was, pageNo);
      if (to === null || to === was) continue;
      let newHex = '';
      for (const c of to) {
        const g = glyph.get(c);
        if (!g) throw new Error(`the font has no glyph for ${c}`);
        newHex += g;
      }
      const at = (m.index ?? 0) + m[0].length - hex.length - 5;
      const changed = ops.slice(0, at) + `<${newHex}> Tj` + ops.slice(at + hex.length + 5);
      doc.context.assign(
        ref,
        doc.context.stream(deflateSync(Buffer.from(changed, 'latin1')), { Filter: 'FlateDecode' }),
      );
      return { bytes: await doc.save(), from: was, to };
    }
  }
  throw new Error('nothing to alter');
}

describe('verify reads the paper', () => {
  it('an untouched v2 journal printed through the app agrees three ways, also through the CLI', async () => {
    const v = await ours(printed.bytes);
    expect(v).toMatchObject({
      canon: 2,
      code: printed.code,
      paper: 'intact',
      register: 'matches',
      replica: 'unchanged',
      differences: [],
      ok: true,
    });
    const file = join(dir, 'untouched.pdf');
    writeFileSync(file, printed.bytes);
    const r = await cli(['verify', file]);
    expect(r.code).toBe(0);
    expect(r.lines.join('\n')).toContain(`${printed.number} `);
    expect(r.lines.join('\n')).toContain('всё сходится');
  });

  it('a mark changed in the content stream is tampering, the cell named', async () => {
    const names = new Map(
      (printedJournal(app.db, target.offering, DEMO_NOW, 'ru')?.students ?? []).map((s) => [s.name, s]),
    );
    expect(names.size).toBeGreaterThan(0);
    const altered = await alter(printed.bytes, (text) => (text === '+' ? 'нб' : null));
    const v = await ours(altered.bytes);
    expect(v).toMatchObject({ paper: 'tampered', register: 'matches', replica: 'unchanged', ok: false });
    expect(v.paperProblems).toContainEqual({ kind: 'content', page: null });
    expect(v.differences).toHaveLength(1);
    const d = v.differences[0];
    expect(d).toMatchObject({ what: 'cell', paper: 'нб', printed: '+' });
    expect(names.has(d?.student ?? '')).toBe(true);
    expect(d?.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The CLI says the paper was altered and names the cell; exit 1.
    const file = join(dir, 'mark.pdf');
    writeFileSync(file, altered.bytes);
    const r = await cli(['verify', file]);
    expect(r.code).toBe(1);
    const text = r.lines.join('\n');
    expect(text).toContain('Бумага ИЗМЕНЕНА');
    expect(text).toContain(`отметка ${d?.student}`);
    expect(text).toContain('на бумаге «нб», в журнале «+»');
  });

  it('a student’s name changed in the content stream is tampering, the row named', async () => {
    const names = new Set(
      (printedJournal(app.db, target.offering, DEMO_NOW, 'ru')?.students ?? []).map((s) => s.name),
    );
    const altered = await alter(printed.bytes, (text) =>
      names.has(text) && text.length > 3 ? `${text[1]}${text[0]}${text.slice(2)}` : null,
    );
    const v = await ours(altered.bytes);
    expect(v).toMatchObject({ paper: 'tampered', register: 'matches', ok: false });
    expect(v.differences).toEqual([
      expect.objectContaining({ what: 'name', paper: altered.to, printed: altered.from }),
    ]);
    expect(v.differences[0]?.row).toBeGreaterThan(0);
  });

  it('a topic changed in the content stream is tampering, the lesson named', async () => {
    const topic =
      (
        app.db.$client.prepare('SELECT topic FROM lessons WHERE id = ?').get(target.lesson) as {
          topic: string;
        }
      ).topic ?? '';
    const firstWord = topic.split(/\s+/)[0] ?? '';
    const altered = await alter(printed.bytes, (text) =>
      text.startsWith(firstWord) && text.length > 4 ? [...text].reverse().join('') : null,
    );
    const v = await ours(altered.bytes);
    expect(v).toMatchObject({ paper: 'tampered', register: 'matches', ok: false });
    expect(v.differences).toEqual([
      expect.objectContaining({ what: 'topic', paper: altered.to, printed: altered.from }),
    ]);
  });

  it('content AVN Desk does not write (a white box over a cell, an image resource) is tampering', async () => {
    const doc = await PDFDocument.load(printed.bytes);
    const journal = (await readPdfDocuments(printed.bytes)).find((d) => d.number === printed.number);
    const page = doc.getPage((journal?.pages[1] ?? 2) - 1);
    // A white rectangle drawn over part of the grid.
    page.drawRectangle({ x: 300, y: 300, width: 22, height: 12, color: rgb(1, 1, 1) });
    const v = await ours(await doc.save());
    expect(v).toMatchObject({ paper: 'tampered', ok: false });
    expect(v.paperProblems.some((p) => p.kind === 'foreign' && p.page === journal?.pages[1])).toBe(true);
  });

  it('a font that does not draw what its map says (other outlines, a changed width) is tampering', async () => {
    const fontParts = (doc: PDFDocument) => {
      const fonts = doc.getPage(0).node.Resources()?.lookup(PDFName.of('Font'), PDFDict);
      const cid = (name: string) =>
        fonts
          ?.lookup(PDFName.of(name), PDFDict)
          .lookup(PDFName.of('DescendantFonts'), PDFArray)
          .lookup(0, PDFDict);
      return { regular: cid('F1'), bold: cid('F2') };
    };
    // The bold font's program embedded as the regular one: every glyph drawn in other outlines.
    const swapped = await PDFDocument.load(printed.bytes);
    const f = fontParts(swapped);
    const descriptor = (d: PDFDict | undefined) => d?.lookup(PDFName.of('FontDescriptor'), PDFDict);
    const boldProgram = descriptor(f.bold)?.get(PDFName.of('FontFile2'));
    if (!boldProgram) throw new Error('no font program');
    descriptor(f.regular)?.set(PDFName.of('FontFile2'), boldProgram);
    const v1 = await ours(await swapped.save());
    expect(v1).toMatchObject({ paper: 'tampered', ok: false });
    expect(v1.paperProblems.some((p) => p.kind === 'foreign')).toBe(true);
    // One glyph's width changed: the text after it moves, the content does not.
    const widened = await PDFDocument.load(printed.bytes);
    const w = fontParts(widened).regular?.lookup(PDFName.of('W'), PDFArray);
    const run = w?.lookup(1, PDFArray);
    if (!run) throw new Error('no widths');
    run.set(0, widened.context.obj(1));
    const v2 = await ours(await widened.save());
    expect(v2).toMatchObject({ paper: 'tampered', ok: false });
    expect(v2.paperProblems.some((p) => p.kind === 'foreign')).toBe(true);
  });

  it('a re-rendered journal with a self-consistent code is not the registered code', async () => {
    const at = parseJournalNumber(printed.number)?.printedAt ?? DEMO_NOW;
    const journal = printedJournal(app.db, target.offering, at, 'ru');
    if (!journal) throw new Error('no journal');
    // One present mark made an absence, then printed with the same number: its code matches its content.
    const i = journal.marks.findIndex((m) => m.attendance === 'p' && m.grade === null);
    const forged = {
      ...journal,
      marks: journal.marks.map((m, k) => (k === i ? { ...m, attendance: 'a' as const, grade: null } : m)),
    };
    const pdf = await journalsPdf([{ journal: forged, number: printed.number }], { locale: 'ru', now: at });
    const v = await ours(pdf.bytes);
    expect(v).toMatchObject({
      paper: 'intact',
      register: 'differs',
      replica: 'unchanged',
      ok: false,
      registered: expect.objectContaining({ code: printed.code }),
    });
    expect(v.code).not.toBe(printed.code);
    expect(v.differences).toContainEqual(
      expect.objectContaining({ what: 'cell', paper: 'нб', printed: '+' }),
    );
    const file = join(dir, 'forged.pdf');
    writeFileSync(file, pdf.bytes);
    const r = await cli(['verify', file]);
    expect(r.code).toBe(1);
    expect(r.lines.join('\n')).toContain(`код НЕ совпадает с зарегистрированным ${printed.code}`);
  });

  it('an invented number is unknown', async () => {
    const journal = printedJournal(app.db, target.offering, DEMO_NOW, 'ru');
    if (!journal) throw new Error('no journal');
    const number = journalNumber(target.offering, DEMO_NOW - 86_400_000);
    const pdf = await journalsPdf([{ journal, number }], { locale: 'ru', now: DEMO_NOW - 86_400_000 });
    const [v] = await verifyPdf(app.db, pdf.bytes);
    expect(v).toMatchObject({
      number,
      paper: 'intact',
      register: 'unknown',
      replica: 'not_checked',
      ok: false,
    });
    const file = join(dir, 'invented.pdf');
    writeFileSync(file, pdf.bytes);
    const r = await cli(['verify', file]);
    expect(r.code).toBe(1);
    expect(r.lines.join('\n')).toContain(`номера ${number} в реестре документов нет`);
  });

  it('an untouched v1 paper still verifies by v1: the register and the replica', async () => {
    const now = DEMO_NOW - 3_600_000;
    const journal = printedJournal(app.db, target.offering, now, 'ru');
    if (!journal) throw new Error('no journal');
    const { code } = journalCode(journal, 'ru');
    const number = journalNumber(target.offering, now);
    const pdf = await journalsPdf([{ journal, number, code }], { locale: 'ru', now, canon: 1 });
    // Entered in the register as the version before issue 15 did, and carried into the document register
    // by the migration (canon 1).
    const id = '0190a0a0-0000-7000-8000-000000000001';
    app.db.$client
      .prepare(
        `INSERT INTO paper_journals (id, offering_id, number, code, locale, pages, printed_at, printed_by, row_version, updated_at)
        VALUES (?, ?, ?, ?, 'ru', ?, ?, NULL, 1, ?)`,
      )
      .run(id, target.offering, number, code, pdf.pages[0] ?? 1, now, now);
    app.db.$client
      .prepare(
        `INSERT INTO documents (id, number, kind, locale, code, canon, pages, subject_kind, subject_id, twin, printed_at, printed_by, row_version, updated_at)
        VALUES (?, ?, 'journal', 'ru', ?, 1, ?, 'offering', ?, NULL, ?, NULL, 1, ?)`,
      )
      .run(id, number, code, pdf.pages[0] ?? 1, target.offering, now, now);
    const [v] = await verifyPdf(app.db, pdf.bytes);
    expect(v).toMatchObject({
      canon: 1,
      code,
      paper: 'v1',
      register: 'matches',
      replica: 'unchanged',
      ok: true,
    });
  });

  it('a change in the replica after printing is named with who made it; the paper stays intact', async () => {
    clock += 3_600_000;
    const session = await login(app, 'teacher');
    const student = lessonMembers(app, target.lesson)[0];
    const sql = app.db.$client;
    const before = sql
      .prepare('SELECT attendance FROM marks WHERE lesson_id = ? AND student_id = ?')
      .get(target.lesson, student) as { attendance: string } | undefined;
    await callOk(
      app,
      'journal.setMarks',
      {
        lessonId: target.lesson,
        marks: [{ studentId: student, attendance: before?.attendance === 'a' ? 'p' : 'a', grade: null }],
      },
      session,
    );
    const v = await ours(printed.bytes);
    expect(v).toMatchObject({ paper: 'intact', register: 'matches', replica: 'changed', ok: false });
    expect(v.current).not.toBe(printed.code);
    const name = sql.prepare('SELECT last_name l FROM students WHERE id = ?').get(student) as { l: string };
    const cell = v.changes.find((c) => c.kind === 'cell');
    expect(cell?.student).toContain(name.l);
    expect(cell?.by).toBe(
      (sql.prepare("SELECT display_name n FROM users WHERE login = 'teacher'").get() as { n: string }).n,
    );
    const file = join(dir, 'changed.pdf');
    writeFileSync(file, printed.bytes);
    const r = await cli(['verify', '--file', file]);
    expect(r.code).toBe(1);
    expect(r.lines.join('\n')).toMatch(new RegExp(`${name.l}.*: теперь «(нб|\\+)»`));
  });

  it('says so when a file holds no printed code, and when it is no PDF', async () => {
    const pdf = await PDFDocument.create();
    pdf.addPage();
    const file = join(dir, 'blank.pdf');
    writeFileSync(file, await pdf.save());
    expect(await cli(['verify', '--file', file])).toEqual({
      code: 1,
      lines: ['В файле нет напечатанного кода проверки журнала'],
    });
    const junk = join(dir, 'junk.pdf');
    writeFileSync(junk, 'not a pdf at all');
    const r = await cli(['verify', '--file', junk]);
    expect(r).toEqual({ code: 1, lines: [`${junk}: файл не читается как PDF`] });
  });
});
