import { createHash } from 'node:crypto';
import fontkit from '@pdf-lib/fontkit';
import { inflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFStream,
  type PDFObject,
} from 'pdf-lib';
import { qrText, verificationCode } from '../../src-shared/domain/print';
import { loadFontBytes } from './pdf';
import { canonicalV2, pageSize, readPageContent, type Run } from './pdf-content';
import { qrMatches } from './pdf-ops';

/**
 * Reading a printed document back from its PDF in JavaScript (issue 15) — no poppler, which Windows PCs
 * do not have: the pages' content streams decoded through the fonts' ToUnicode maps and read by the same
 * interpreter the printer used (`pdf-content.ts`), so the verification code is recomputed from what the
 * pages show. A page with anything AVN Desk does not write (an annotation, an image, a form, another
 * font, an operator outside its vocabulary, a font whose map gives two glyphs one letter, a glyph whose
 * outline or width is not the shipped DejaVu's for the letter its map gives) is foreign.
 *
 * Papers printed before canonical v2 carry no marks: their number and code are found in the text (the
 * footer) and they are checked the v1 way, against the replica.
 */

export type ReadDocument = {
  number: string;
  /** Page numbers in the file (1-based). */
  pages: number[];
  canon: 1 | 2;
  /** The distinct codes printed on its pages (one, when untouched). */
  printedCodes: string[];
  /** v2: the code recomputed from the pages' content; v1: null. */
  recomputed: string | null;
  /** Whether every QR code on its pages draws its number and printed code ('absent': none printed). */
  qr: 'ok' | 'absent' | 'mismatch';
  /** Why a page is not AVN Desk's (with its page number); empty when every page is. */
  foreign: string[];
  /** The text runs of each page, for naming differences. */
  runs: Run[][];
};

const ALLOWED_PAGE_KEYS = new Set(['Type', 'Parent', 'MediaBox', 'Resources', 'Contents']);
const ALLOWED_RESOURCES = new Set(['Font', 'ProcSet']);

