import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import {
  cellText,
  markIndex,
  printedTotals,
  qrText,
  type PrintedJournal,
} from '../../src-shared/domain/print';
import { formatDateShort } from '../../src-shared/i18n/format';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/translate';
import { A4, loadFontBytes, stamp } from './pdf';
import { addPages, Fonts, Ops, qrRects, writeDocument, type WrittenDocument } from './pdf-ops';

/**
 * The printed semester journal (issue 6): A4 landscape — a title page, grid pages of students × lesson
 * dates split over as many pages as they need (with each student's totals), the lessons page (date,
 * topic, hours, who conducted it, substitutes marked), the results page with signature lines; on every
 * page the document number, the time it was made, the verification code and "стр. X из Y"; the code
 * also as a QR code on the title and the last page.
 *
 * Speed (MEASURED.md): each page's content stream is written directly as PDF operators — text as the
 * font's glyph ids, memoized per string — while pdf-lib embeds and subsets the fonts. Drawing every cell
 * through `drawText` was ~14x slower and ~7x the memory.
 */

const [W, H] = A4.landscape;
const M = 28;
const FOOT_Y = M - 12;

/** Words wrapped into lines of at most `width` points at `size`. */
function wrap(fonts: Fonts, text: string, width: number, size: number): string[] {
  if (text === '') return [''];
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (fonts.width(next) * size <= width || line === '') line = next;
    else {
      out.push(line);
      line = word;
    }
  }
  if (line) out.push(line);
  return out;
}

/**
 * One journal to print: its document number and, for the other language's print of the same journal,
 * that print's number (`twin`). `code` only for canonical v1 (papers printed before issue 15, kept
 * printable so that their verification stays tested): v2 computes the code from the pages.
 */
export type JournalDoc = { journal: PrintedJournal; number: string; twin?: string | null; code?: string };

type Ctx = { fonts: Fonts; locale: Locale; now: number; canon: 1 | 2 };

export const GRID = { no: 16, name: 178, cell: 22, total: 24, row: 12.5, head: 24 };
export const DATES_PER_PAGE = Math.floor((W - 2 * M - GRID.no - GRID.name - 3 * GRID.total) / GRID.cell);
const TABLE_TOP = H - M - 30;
const TABLE_BOTTOM = M + 14;
/** Student rows of a results page (the last one also holds the signatures). */
export const RESULT_ROWS = Math.floor((TABLE_TOP - 30 - TABLE_BOTTOM - 120) / 12);
export const ROWS_PER_PAGE = Math.floor((TABLE_TOP - GRID.head - TABLE_BOTTOM) / GRID.row);

