import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { formatBishkekInstant, formatBishkekStamp } from '../../src-shared/domain/time';
import { translate, type Locale } from '../../src-shared/i18n/translate';

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
const INK = rgb(0.1, 0.12, 0.16);
const GREY = rgb(0.42, 0.46, 0.52);

export type Align = 'left' | 'right';
export type TableColumn = { header: string; width: number; align?: Align };

/** A document being written: pages flow top to bottom; `finish` adds the frame to every page. */
export class PdfWriter {
  private page!: PDFPage;
  private y = 0;
  private readonly pages: PDFPage[] = [];

  private constructor(
    readonly doc: PDFDocument,
    readonly font: PDFFont,
    readonly bold: PDFFont,
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
    return new PdfWriter(doc, font, bold, A4[orientation]);
  }

  get width(): number {
    return this.size[0] - 2 * MARGIN;
  }

  /** Start a new page (also done automatically when the content does not fit). */
  newPage(): void {
    this.page = this.doc.addPage([this.size[0], this.size[1]]);
    this.pages.push(this.page);
    this.y = this.size[1] - MARGIN - 14;
  }

  private ensure(height: number): void {
    if (this.y - height < MARGIN + 24) this.newPage();
  }

  /** Lines of `text` that fit `width` at `size`: words kept whole where they fit, else broken between letters. */
  wrap(text: string, width: number, size: number, font: PDFFont = this.font): string[] {
    const out: string[] = [];
    const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
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

  /** A paragraph of wrapped text. */
  text(
    text: string,
    opts: { size?: number; bold?: boolean; gap?: number; color?: 'ink' | 'grey' } = {},
  ): void {
    assertGlyphs(text);
    const size = opts.size ?? 10;
    const font = opts.bold ? this.bold : this.font;
    for (const line of this.wrap(text, this.width, size, font)) {
      this.ensure(size + 4);
      this.page.drawText(line, {
        x: MARGIN,
        y: this.y,
        size,
        font,
        color: opts.color === 'grey' ? GREY : INK,
      });
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
    const drawRow = (cells: readonly string[], font: PDFFont, shade: boolean, size = 8.5) => {
      const lines = cells.map((c, i) => this.wrap(c, (widths[i] ?? 0) - 6, size, font));
      const h = Math.max(...lines.map((l) => l.length)) * (size + 2.5) + 5;
      this.ensure(h);
      const top = this.y + size + 2;
      if (shade)
        this.page.drawRectangle({
          x: MARGIN,
          y: top - h,
          width: this.width,
          height: h,
          color: rgb(0.92, 0.94, 0.96),
        });
      let x = MARGIN;
      lines.forEach((ls, i) => {
        const w = widths[i] ?? 0;
        ls.forEach((line, j) => {
          const lw = font.widthOfTextAtSize(line, size);
          const lx = columns[i]?.align === 'right' ? x + w - 3 - lw : x + 3;
          this.page.drawText(line, { x: lx, y: this.y - j * (size + 2.5), size, font, color: INK });
        });
        x += w;
      });
      this.page.drawLine({
        start: { x: MARGIN, y: top - h },
        end: { x: MARGIN + this.width, y: top - h },
        thickness: 0.4,
        color: GREY,
      });
      this.y -= h;
    };
    for (const c of columns) assertGlyphs(c.header);
    for (const r of rows) for (const c of r) assertGlyphs(c);
    const header = () =>
      drawRow(
        columns.map((c) => c.header),
        this.bold,
        true,
        7.5,
      );
    header();
    rows.forEach((r, i) => {
      const before = this.pages.length;
      this.ensure(size * 2 + 8);
      if (this.pages.length !== before) header();
      drawRow(r, boldRows.has(i) ? this.bold : this.font, false);
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
      this.page.drawText(l.role, { x: MARGIN, y: this.y, size, font: this.font, color: INK });
      const lineX = MARGIN + this.width * 0.36;
      this.page.drawLine({
        start: { x: lineX, y: this.y - 2 },
        end: { x: lineX + 120, y: this.y - 2 },
        thickness: 0.6,
        color: INK,
      });
      if (l.name)
        this.page.drawText(l.name, { x: lineX + 128, y: this.y, size: 9, font: this.font, color: INK });
      this.page.drawText(`${dateLabel} «____» ______________ 20___`, {
        x: lineX,
        y: this.y - 16,
        size: 7.5,
        font: this.font,
        color: GREY,
      });
      this.y -= 40;
    }
  }

  /** Frame every page: document number and time made at the top, "page X of Y" at the bottom. */
  async finish(frame: {
    number: string;
    made: string;
    pageOf: (x: number, y: number) => string;
  }): Promise<Uint8Array> {
    const n = this.pages.length;
    assertGlyphs(frame.number + frame.made + frame.pageOf(n, n));
    this.pages.forEach((p, i) => {
      const [w, h] = [p.getWidth(), p.getHeight()];
      p.drawText(`${frame.number} · ${frame.made}`, {
        x: MARGIN,
        y: h - MARGIN + 12,
        size: 7.5,
        font: this.font,
        color: GREY,
      });
      const label = frame.pageOf(i + 1, n);
      p.drawText(label, {
        x: w - MARGIN - this.font.widthOfTextAtSize(label, 8),
        y: MARGIN - 14,
        size: 8,
        font: this.font,
        color: GREY,
      });
    });
    return this.doc.save();
  }
}
