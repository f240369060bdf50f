import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { formatBishkekInstant, formatBishkekStamp } from '../../src-shared/domain/time';
import { translate, type Locale } from '../../src-shared/i18n/translate';
import { addPages, Fonts, n2, Ops, writeDocument } from './pdf-ops';

/**
 * The one PDF module (ARCHITECTURE.md, Shared machinery): pdf-lib documents with an embedded DejaVu Sans
 * (every Russian and Kyrgyz letter, ң ө ү included; pdf-lib's standard fonts cannot encode Cyrillic),
 * A4 pages with a frame of document number, time made and "стр. X из Y", wrapped text, simple tables
 * that break across pages, and signature lines. Every string is checked for glyphs before it is drawn:
 * a missing glyph fails loudly instead of printing an empty box.
 */

/** A document number from its kind and the time it was made (unique per second on one PC). */
export function documentNumber(prefix: string, now: number): string {
  return `${prefix}-${formatBishkekInstant(now).slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`;
}

/** 'YYYY-MM-DD HH:MM' in Bishkek. */
export const stamp = formatBishkekStamp;

/** The page frame of a document: its number, when it was made, "page X of Y". */
export function documentFrame(locale: Locale, now: number, number: string) {
  return {
    number: `№ ${number}`,
    made: translate(locale, 'doc.made', { time: stamp(now) }),
    pageOf: (x: number, y: number) => translate(locale, 'doc.pageOf', { x, y }),
    codeLabel: translate(locale, 'print.codeLabel'),
  };
}

export const FONTS_DIR = fileURLToPath(new URL('../../resources/fonts', import.meta.url));

type FontBytes = { regular: Uint8Array; bold: Uint8Array };
let fontBytes: FontBytes | null = null;
/** DejaVu Sans, regular and bold, read once. */
export function loadFontBytes(): FontBytes {
  fontBytes ??= {
    regular: readFileSync(`${FONTS_DIR}/DejaVuSans.ttf`),
    bold: readFileSync(`${FONTS_DIR}/DejaVuSans-Bold.ttf`),
  };
  return fontBytes;
}

type GlyphChecker = { hasGlyphForCodePoint: (cp: number) => boolean };
let checker: GlyphChecker | null = null;
function glyphs(): GlyphChecker {
  checker ??= fontkit.create(Buffer.from(loadFontBytes().regular)) as unknown as GlyphChecker;
  return checker;
}

export class MissingGlyphError extends Error {}

/** Throw when the font lacks a glyph for any character of `text` (DejaVu covers Russian and Kyrgyz). */
export function assertGlyphs(text: string): void {
  const g = glyphs();
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20) continue;
    if (!g.hasGlyphForCodePoint(cp))
      throw new MissingGlyphError(
        `the PDF font has no glyph for "${ch}" (U+${cp.toString(16).toUpperCase().padStart(4, '0')}) in "${text}"`,
      );
  }
}

export const A4 = { portrait: [595.28, 841.89] as const, landscape: [841.89, 595.28] as const };
const MARGIN = 42;
const INK = '0.1 0.12 0.16';
const GREY = '0.42 0.46 0.52';

export type Align = 'left' | 'right';
export type TableColumn = { header: string; width: number; align?: Align };

/** A finished document: its bytes, its verification code (canonical v2) and its page count. */
export type FinishedDocument = { bytes: Uint8Array; code: string; pages: number };

/**
 * A document being written: pages flow top to bottom; `finish` adds the frame to every page — the
 * document number (marked: it names the document), when it was made, "page X of Y" and the verification
 * code — computes the code from the pages' content and writes the PDF. Pages are written as operators
 * through `Ops` (pdf-ops.ts), the vocabulary the verifier reads back.
 */
export class PdfWriter {
  private page!: Ops;
  private y = 0;
  private readonly pages: Ops[] = [];