/** The pages of one journal, each a function drawing it, so "page X of Y" is known before drawing. */
function planJournal(doc: JournalDoc, ctx: Ctx): Array<(ops: Ops) => void> {
  const j = doc.journal;
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(ctx.locale, k, p);
  const fonts = ctx.fonts;
  const pages: Array<(ops: Ops) => void> = [];
  const heading = (ops: Ops) => {
    const sub = j.subgroup ? `, ${t('print.subgroup', { name: j.subgroup })}` : '';
    ops.text(`${j.discipline} · ${j.kind} · ${j.group}${sub} · ${j.teacher}`, M, H - M - 8, 9, true);
  };

  // Title page.
  pages.push((ops) => {
    let y = H - M - 40;
    const line = (s: string, size: number, bold = false, gap = 8) => {
      ops.center(s, W / 2, y, size, bold);
      y -= size + gap;
    };
    line(j.university, 12, true);
    line(t('print.faculty', { name: j.faculty }), 11);
    line(t('print.department', { name: j.department }), 11, false, 40);
    line(t('print.title'), 17, true, 30);
    line(
      t('print.group', {
        group: j.group + (j.subgroup ? `, ${t('print.subgroup', { name: j.subgroup })}` : ''),
      }),
      12,
    );
    line(t('print.discipline', { name: j.discipline }), 12);
    line(t('print.kind', { kind: j.kind }), 12);
    line(t('print.teacher', { name: j.teacher }), 12);
    line(t('print.semester', { n: j.semester, year: j.year }), 12);
    line(t('print.plannedHours', { hours: j.plannedHours }), 12, false, 40);
    if (ctx.canon === 1) line(t('print.code', { code: doc.code ?? '' }), 14, true, 8);
    else {
      // The label and the code apart: the code's own width moves nothing else on the page.
      ops.right(t('print.codeLabel'), W / 2 - 3, y, 14, true);
      ops.code(W / 2 + 3, y, 14, true);
      y -= 22;
    }
    line(t('print.verifyHint'), 8);
    if (doc.twin) line(t(ctx.locale === 'ru' ? 'print.twin.ky' : 'print.twin.ru', { number: doc.twin }), 8);
    if (ctx.canon === 2) ops.qr(W - M - 96, M + 20, 96);
    else legacyQr(ops, doc, W - M - 96, M + 20, 96);
  });

  // Grid pages: dates across, students down.
  const totals = printedTotals(j);
  const markAt = markIndex(j.marks);
  const dateChunks: Array<typeof j.lessons> = [];
  for (let i = 0; i < Math.max(1, j.lessons.length); i += DATES_PER_PAGE)
    dateChunks.push(j.lessons.slice(i, i + DATES_PER_PAGE));
  for (let r = 0; r < Math.max(1, j.students.length); r += ROWS_PER_PAGE) {
    const students = j.students.slice(r, r + ROWS_PER_PAGE);
    for (const lessons of dateChunks) {
      pages.push((ops) => {
        heading(ops);
        const x0 = M;
        const xDates = x0 + GRID.no + GRID.name;
        const xTotals = xDates + lessons.length * GRID.cell;
        const top = TABLE_TOP;
        const bottom = top - GRID.head - students.length * GRID.row;
        ops.raw('0.6 G 0.4 w');
        // Header.
        ops.text(t('print.col.no'), x0 + 2, top - 15, 7, true);
        ops.text(t('print.col.student'), x0 + GRID.no + 3, top - 15, 7, true);
        lessons.forEach((l, i) => {
          const cx = xDates + i * GRID.cell + GRID.cell / 2;
          ops.center(formatDateShort(l.date).slice(0, 5), cx, top - 10, 6, true);
          ops.center(String(l.pair), cx, top - 19, 5.5);
        });
        const heads = [t('print.col.absent'), t('print.col.excused'), t('print.col.mean')];
        heads.forEach((h, i) =>
          ops.center(h, xTotals + i * GRID.total + GRID.total / 2, top - 15, 6.5, true),
        );
        // Rows.
        students.forEach((s, k) => {
          const y = top - GRID.head - (k + 1) * GRID.row + 3.5;
          ops.right(String(r + k + 1), x0 + GRID.no - 2, y, 7);
          ops.fit(s.name, x0 + GRID.no + 3, y, 7.5, GRID.name - 6, { what: 'name', row: r + k + 1 });
          lessons.forEach((l, i) => {
            const text = cellText(markAt(l.id, s.id));
            if (text)
              ops.center(
                text,
                xDates + i * GRID.cell + GRID.cell / 2,
                y,
                text.length > 2 ? 5.5 : 7.5,
                false,
                { what: 'cell', student: s.name, date: l.date, pair: l.pair },
              );
          });
          const tt = totals.get(s.id);
          if (tt) {
            const total = (column: string) => ({ what: 'total', student: s.name, column });
            ops.center(
              tt.absent ? String(tt.absent) : '',
              xTotals + GRID.total / 2,
              y,
              7,
              false,
              total('absent'),
            );
            ops.center(
              tt.excused ? String(tt.excused) : '',
              xTotals + GRID.total * 1.5,
              y,
              7,
              false,
              total('excused'),
            );
            ops.center(tt.mean, xTotals + GRID.total * 2.5, y, 7, false, total('mean'));
          }
        });
        // Rules.
        const right = xTotals + 3 * GRID.total;
        for (let k = 0; k <= students.length; k++) {
          const y = top - GRID.head - k * GRID.row;
          ops.line(x0, y, right, y);
        }
        ops.line(x0, top, right, top);
        for (const x of [x0, x0 + GRID.no, xDates]) ops.line(x, top, x, bottom);
        for (let i = 1; i <= lessons.length; i++)
          ops.line(xDates + i * GRID.cell, top, xDates + i * GRID.cell, bottom);
        for (let i = 1; i <= 3; i++)
          ops.line(xTotals + i * GRID.total, top, xTotals + i * GRID.total, bottom);
        ops.text(t('print.legend'), x0, bottom - 10, 6.5);
      });
    }
  }

  // Lessons pages: topics wrapped; rows flow over as many pages as they need.
  const cols = { no: 22, date: 52, pair: 28, topic: 0, hours: 32, by: 150 };
  cols.topic = W - 2 * M - cols.no - cols.date - cols.pair - cols.hours - cols.by;
  const rows = j.lessons.map((l, i) => ({
    l,
    i,
    lines: wrap(fonts, l.topic, cols.topic - 6, 7.5),
    by: l.conductedBy + (l.substitute ? ` ${t('print.substitute')}` : ''),
  }));
  const LINE = 9.5;
  let chunk: typeof rows = [];
  let used = 0;
  const avail = TABLE_TOP - 30 - TABLE_BOTTOM;
  const flush = (list: typeof rows, first: boolean) => {
    pages.push((ops) => {
      heading(ops);
      let y = TABLE_TOP - 4;
      if (first) ops.text(t('print.lessons'), M, y, 10, true);
      y -= 20;
      const xs = [M, M + cols.no, M + cols.no + cols.date, M + cols.no + cols.date + cols.pair];
      const xHours = xs[3] + cols.topic;
      const xBy = xHours + cols.hours;
      ops.raw('0.6 G 0.4 w');
      ops.text(t('print.col.no'), xs[0] + 2, y, 7, true);
      ops.text(t('print.col.date'), xs[1] + 2, y, 7, true);
      ops.text(t('print.col.pair'), xs[2] + 2, y, 7, true);
      ops.text(t('print.col.topic'), xs[3] + 3, y, 7, true);
      ops.text(t('print.col.hours'), xHours + 2, y, 7, true);
      ops.text(t('print.col.conducted'), xBy + 3, y, 7, true);
      y -= 4;
      ops.line(M, y, W - M, y);
      for (const row of list) {
        const h = row.lines.length * LINE + 3;
        const base = y - LINE + 2;
        ops.right(String(row.i + 1), xs[0] + cols.no - 3, base, 7);
        const lesson = { date: row.l.date, pair: row.l.pair };
        ops.text(formatDateShort(row.l.date), xs[1] + 2, base, 7, false, { what: 'date', ...lesson });
        ops.center(String(row.l.pair), xs[2] + cols.pair / 2, base, 7, false, { what: 'pair', ...lesson });
        row.lines.forEach((ln, k) =>
          ops.text(ln, xs[3] + 3, base - k * LINE, 7.5, false, { what: 'topic', ...lesson }),
        );
        ops.center(String(row.l.hours), xHours + cols.hours / 2, base, 7, false, {
          what: 'hours',
          ...lesson,
        });
        ops.fit(row.by, xBy + 3, base, 7, cols.by - 6, { what: 'conducted', ...lesson });
        y -= h;
        ops.line(M, y, W - M, y);
      }
    });
  };
  let first = true;
  for (const row of rows) {
    const h = row.lines.length * LINE + 3;
    if (used + h > avail && chunk.length) {
      flush(chunk, first);
      first = false;
      chunk = [];
      used = 0;
    }
    chunk.push(row);
    used += h;
  }
  if (chunk.length || first) flush(chunk, first);

  // Results and signatures (results split over pages for large groups).
  const byStudent = new Map<number, { intermediate: string[]; exam: string[] }>();
  for (const r of j.results) {
    const e = byStudent.get(r.studentId) ?? { intermediate: [], exam: [] };
    (r.kind === 'exam' ? e.exam : e.intermediate).push(r.text);
    byStudent.set(r.studentId, e);
  }

  for (let r = 0; r < Math.max(1, j.students.length); r += RESULT_ROWS) {
    const list = j.students.slice(r, r + RESULT_ROWS);
    const last = r + RESULT_ROWS >= j.students.length;
    pages.push((ops) => {
      heading(ops);
      let y = TABLE_TOP - 4;
      ops.text(t('print.results'), M, y, 10, true);
      y -= 20;
      const xs = [M, M + 22, M + 22 + 260, M + 22 + 260 + 110, M + 22 + 260 + 110 + 170];
      ops.raw('0.6 G 0.4 w');
      ops.text(t('print.col.no'), xs[0] + 2, y, 7, true);
      ops.text(t('print.col.student'), xs[1] + 3, y, 7, true);
      ops.text(t('print.col.recordBook'), xs[2] + 3, y, 7, true);
      ops.text(t('print.col.intermediate'), xs[3] + 3, y, 7, true);
      ops.text(t('print.col.exam'), xs[4] + 3, y, 7, true);
      y -= 4;
      ops.line(M, y, xs[4] + 140, y);
      list.forEach((s, k) => {
        const base = y - 9;
        const res = byStudent.get(s.id);
        ops.right(String(r + k + 1), xs[0] + 19, base, 7);
        ops.fit(s.name, xs[1] + 3, base, 7.5, 254, { what: 'name', row: r + k + 1 });
        ops.text(s.recordBookNo, xs[2] + 3, base, 7, false, { what: 'recordBook', student: s.name });
        const result = (column: string) => ({ what: 'result', student: s.name, column });
        ops.text(res?.intermediate.join(', ') ?? '', xs[3] + 3, base, 7.5, false, result('intermediate'));
        ops.text(res?.exam.join(', ') ?? '', xs[4] + 3, base, 7.5, false, result('exam'));
        y -= 12;
        ops.line(M, y, xs[4] + 140, y);
      });
      if (!last) return;
      y -= 26;
      const signer = (role: string, name: string) => {
        ops.text(role, M, y, 9);
        ops.line(M + 170, y - 2, M + 330, y - 2);
        ops.text(name, M + 340, y, 9);
        ops.text(translate(ctx.locale, 'doc.date'), M + 520, y, 9);
        ops.line(M + 550, y - 2, M + 640, y - 2);
        y -= 26;
      };
      ops.raw('0 G 0.5 w');
      signer(t('print.sign.teacher'), j.teacher);
      signer(t('print.sign.head'), j.head);
      signer(t('print.sign.dean'), j.dean);
      if (ctx.canon === 2) ops.qr(W - M - 80, M + 14, 80);
      else legacyQr(ops, doc, W - M - 80, M + 14, 80);
    });
  }
  return pages;
}

