import { deflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFName, type PDFFont, type PDFRef } from 'pdf-lib';
import qrcode from 'qrcode-generator';
import {
  cellText,
  markIndex,
  printedTotals,
  qrText,
  type PrintedJournal,
} from '../../src-shared/domain/print';
import { formatDateShort } from '../../src-shared/i18n/format';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/translate';
import { A4, assertGlyphs, loadFontBytes, stamp } from './pdf';

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

/**
 * Fonts and the memo of encoded strings and widths. Text is encoded a character at a time (each
 * character's glyph through pdf-lib once, so its subset includes it): shaping whole strings through
 * fontkit cost most of the time, and a journal needs no ligatures or kerning.
 */
class Fonts {
  private readonly enc = new Map<string, string>();
  private readonly wid = new Map<string, number>();
  private readonly chars: [Map<string, string>, Map<string, string>] = [
    new Map<string, string>(),
    new Map<string, string>(),
  ];
  private readonly charWidths: [Map<string, number>, Map<string, number>] = [
    new Map<string, number>(),
    new Map<string, number>(),
  ];
  constructor(
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {}
  private glyph(c: string, bold: boolean): string {
    const memo = this.chars[bold ? 1 : 0];
    let hex = memo.get(c);
    if (hex === undefined) {
      assertGlyphs(c);
      hex = (bold ? this.bold : this.regular).encodeText(c).toString().slice(1, -1);
      memo.set(c, hex);
    }
    return hex;
  }
  encode(s: string, bold: boolean): string {
    const key = bold ? `b${s}` : `r${s}`;
    let v = this.enc.get(key);
    if (v === undefined) {
      let hex = '<';
      for (const c of s) hex += this.glyph(c, bold);
      v = `${hex}>`;
      this.enc.set(key, v);
    }
    return v;
  }
  /** Width of `s` at size 1 (the sum of its characters' advances). */
  width(s: string, bold = false): number {
    const key = bold ? `b${s}` : `r${s}`;
    let v = this.wid.get(key);
    if (v === undefined) {
      const memo = this.charWidths[bold ? 1 : 0];
      v = 0;
      for (const c of s) {
        let w = memo.get(c);
        if (w === undefined) {
          w = (bold ? this.bold : this.regular).widthOfTextAtSize(c, 1);
          memo.set(c, w);
        }
        v += w;
      }
      this.wid.set(key, v);
    }
    return v;
  }
}

const n2 = (x: number) => (Math.round(x * 100) / 100).toString();

/** One page's operators. */
class Ops {
  readonly parts: string[] = [];
  constructor(private readonly fonts: Fonts) {}
  text(s: string, x: number, y: number, size: number, bold = false): void {
    if (s === '') return;
    this.parts.push(
      `BT /${bold ? 'F2' : 'F1'} ${size} Tf ${n2(x)} ${n2(y)} Td ${this.fonts.encode(s, bold)} Tj ET`,
    );
  }
  right(s: string, x: number, y: number, size: number, bold = false): void {
    this.text(s, x - this.fonts.width(s, bold) * size, y, size, bold);
  }
  center(s: string, x: number, y: number, size: number, bold = false): void {
    this.text(s, x - (this.fonts.width(s, bold) * size) / 2, y, size, bold);
  }
  /** Text shrunk (down to `min`) to fit `width`. */
  fit(s: string, x: number, y: number, size: number, width: number, min = 5): void {
    const w = this.fonts.width(s) * size;
    this.text(s, x, y, w <= width ? size : Math.max(min, (size * width) / w));
  }
  line(x1: number, y1: number, x2: number, y2: number): void {
    this.parts.push(`${n2(x1)} ${n2(y1)} m ${n2(x2)} ${n2(y2)} l S`);
  }
  raw(op: string): void {
    this.parts.push(op);
  }
}

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

/** The QR code of a text as filled squares (the matrix is memoized: choosing its mask is costly). */
const qrMemo = new Map<string, boolean[][]>();
function qrMatrix(text: string): boolean[][] {
  let m = qrMemo.get(text);
  if (!m) {
    const qr = qrcode(0, 'M');
    // The library writes one byte per character: give it the UTF-8 bytes (readers decode them as UTF-8).
    qr.addData(Buffer.from(text, 'utf8').toString('latin1'), 'Byte');
    qr.make();
    const count = qr.getModuleCount();
    m = Array.from({ length: count }, (_, r) => Array.from({ length: count }, (_, c) => qr.isDark(r, c)));
    if (qrMemo.size > 1000) qrMemo.clear();
    qrMemo.set(text, m);
  }
  return m;
}

function qrOps(ops: Ops, text: string, x: number, y: number, size: number): void {
  const m = qrMatrix(text);
  const cell = size / m.length;
  const rects: string[] = ['0 g'];
  m.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (dark) rects.push(`${n2(x + c * cell)} ${n2(y + size - (r + 1) * cell)} ${n2(cell)} ${n2(cell)} re`);
    }),
  );
  rects.push('f');
  ops.raw(rects.join('\n'));
}