  private constructor(
    readonly doc: PDFDocument,
    private readonly fonts: Fonts,
    private readonly size: readonly [number, number],
  ) {
    this.newPage();
  }

  static async create(
    orientation: keyof typeof A4,
    meta: { title: string; author: string; now: number },
  ): Promise<PdfWriter> {
    const doc = await PDFDocument.create();
    doc.registerFontkit(fontkit);
    const bytes = loadFontBytes();
    const font = await doc.embedFont(bytes.regular, { subset: true });
    const bold = await doc.embedFont(bytes.bold, { subset: true });
    assertGlyphs(meta.title);
    doc.setTitle(meta.title);
    doc.setAuthor(meta.author);
    doc.setCreator('AVN Desk');
    doc.setProducer('AVN Desk (pdf-lib)');
    doc.setCreationDate(new Date(meta.now));
    doc.setModificationDate(new Date(meta.now));
    return new PdfWriter(doc, new Fonts(font, bold), A4[orientation]);
  }

  get width(): number {
    return this.size[0] - 2 * MARGIN;
  }

  /** Start a new page (also done automatically when the content does not fit). */
  newPage(): void {
    this.page = new Ops(this.fonts, this.size);
    this.pages.push(this.page);
    this.y = this.size[1] - MARGIN - 14;
  }

  private ensure(height: number): void {
    if (this.y - height < MARGIN + 24) this.newPage();
  }

  private textWidth(s: string, size: number, bold = false): number {
    return this.fonts.width(s, bold) * size;
  }

  /** Lines of `text` that fit `width` at `size`: words kept whole where they fit, else broken between letters. */
  wrap(text: string, width: number, size: number, bold = false): string[] {
    const out: string[] = [];
    const fits = (s: string) => this.textWidth(s, size, bold) <= width;
    for (const para of text.split('\n')) {
      let line = '';
      for (const whole of para.split(/\s+/).filter(Boolean)) {
        let word = whole;
        if (line && fits(`${line} ${word}`)) {
          line = `${line} ${word}`;
          continue;
        }
        if (line) out.push(line);
        // A word wider than the column (a narrow table header) is broken between letters.
        while (!fits(word) && word.length > 1) {
          let cut = word.length - 1;
          while (cut > 1 && !fits(word.slice(0, cut))) cut--;
          out.push(word.slice(0, cut));
          word = word.slice(cut);
        }
        line = word;
      }
      out.push(line);
    }
    return out;
  }

  private draw(s: string, x: number, y: number, size: number, bold: boolean, color: string): void {
    if (s === '') return;
    this.page.raw(`${color} rg`);
    this.page.text(s, x, y, size, bold);
  }

  /** A paragraph of wrapped text. */
  text(
    text: string,
    opts: { size?: number; bold?: boolean; gap?: number; color?: 'ink' | 'grey' } = {},
  ): void {
    assertGlyphs(text);
    const size = opts.size ?? 10;
    const bold = opts.bold ?? false;
    for (const line of this.wrap(text, this.width, size, bold)) {
      this.ensure(size + 4);
      this.draw(line, MARGIN, this.y, size, bold, opts.color === 'grey' ? GREY : INK);
      this.y -= size + 4;
    }
    this.y -= opts.gap ?? 4;
  }

  space(points: number): void {
    this.y -= points;
  }