export type JournalPdfOptions = {
  locale: Locale;
  now: number;
  /** Called after each page is written (progress); throw from it to cancel. */
  onPage?: () => void;
  /** The canonical version to print with: 2 (default); 1 only to keep old papers' verification tested. */
  canon?: 1 | 2;
};

/** The QR code of a v1 paper: drawn as plain rectangles, without the v2 mark. */
function legacyQr(ops: Ops, doc: JournalDoc, x: number, y: number, size: number): void {
  ops.raw(qrRects(qrText(doc.number, doc.code ?? ''), x, y, size));
}

/** The pages of one journal written as operators, with its code (v2: computed from them). */
function writeJournal(doc: JournalDoc, ctx: Ctx, tagging: boolean): WrittenDocument {
  const plan = planJournal(doc, ctx);
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(ctx.locale, k, p);
  const pages = plan.map((draw, i) => {
    const ops = new Ops(ctx.fonts, [W, H], tagging);
    draw(ops);
    ops.raw('0 g');
    const pageOf = t('doc.pageOf', { x: i + 1, y: plan.length });
    if (ctx.canon === 1)
      ops.text(
        `${t('print.footer', { number: doc.number, time: stamp(ctx.now), code: doc.code ?? '' })} · ${pageOf}`,
        M,
        FOOT_Y,
        6.5,
      );
    else {
      // The number first (it names the document), the code last (its width moves nothing).
      const number = `№ ${doc.number}`;
      ops.number(number, M, FOOT_Y, 6.5);
      const rest = ` ${t('print.footer2', { time: stamp(ctx.now), page: pageOf })} `;
      const x = M + ops.width(number, 6.5);
      ops.text(rest, x, FOOT_Y, 6.5);
      ops.code(x + ops.width(rest, 6.5), FOOT_Y, 6.5);
    }
    return ops;
  });
  if (ctx.canon === 2) return writeDocument(ctx.fonts, pages, doc.number);
  const code = doc.code ?? '';
  return { code, contents: pages.map((p) => p.content(null)), runs: [], canonical: '' };
}