function resolve(obj: PDFObject | undefined, doc: PDFDocument): PDFObject | undefined {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

/** The decoded bytes of a stream or array of streams; null when a filter is not one we write. */
function streamBytes(obj: PDFObject | undefined, doc: PDFDocument): Uint8Array[] | null {
  const r = resolve(obj, doc);
  if (r instanceof PDFArray) {
    const out: Uint8Array[] = [];
    for (const o of r.asArray()) {
      const b = streamBytes(o, doc);
      if (!b) return null;
      out.push(...b);
    }
    return out;
  }
  if (r instanceof PDFRawStream) {
    const filter = resolve(r.dict.get(PDFName.of('Filter')), doc);
    const raw = r.getContents();
    if (filter === undefined) return [raw];
    if (filter === PDFName.of('FlateDecode')) {
      try {
        return [inflateSync(raw)];
      } catch {
        return null;
      }
    }
    return null;
  }
  if (r instanceof PDFStream) return null;
  return r === undefined ? [] : null;
}

type Outlines = { font: FontkitFont; paths: Map<number, string>; advance: Map<number, number> };
type FontkitFont = {
  unitsPerEm: number;
  getGlyph(id: number): { path: { toSVG(): string }; advanceWidth: number };
  glyphForCodePoint(cp: number): { path: { toSVG(): string }; advanceWidth: number };
};
let dejavu: { regular: Outlines; bold: Outlines } | null = null;
/** The shipped DejaVu Sans, each glyph's outline and advance memoized by code point. */
function shipped(): { regular: Outlines; bold: Outlines } {
  const bytes = loadFontBytes();
  const make = (b: Uint8Array): Outlines => ({
    font: fontkit.create(Buffer.from(b)),
    paths: new Map(),
    advance: new Map(),
  });
  dejavu ??= { regular: make(bytes.regular), bold: make(bytes.bold) };
  return dejavu;
}

/** A descendant font's widths (the W array) by glyph code, in 1/1000 em. */
function widths(w: PDFObject | undefined, doc: PDFDocument): Map<number, number> | null {
  const out = new Map<number, number>();
  const arr = resolve(w, doc);
  if (!(arr instanceof PDFArray)) return null;
  const items = arr.asArray().map((o) => resolve(o, doc));
  for (let i = 0; i < items.length;) {
    const first = items[i];
    const next = items[i + 1];
    if (!(first instanceof PDFNumber)) return null;
    if (next instanceof PDFArray) {
      next.asArray().forEach((x, k) => {
        const v = resolve(x, doc);
        out.set(first.asNumber() + k, v instanceof PDFNumber ? v.asNumber() : NaN);
      });
      i += 2;
    } else {
      const last = next;
      const v = items[i + 2];
      if (!(last instanceof PDFNumber) || !(v instanceof PDFNumber)) return null;
      for (let c = first.asNumber(); c <= last.asNumber() && c - first.asNumber() < 0x10000; c++)
        out.set(c, v.asNumber());
      i += 3;
    }
  }
  return out;
}

/**
 * Whether a font draws what its map says: an embedded subset of the shipped DejaVu Sans (regular or
 * bold) whose every mapped glyph has DejaVu's outline and advance for that letter — so a glyph redrawn
 * to look like another letter, or moved by a width, is caught.
 */
function drawsItsText(fontDict: PDFDict, map: Map<string, string>, doc: PDFDocument): boolean {
  const base = resolve(fontDict.get(PDFName.of('BaseFont')), doc);
  if (!(base instanceof PDFName)) return false;
  const name = base.decodeText().replace(/^[A-Z]{6}\+/, '');
  const kind = /^DejaVuSans-Bold(-\d+)?$/.test(name)
    ? 'bold'
    : /^DejaVuSans(-\d+)?$/.test(name)
      ? 'regular'
      : null;
  if (!kind) return false;
  const descendants = resolve(fontDict.get(PDFName.of('DescendantFonts')), doc);
  const cid = descendants instanceof PDFArray ? resolve(descendants.get(0), doc) : undefined;
  if (!(cid instanceof PDFDict)) return false;
  const gidMap = resolve(cid.get(PDFName.of('CIDToGIDMap')), doc);
  if (gidMap !== undefined && gidMap !== PDFName.of('Identity')) return false;
  const descriptor = resolve(cid.get(PDFName.of('FontDescriptor')), doc);
  if (!(descriptor instanceof PDFDict)) return false;
  const program = streamBytes(descriptor.get(PDFName.of('FontFile2')), doc);
  if (!program || program.length !== 1 || !program[0]) return false;
  const w = widths(cid.get(PDFName.of('W')), doc);
  if (!w) return false;
  let subset: FontkitFont;
  try {
    subset = fontkit.create(Buffer.from(program[0]));
  } catch {
    return false;
  }
  const ref = shipped()[kind];
  for (const [hex, text] of map) {
    const cp = text.codePointAt(0);
    if (cp === undefined || text.length !== String.fromCodePoint(cp).length) return false;
    let path = ref.paths.get(cp);
    let advance = ref.advance.get(cp);
    if (path === undefined || advance === undefined) {
      const g = ref.font.glyphForCodePoint(cp);
      path = g.path.toSVG();
      advance = (g.advanceWidth * 1000) / ref.font.unitsPerEm;
      ref.paths.set(cp, path);
      ref.advance.set(cp, advance);
    }
    const gid = parseInt(hex, 16);
    try {
      if (subset.getGlyph(gid).path.toSVG() !== path) return false;
    } catch {
      return false;
    }
    const width = w.get(gid);
    if (width === undefined || Math.abs(width - advance) > 1) return false;
  }
  return true;
}

/** Glyph code (4 hex digits) → text, from a font's ToUnicode CMap; null when it gives two codes one text. */
function toUnicode(fontDict: PDFDict, doc: PDFDocument): Map<string, string> | null {
  const map = new Map<string, string>();
  const streams = streamBytes(fontDict.get(PDFName.of('ToUnicode')), doc);
  if (!streams || streams.length === 0) return null;
  const text16 = (hex: string) => {
    const units: number[] = [];
    for (let i = 0; i + 4 <= hex.length; i += 4) units.push(parseInt(hex.slice(i, i + 4), 16));
    return String.fromCharCode(...units);
  };
  for (const bytes of streams) {
    const text = Buffer.from(bytes).toString('latin1');
    for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
      for (const [, code = '', uni = ''] of (block[1] ?? '').matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g))
        map.set(code.toUpperCase().padStart(4, '0'), text16(uni));
    for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
      for (const [, lo = '', hi = '', uni = ''] of (block[1] ?? '').matchAll(
        /<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g,
      )) {
        const a = parseInt(lo, 16);
        const b = parseInt(hi, 16);
        if (b - a > 0xffff || b < a) return null;
        const base = parseInt(uni.slice(-4), 16);
        const prefix = uni.slice(0, -4);
        for (let c = a; c <= b; c++)
          map.set(
            c.toString(16).toUpperCase().padStart(4, '0'),
            text16(prefix + (base + c - a).toString(16).padStart(4, '0')),
          );
      }
  }
  // Two glyphs with one text would let a page show one letter and say another.
  const texts = new Set(map.values());
  return texts.size === map.size ? map : null;
}