  /**
   * A table: a bold header repeated on each page, rows of wrapped cells, thin rules. Column widths are
   * shares of the text width. `boldRows` lists row indexes drawn in bold (totals).
   */
  table(
    columns: readonly TableColumn[],
    rows: ReadonlyArray<readonly string[]>,
    boldRows: ReadonlySet<number> = new Set(),
  ): void {
    const size = 8.5;
    // (rows are drawn at `size`; headers a little smaller)
    const total = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const drawRow = (cells: readonly string[], bold: boolean, shade: boolean, size = 8.5) => {
      const lines = cells.map((c, i) => this.wrap(c, (widths[i] ?? 0) - 6, size, bold));
      const h = Math.max(...lines.map((l) => l.length)) * (size + 2.5) + 5;
      this.ensure(h);
      const top = this.y + size + 2;
      if (shade)
        this.page.raw(`0.92 0.94 0.96 rg ${n2(MARGIN)} ${n2(top - h)} ${n2(this.width)} ${n2(h)} re f`);
      let x = MARGIN;
      lines.forEach((ls, i) => {
        const w = widths[i] ?? 0;
        ls.forEach((line, j) => {
          const lw = this.textWidth(line, size, bold);
          const lx = columns[i]?.align === 'right' ? x + w - 3 - lw : x + 3;
          this.draw(line, lx, this.y - j * (size + 2.5), size, bold, INK);
        });
        x += w;
      });
      this.page.raw(`${GREY} RG 0.4 w`);
      this.page.line(MARGIN, top - h, MARGIN + this.width, top - h);
      this.y -= h;
    };
    for (const c of columns) assertGlyphs(c.header);
    for (const r of rows) for (const c of r) assertGlyphs(c);
    const header = () =>
      drawRow(
        columns.map((c) => c.header),
        true,
        true,
        7.5,
      );
    header();
    rows.forEach((r, i) => {
      const before = this.pages.length;
      this.ensure(size * 2 + 8);
      if (this.pages.length !== before) header();
      drawRow(r, boldRows.has(i), false);
    });
    this.y -= 8;
  }

  /** Signature lines: a role, a line to sign on, the name under it, and a date line. */
  signatures(lines: ReadonlyArray<{ role: string; name?: string }>, dateLabel: string): void {
    const size = 9.5;
    this.ensure(lines.length * 40 + 10);
    this.y -= 10;
    for (const l of lines) {
      assertGlyphs(l.role + (l.name ?? ''));
      this.draw(l.role, MARGIN, this.y, size, false, INK);
      const lineX = MARGIN + this.width * 0.36;
      this.page.raw(`${INK} RG 0.6 w`);
      this.page.line(lineX, this.y - 2, lineX + 120, this.y - 2);
      if (l.name) this.draw(l.name, lineX + 128, this.y, 9, false, INK);
      this.draw(`${dateLabel} «____» ______________ 20___`, lineX, this.y - 16, 7.5, false, GREY);
      this.y -= 40;
    }
  }

  /**
   * Frame every page — the document number and the time made at the top, "page X of Y" and the
   * verification code at the bottom — compute the code from the pages and write the PDF.
   */
  async finish(frame: {
    number: string;
    made: string;
    pageOf: (x: number, y: number) => string;
    codeLabel: string;
  }): Promise<FinishedDocument> {
    const n = this.pages.length;
    assertGlyphs(frame.number + frame.made + frame.pageOf(n, n) + frame.codeLabel);
    const [w, h] = this.size;
    this.pages.forEach((p, i) => {
      p.raw(`${GREY} rg`);
      p.number(frame.number, MARGIN, h - MARGIN + 12, 7.5);
      const after = ` · ${frame.made}`;
      p.text(after, MARGIN + p.width(frame.number, 7.5), h - MARGIN + 12, 7.5);
      const label = frame.pageOf(i + 1, n);
      p.right(label, w - MARGIN, MARGIN - 14, 8);
      // The code last on its line: its own width moves nothing else.
      const codeLabel = `${frame.codeLabel} `;
      p.text(codeLabel, MARGIN, MARGIN - 14, 8);
      p.code(MARGIN + p.width(codeLabel, 8), MARGIN - 14, 8);
    });
    const number = frame.number.replace(/^№\s*/, '');
    const written = writeDocument(this.fonts, this.pages, number);
    addPages(
      this.doc,
      this.fonts,
      written.contents.map((content) => ({ size: this.size, content })),
    );
    return { bytes: await this.doc.save({ useObjectStreams: true }), code: written.code, pages: n };
  }
}
