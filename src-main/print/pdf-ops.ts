import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { PDFName, type PDFDocument, type PDFFont } from 'pdf-lib';
import qrcode from 'qrcode-generator';
import { qrText, verificationCode } from '../../src-shared/domain/print';
import { assertGlyphs } from './pdf';
import { canonicalV2, pageSize, readPageContent, type Run } from './pdf-content';

/**
 * Writing pages as PDF operators (issue 6, issue 15): every printed document — journals, acts, notices,
 * orders — is written through `Ops`, so its content is exactly the closed vocabulary the verifier reads
 * (`pdf-content.ts`), and its verification code is the digest of the canonical v2 text of its pages,
 * computed by that same reader before the code itself is filled in.
 *
 * Speed (MEASURED.md): text is written as the font's glyph ids, memoized per string — shaping whole
 * strings through fontkit cost most of the time, and our documents need no ligatures or kerning.
 */

/** The characters of a verification code, encoded at the start so the subset holds them. */
const CODE_CHARS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ-';

/** Fonts and the memo of encoded strings and widths (regular is /F1, bold /F2 on every page). */
export class Fonts {
  private readonly enc = new Map<string, string>();
  private readonly wid = new Map<string, number>();
  private readonly chars: [Map<string, string>, Map<string, string>] = [
    new Map<string, string>(),
    new Map<string, string>(),
  ];
  private readonly texts: [Map<string, string>, Map<string, string>] = [
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
  ) {
    for (const c of CODE_CHARS) {
      this.glyph(c, false);
      this.glyph(c, true);
    }
  }
  private glyph(c: string, bold: boolean): string {
    const memo = this.chars[bold ? 1 : 0];
    let hex = memo.get(c);
    if (hex === undefined) {
      assertGlyphs(c);
      hex = (bold ? this.bold : this.regular).encodeText(c).toString().slice(1, -1).toUpperCase();
      memo.set(c, hex);
      this.texts[bold ? 1 : 0].set(hex, c);
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
  /** The text of glyph codes written by `encode` (the printer's side of the reader's ToUnicode). */
  decode(font: string, hex: string): string | null {
    const map = font === 'F1' ? this.texts[0] : font === 'F2' ? this.texts[1] : null;
    if (!map) return null;
    let s = '';
    for (let i = 0; i + 4 <= hex.length; i += 4) {
      const c = map.get(hex.slice(i, i + 4));
      if (c === undefined) return null;
      s += c;
    }
    return s;
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

export const n2 = (x: number) => (Math.round(x * 100) / 100).toString();

/** What a text run is about, for naming a difference (journals tag cells, names, topics, totals). */
export type Tag = Record<string, string | number>;

type CodePart = { code: { x: number; y: number; size: number; bold: boolean } };
type QrPart = { qr: { x: number; y: number; size: number } };

/** One page's operators. */
export class Ops {
  readonly parts: Array<string | CodePart | QrPart> = [];
  /** Per text run written (in order), its tag when tagging (else empty). */
  readonly tags: Array<Tag | null> = [];
  constructor(
    private readonly fonts: Fonts,
    readonly size: readonly [number, number],
    private readonly tagging = false,
  ) {}
  text(s: string, x: number, y: number, size: number, bold = false, tag: Tag | null = null): void {
    if (s === '') return;
    this.parts.push(
      `BT /${bold ? 'F2' : 'F1'} ${size} Tf ${n2(x)} ${n2(y)} Td ${this.fonts.encode(s, bold)} Tj ET`,
    );
    if (this.tagging) this.tags.push(tag);
  }
  right(s: string, x: number, y: number, size: number, bold = false, tag: Tag | null = null): void {
    this.text(s, x - this.fonts.width(s, bold) * size, y, size, bold, tag);
  }
  center(s: string, x: number, y: number, size: number, bold = false, tag: Tag | null = null): void {
    this.text(s, x - (this.fonts.width(s, bold) * size) / 2, y, size, bold, tag);
  }
  /** Text shrunk (down to `min`) to fit `width`. */
  fit(s: string, x: number, y: number, size: number, width: number, tag: Tag | null = null, min = 5): void {
    const w = this.fonts.width(s) * size;
    this.text(s, x, y, w <= width ? size : Math.max(min, (size * width) / w), false, tag);
  }
  /** The document number, marked so the verifier knows which document the page belongs to. */
  number(s: string, x: number, y: number, size: number): void {
    this.parts.push('/AvnNumber BMC');
    this.text(s, x, y, size, false, { what: 'number' });
    this.parts.push('EMC');
  }
  /** The verification code, filled in once the whole document is written. */
  code(x: number, y: number, size: number, bold = false): void {
    this.parts.push({ code: { x, y, size, bold } });
  }
  /** The QR code of the document number and verification code, drawn once they are known. */
  qr(x: number, y: number, size: number): void {
    this.parts.push({ qr: { x, y, size } });
  }
  line(x1: number, y1: number, x2: number, y2: number): void {
    this.parts.push(`${n2(x1)} ${n2(y1)} m ${n2(x2)} ${n2(y2)} l S`);
  }
  raw(op: string): void {
    this.parts.push(op);
  }
  width(s: string, size: number, bold = false): number {
    return this.fonts.width(s, bold) * size;
  }
  /** The operators, with the code and QR code drawn (null: the marks left empty, as the code is computed). */
  content(doc: { number: string; code: string } | null): string {
    let out = '';
    for (const p of this.parts) {
      if (out) out += '\n';
      if (typeof p === 'string') out += p;
      else if ('code' in p) {
        out += '/AvnCode BMC';
        if (doc) {
          const { x, y, size, bold } = p.code;
          out += ` BT /${bold ? 'F2' : 'F1'} ${size} Tf ${n2(x)} ${n2(y)} Td ${this.fonts.encode(doc.code, bold)} Tj ET`;
        }
        out += ' EMC';
      } else {
        out += '/AvnQR BMC';
        if (doc) out += `\n${qrRects(qrText(doc.number, doc.code), p.qr.x, p.qr.y, p.qr.size)}`;
        out += ' EMC';
      }
    }
    return out;
  }
}

/** The QR code of a text as a module matrix (memoized: choosing its mask is costly). */
const qrMemo = new Map<string, boolean[][]>();
export function qrMatrix(text: string): boolean[][] {
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

export function qrRects(text: string, x: number, y: number, size: number): string {
  const m = qrMatrix(text);
  const cell = size / m.length;
  const rects: string[] = ['0 g'];
  m.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (dark) rects.push(`${n2(x + c * cell)} ${n2(y + size - (r + 1) * cell)} ${n2(cell)} ${n2(cell)} re`);
    }),
  );
  rects.push('f');
  return rects.join('\n');
}

/**
 * Whether the rectangles of a QR sequence draw exactly the QR code of `text`: each module found in its
 * place, none missing, none extra.
 */
export function qrMatches(rects: ReadonlyArray<readonly number[]>, text: string): boolean {
  const m = qrMatrix(text);
  if (rects.length === 0) return false;
  const x0 = Math.min(...rects.map((r) => r[0] ?? 0));
  const top = Math.max(...rects.map((r) => (r[1] ?? 0) + (r[3] ?? 0)));
  const cell = rects[0]?.[2] ?? 0;
  if (!(cell > 0)) return false;
  const seen = new Set<string>();
  for (const [x = 0, y = 0, w = 0, h = 0] of rects) {
    if (Math.abs(w - cell) > 0.02 || Math.abs(h - cell) > 0.02) return false;
    const c = Math.round((x - x0) / cell);
    const r = Math.round((top - (y + h)) / cell);
    if (!m[r]?.[c]) return false;
    seen.add(`${r}:${c}`);
  }
  let dark = 0;
  for (const row of m) for (const d of row) if (d) dark++;
  return seen.size === dark && rects.length === dark;
}

export type WrittenDocument = {
  code: string;
  /** Each page's operators, the code and QR code drawn. */
  contents: string[];
  /** The text runs of each page (with their tags when tagging), for naming differences. */
  runs: Array<Array<Run & { tag: Tag | null }>>;
  /** The canonical v2 text (tests and diagnostics). */
  canonical: string;
};

/**
 * The verification code of a document from its pages, read back by the verifier's own interpreter, and
 * the pages' final operators with the code drawn.
 */
export function writeDocument(fonts: Fonts, pages: readonly Ops[], number: string): WrittenDocument {
  const decode = (font: string, hex: string) => fonts.decode(font, hex);
  const read = pages.map((p) => readPageContent(p.content(null), decode));
  for (const [i, r] of read.entries())
    if (r.foreign.length)
      throw new Error(`page ${i + 1} of ${number} is not readable: ${r.foreign.join(', ')}`);
  const canonical = canonicalV2(
    read.map((r, i) => ({ size: pageSize([0, 0, ...(pages[i]?.size ?? [])]), lines: r.lines })),
  );
  const code = verificationCode(createHash('sha256').update(canonical).digest());
  return {
    code,
    contents: pages.map((p) => p.content({ number, code })),
    runs: read.map((r, i) => r.runs.map((run, k) => ({ ...run, tag: pages[i]?.tags[k] ?? null }))),
    canonical,
  };
}

/** Add written pages to a PDF (/F1 regular, /F2 bold), each content stream compressed by Node's zlib. */
export function addPages(
  pdf: PDFDocument,
  fonts: Fonts,
  pages: ReadonlyArray<{ size: readonly [number, number]; content: string }>,
  onPage?: () => void,
): void {
  for (const p of pages) {
    const page = pdf.addPage([p.size[0], p.size[1]]);
    page.node.setFontDictionary(PDFName.of('F1'), fonts.regular.ref);
    page.node.setFontDictionary(PDFName.of('F2'), fonts.bold.ref);
    const content = deflateSync(Buffer.from(p.content, 'latin1'), { level: 6 });
    page.node.addContentStream(pdf.context.register(pdf.context.stream(content, { Filter: 'FlateDecode' })));
    onPage?.();
  }
}