type PageRead = {
  size: string;
  content: ReturnType<typeof readPageContent>;
};

/** Each font's map read once per file (every page names the same two fonts). */
type FontCache = Map<PDFObject, { map: Map<string, string> | null; draws: boolean }>;

function readPage(doc: PDFDocument, index: number, cache: FontCache): PageRead {
  const page = doc.getPage(index);
  const foreign: string[] = [];
  // pdf-lib writes empty Annots, XObject and ExtGState entries: empty, they draw nothing.
  const empty = (o: PDFObject | undefined) => {
    const r = resolve(o, doc);
    return (r instanceof PDFArray && r.size() === 0) || (r instanceof PDFDict && r.keys().length === 0);
  };
  for (const [key, value] of page.node.entries())
    if (!ALLOWED_PAGE_KEYS.has(key.decodeText()) && !empty(value))
      foreign.push(`page entry ${key.decodeText()}`);
  const box = resolve(page.node.get(PDFName.of('MediaBox')), doc);
  const size =
    box instanceof PDFArray
      ? pageSize(box.asArray().map((o) => (o instanceof PDFNumber ? o.asNumber() : NaN)))
      : 'none';
  const decoders = new Map<string, Map<string, string>>();
  const resources = resolve(page.node.get(PDFName.of('Resources')), doc);
  if (resources instanceof PDFDict) {
    for (const [key, value] of resources.entries())
      if (!ALLOWED_RESOURCES.has(key.decodeText()) && !empty(value))
        foreign.push(`resource ${key.decodeText()}`);
    const fonts = resolve(resources.get(PDFName.of('Font')), doc);
    if (fonts instanceof PDFDict)
      for (const [name, ref] of fonts.entries()) {
        let font = cache.get(ref);
        if (font === undefined) {
          const dict = resolve(ref, doc);
          const map = dict instanceof PDFDict ? toUnicode(dict, doc) : null;
          font = { map, draws: map !== null && dict instanceof PDFDict && drawsItsText(dict, map, doc) };
          cache.set(ref, font);
        }
        // A font that does not draw what its map says still names the text (so the document is found),
        // but its page is foreign.
        const map = font.map;
        if (map && !font.draws) foreign.push(`font ${name.decodeText()} draws other glyphs`);
        if (map) decoders.set(name.decodeText(), map);
        else foreign.push(`font ${name.decodeText()}`);
      }
  }
  const streams = streamBytes(page.node.get(PDFName.of('Contents')), doc);
  if (!streams) foreign.push('a content stream that cannot be read');
  const src = (streams ?? []).map((b) => Buffer.from(b).toString('latin1')).join('\n');
  const content = readPageContent(src, (font, hex) => {
    const map = decoders.get(font);
    if (!map) return null;
    let s = '';
    for (let i = 0; i + 4 <= hex.length; i += 4) {
      const c = map.get(hex.slice(i, i + 4));
      if (c === undefined) return null;
      s += c;
    }
    return hex.length % 4 === 0 ? s : null;
  });
  content.foreign.unshift(...foreign);
  return { size, content };
}

const CODE_RE = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/;