async function newPdf(locale: Locale, now: number) {
  const fontBytes = loadFontBytes();
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  pdf.setTitle(translate(locale, 'print.title'));
  pdf.setCreator('AVN Desk');
  pdf.setCreationDate(new Date(now));
  pdf.setModificationDate(new Date(now));
  const fonts = new Fonts(
    await pdf.embedFont(fontBytes.regular, { subset: true }),
    await pdf.embedFont(fontBytes.bold, { subset: true }),
  );
  return { pdf, fonts };
}

/**
 * One PDF of one or more journals (a group's file); each journal numbers its own pages and has its own
 * code (returned in order).
 */
export async function journalsPdf(
  docs: readonly JournalDoc[],
  opts: JournalPdfOptions,
): Promise<{ bytes: Uint8Array; pages: number[]; codes: string[] }> {
  const { pdf, fonts } = await newPdf(opts.locale, opts.now);
  const ctx: Ctx = { fonts, locale: opts.locale, now: opts.now, canon: opts.canon ?? 2 };
  const counts: number[] = [];
  const codes: string[] = [];
  for (const doc of docs) {
    const written = writeJournal(doc, ctx, false);
    counts.push(written.contents.length);
    codes.push(written.code);
    addPages(
      pdf,
      fonts,
      written.contents.map((content) => ({ size: [W, H] as const, content })),
      opts.onPage,
    );
  }
  return { bytes: await pdf.save({ useObjectStreams: true }), pages: counts, codes };
}

/**
 * A journal written as it would be printed, without making a file: its code and its text runs tagged
 * with what each is (cell, name, topic…) — the verifier compares a paper with it.
 */
export async function writtenJournal(
  doc: JournalDoc,
  opts: { locale: Locale; now: number },
): Promise<WrittenDocument> {
  // One set of fonts for every journal written again (never saved): embedding DejaVu costs ~50 ms, and
  // the code depends on the text, not on the glyph numbers of a subset.
  measuring ??= newPdf('ru', 0).then((r) => r.fonts);
  return writeJournal(doc, { fonts: await measuring, locale: opts.locale, now: opts.now, canon: 2 }, true);
}

let measuring: Promise<Fonts> | null = null;