export type JournalDoc = { journal: PrintedJournal; code: string; number: string };

type Ctx = { fonts: Fonts; locale: Locale; now: number };

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
    line(t('print.code', { code: doc.code }), 14, true, 8);
    line(t('print.verifyHint'), 8);
    qrOps(ops, qrText(doc.number, doc.code), W - M - 96, M + 20, 96);
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
          ops.fit(s.name, x0 + GRID.no + 3, y, 7.5, GRID.name - 6);
          lessons.forEach((l, i) => {
            const text = cellText(markAt(l.id, s.id));
            if (text)
              ops.center(text, xDates + i * GRID.cell + GRID.cell / 2, y, text.length > 2 ? 5.5 : 7.5);
          });
          const tt = totals.get(s.id);
          if (tt) {
            ops.center(tt.absent ? String(tt.absent) : '', xTotals + GRID.total / 2, y, 7);
            ops.center(tt.excused ? String(tt.excused) : '', xTotals + GRID.total * 1.5, y, 7);
            ops.center(tt.mean, xTotals + GRID.total * 2.5, y, 7);
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
        ops.text(formatDateShort(row.l.date), xs[1] + 2, base, 7);
        ops.center(String(row.l.pair), xs[2] + cols.pair / 2, base, 7);
        row.lines.forEach((ln, k) => ops.text(ln, xs[3] + 3, base - k * LINE, 7.5));
        ops.center(String(row.l.hours), xHours + cols.hours / 2, base, 7);
        ops.fit(row.by, xBy + 3, base, 7, cols.by - 6);
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
        ops.fit(s.name, xs[1] + 3, base, 7.5, 254);
        ops.text(s.recordBookNo, xs[2] + 3, base, 7);
        ops.text(res?.intermediate.join(', ') ?? '', xs[3] + 3, base, 7.5);
        ops.text(res?.exam.join(', ') ?? '', xs[4] + 3, base, 7.5);
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
      qrOps(ops, qrText(doc.number, doc.code), W - M - 80, M + 14, 80);
    });
  }
  return pages;
}

export type JournalPdfOptions = {
  locale: Locale;
  now: number;
  /** Called after each page is written (progress); throw from it to cancel. */
  onPage?: () => void;
};

/** One PDF of one or more journals (a group's file); each journal numbers its own pages. */
export async function journalsPdf(
  docs: readonly JournalDoc[],
  opts: JournalPdfOptions,
): Promise<{ bytes: Uint8Array; pages: number[] }> {
  const fontBytes = loadFontBytes();
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  pdf.setTitle(translate(opts.locale, 'print.title'));
  pdf.setCreator('AVN Desk');
  pdf.setCreationDate(new Date(opts.now));
  pdf.setModificationDate(new Date(opts.now));
  const fonts = new Fonts(
    await pdf.embedFont(fontBytes.regular, { subset: true }),
    await pdf.embedFont(fontBytes.bold, { subset: true }),
  );
  const ctx: Ctx = { fonts, locale: opts.locale, now: opts.now };
  const counts: number[] = [];
  const refs: { regular: PDFRef; bold: PDFRef } = { regular: fonts.regular.ref, bold: fonts.bold.ref };
  for (const doc of docs) {
    const plan = planJournal(doc, ctx);
    counts.push(plan.length);
    const foot = (x: number) =>
      translate(opts.locale, 'print.footer', { number: doc.number, time: stamp(opts.now), code: doc.code }) +
      ` · ${translate(opts.locale, 'doc.pageOf', { x, y: plan.length })}`;
    plan.forEach((draw, i) => {
      const ops = new Ops(fonts);
      draw(ops);
      ops.raw('0 g');
      ops.text(foot(i + 1), M, FOOT_Y, 6.5);
      const page = pdf.addPage([W, H]);
      page.node.setFontDictionary(PDFName.of('F1'), refs.regular);
      page.node.setFontDictionary(PDFName.of('F2'), refs.bold);
      // Compressed by Node's zlib (native), not pdf-lib's JavaScript deflate: the operators are ASCII.
      const content = deflateSync(Buffer.from(ops.parts.join('\n'), 'latin1'), { level: 6 });
      page.node.addContentStream(
        pdf.context.register(pdf.context.stream(content, { Filter: 'FlateDecode' })),
      );
      opts.onPage?.();
    });
  }
  return { bytes: await pdf.save({ useObjectStreams: true }), pages: counts };
}