/** A v1 page's number and code, from its footer text. */
function v1Printed(runs: readonly Run[]): { number: string; code: string } | null {
  for (const r of runs) {
    const number = /№ ([А-ЯЁ]+-[\d-]+(?:-[А-ЯЁ]+)?)/.exec(r.text)?.[1];
    const code = new RegExp(` (${CODE_RE.source}) · `).exec(r.text)?.[1];
    if (number && code) return { number, code };
  }
  return null;
}

/**
 * Every document printed in a PDF: its number, pages, the codes printed on them and (v2) the code its
 * content gives. Throws when the file is not a PDF at all.
 */
export async function readPdfDocuments(bytes: Uint8Array): Promise<ReadDocument[]> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const out: ReadDocument[] = [];
  const v2Pages: Array<{ number: string; index: number; read: PageRead }> = [];
  const count = doc.getPageCount();
  const cache: FontCache = new Map();
  for (let i = 0; i < count; i++) {
    const read = readPage(doc, i, cache);
    const c = read.content;
    if (c.marked) {
      const numbers = new Set(c.numbers);
      const number = numbers.size === 1 ? [...numbers][0] : null;
      if (number === null || number === undefined) {
        // Marked but without one number: it cannot be placed in a document; it is reported on its own.
        out.push({
          number: [...numbers].join(' / ') || '?',
          pages: [i + 1],
          canon: 2,
          printedCodes: [...new Set(c.codes)],
          recomputed: null,
          qr: 'mismatch',
          foreign: [`${i + 1}: ${numbers.size === 0 ? 'no document number' : 'two document numbers'}`],
          runs: [c.runs],
        });
        continue;
      }
      v2Pages.push({ number, index: i, read });
      continue;
    }
    const v1 = v1Printed(c.runs);
    if (!v1) continue;
    const last = out[out.length - 1];
    if (last && last.canon === 1 && last.number === v1.number && last.pages.at(-1) === i) {
      last.pages.push(i + 1);
      if (!last.printedCodes.includes(v1.code)) last.printedCodes.push(v1.code);
      last.runs.push(c.runs);
    } else
      out.push({
        number: v1.number,
        pages: [i + 1],
        canon: 1,
        printedCodes: [v1.code],
        recomputed: null,
        qr: 'absent',
        foreign: [],
        runs: [c.runs],
      });
  }
  // v2 documents: runs of consecutive pages with one number.
  for (let k = 0; k < v2Pages.length;) {
    const first = v2Pages[k];
    if (!first) break;
    let end = k + 1;
    while (
      end < v2Pages.length &&
      v2Pages[end]?.number === first.number &&
      v2Pages[end]?.index === (v2Pages[end - 1]?.index ?? -2) + 1
    )
      end++;
    const pages = v2Pages.slice(k, end);
    k = end;
    const codes = [...new Set(pages.flatMap((p) => p.read.content.codes))];
    const canonical = canonicalV2(pages.map((p) => ({ size: p.read.size, lines: p.read.content.lines })));
    const qrs = pages.flatMap((p) => p.read.content.qrs);
    const printed = codes.length === 1 ? (codes[0] ?? '') : '';
    out.push({
      number: first.number,
      pages: pages.map((p) => p.index + 1),
      canon: 2,
      printedCodes: codes,
      recomputed: verificationCode(createHash('sha256').update(canonical).digest()),
      qr:
        qrs.length === 0
          ? 'absent'
          : qrs.every((q) => printed !== '' && qrMatches(q.rects, qrText(first.number, printed)))
            ? 'ok'
            : 'mismatch',
      foreign: pages.flatMap((p) => p.read.content.foreign.map((f) => `${p.index + 1}: ${f}`)),
      runs: pages.map((p) => p.read.content.runs),
    });
  }
  return out.sort((a, b) => (a.pages[0] ?? 0) - (b.pages[0] ?? 0));
}

/** Whether a document's paper is as it was written: its content gives the code printed on it. */
export function paperIntact(d: ReadDocument): boolean {
  return (
    d.canon === 2 &&
    d.foreign.length === 0 &&
    d.printedCodes.length === 1 &&
    d.recomputed === d.printedCodes[0] &&
    d.qr !== 'mismatch'
  );
}
