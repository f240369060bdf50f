/**
 * Reading a page's content stream the way AVN Desk writes it (issue 15): the one interpreter the printer
 * and the verifier share, so the verification code is computed from what a page shows by the same code
 * on both sides.
 *
 * The canonical text of a page (canonical v2) is one line per operator, its operands normalised
 * (numbers to 0.01 pt, text decoded to Unicode through the font): every printed cell, total, name,
 * topic, date and signature line with its printed position, and every line and rectangle drawn. Three
 * marked-content sequences are AVN Desk's own: `/AvnNumber` (the document number, an ordinary text run
 * that also names the document its page belongs to), `/AvnCode` (the verification code itself, which
 * stands as one `CODE` line) and `/AvnQR` (the QR code of the number and code, one `QR` line; its
 * modules are checked separately). The vocabulary is closed: an operator AVN Desk does not write (an
 * image, a form, text drawn invisibly, another marked content) makes the page "foreign", and a foreign
 * page never verifies.
 */

export type Operand = number | string | { hex: string } | { name: string } | Operand[];

export type Run = { text: string; x: number; y: number; size: number; font: string };
export type QrModules = { rects: Array<[number, number, number, number]> };

export type PageContent = {
  /** One line per operator (canonical v2). */
  lines: string[];
  /** Text runs in content order, with absolute positions (outside the code sequence). */
  runs: Run[];
  /** The text of the `/AvnNumber` runs. */
  numbers: string[];
  /** The text of the `/AvnCode` runs. */
  codes: string[];
  /** The rectangles of each `/AvnQR` sequence. */
  qrs: QrModules[];
  /** Why the page is not AVN Desk's: empty when it is. */
  foreign: string[];
  /** Whether the page carries AVN Desk's marks (a v2 page). */
  marked: boolean;
};

/** Turns a glyph string (hex) of a font resource into text; null when a glyph has no known text. */
export type Decoder = (font: string, hex: string) => string | null;

export const norm = (x: number): string => {
  const r = Math.round(x * 100) / 100;
  return r === 0 ? '0' : String(r);
};

const escText = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\|/g, '\\|');

/** Text operators and graphics operators AVN Desk writes; anything else is foreign. */
const TEXT_OPS = new Set(['BT', 'ET', 'Tf', 'Td', 'Tj']);
const GRAPHICS_OPS = new Set(['g', 'G', 'rg', 'RG', 'w', 'm', 'l', 're', 'S', 'f']);
const MARKS = new Set(['AvnNumber', 'AvnCode', 'AvnQR']);

const isWhite = (c: number) => c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 0;
const isDelim = (c: number) =>
  c === 40 ||
  c === 41 ||
  c === 60 ||
  c === 62 ||
  c === 91 ||
  c === 93 ||
  c === 123 ||
  c === 125 ||
  c === 47 ||
  c === 37;

/** Bytes of a literal string `(…)` as hex (for a two-byte font, the same glyph codes as `<…>`). */
function literalToHex(src: string, start: number): { hex: string; end: number } {
  let depth = 1;
  let i = start;
  let hex = '';
  const push = (code: number) => (hex += (code & 0xff).toString(16).padStart(2, '0'));
  while (i < src.length && depth > 0) {
    const c = src.charCodeAt(i);
    if (c === 92) {
      const n = src[i + 1] ?? '';
      const map: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
      if (n in map) {
        push(map[n] ?? 0);
        i += 2;
      } else if (/[0-7]/.test(n)) {
        const m = /^[0-7]{1,3}/.exec(src.slice(i + 1, i + 4))?.[0] ?? '0';
        push(parseInt(m, 8));
        i += 1 + m.length;
      } else i += n === '\n' || n === '\r' ? 2 : 1;
      continue;
    }
    if (c === 40) depth++;
    if (c === 41 && --depth === 0) break;
    push(c);
    i++;
  }
  return { hex: hex.toUpperCase(), end: i + 1 };
}

/**
 * Call `each(op, operands)` for every operator of a content stream (its text in latin1). Returns false
 * when the stream cannot be read to its end (an inline image, a broken token): the caller treats the
 * page as foreign.
 */
export function eachOperator(src: string, each: (op: string, args: Operand[]) => void): boolean {
  const stack: Operand[][] = [[]];
  let args = stack[0];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (isWhite(c)) {
      i++;
      continue;
    }
    if (c === 37) {
      // A comment runs to the end of the line.
      while (i < n && src.charCodeAt(i) !== 10 && src.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 47) {
      let j = i + 1;
      while (j < n && !isWhite(src.charCodeAt(j)) && !isDelim(src.charCodeAt(j))) j++;
      args.push({ name: src.slice(i + 1, j) });
      i = j;
      continue;
    }
    if (c === 60) {
      if (src.charCodeAt(i + 1) === 60) return false; // a dictionary: we never write one
      const j = src.indexOf('>', i);
      if (j < 0) return false;
      const hex = src.slice(i + 1, j).replace(/\s+/g, '');
      if (!/^[0-9A-Fa-f]*$/.test(hex)) return false;
      args.push({ hex: (hex.length % 2 ? `${hex}0` : hex).toUpperCase() });
      i = j + 1;
      continue;
    }
    if (c === 40) {
      const lit = literalToHex(src, i + 1);
      args.push({ hex: lit.hex });
      i = lit.end;
      continue;
    }
    if (c === 91) {
      const inner: Operand[] = [];
      args.push(inner);
      stack.push(inner);
      args = inner;
      i++;
      continue;
    }
    if (c === 93) {
      if (stack.length < 2) return false;
      stack.pop();
      args = stack[stack.length - 1];
      i++;
      continue;
    }
    if (c === 41 || c === 62 || c === 123 || c === 125) return false;
    let j = i;
    while (j < n && !isWhite(src.charCodeAt(j)) && !isDelim(src.charCodeAt(j))) j++;
    const word = src.slice(i, j);
    i = j;
    const num = (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 ? Number(word) : NaN;
    if (!Number.isNaN(num)) {
      args.push(num);
      continue;
    }
    if (stack.length > 1) return false;
    // An inline image's data cannot be tokenized: AVN Desk never writes one.
    if (word === 'BI' || word === 'ID') return false;
    each(word, args);
    args = [];
    stack[0] = args;
  }
  return stack.length === 1 && args.length === 0;
}

const fmt = (a: Operand): string =>
  typeof a === 'number'
    ? norm(a)
    : typeof a === 'string'
      ? a
      : Array.isArray(a)
        ? `[${a.map(fmt).join(' ')}]`
        : 'name' in a
          ? `/${a.name}`
          : `<${a.hex}>`;

/** Read one page's content (its operators as text) through `decode`. */
export function readPageContent(src: string, decode: Decoder): PageContent {
  const out: PageContent = {
    lines: [],
    runs: [],
    numbers: [],
    codes: [],
    qrs: [],
    foreign: [],
    marked: false,
  };
  let mark: string | null = null;
  let font = '';
  let size = 0;
  let inText = false;
  let tx = 0;
  let ty = 0;
  let qr: QrModules | null = null;
  const foreign = (why: string) => {
    if (out.foreign.length < 20) out.foreign.push(why);
  };
  const nums = (args: Operand[], count: number, op: string): number[] | null => {
    if (args.length !== count || args.some((a) => typeof a !== 'number')) {
      foreign(`operands of ${op}`);
      return null;
    }
    return args as number[];
  };
  const ok = eachOperator(src, (op, args) => {
    if (op === 'BMC') {
      const tag = args.length === 1 && typeof args[0] === 'object' && 'name' in args[0] ? args[0].name : '';
      if (mark !== null || !MARKS.has(tag)) return foreign(`marked content ${tag || '?'}`);
      mark = tag;
      out.marked = true;
      if (tag === 'AvnCode') out.lines.push('CODE');
      if (tag === 'AvnQR') {
        out.lines.push('QR');
        qr = { rects: [] };
      }
      return;
    }
    if (op === 'EMC') {
      if (mark === null) return foreign('EMC');
      if (mark === 'AvnQR' && qr) out.qrs.push(qr);
      if (inText) foreign('marked content ends inside text');
      mark = null;
      qr = null;
      return;
    }
    if (mark === 'AvnQR') {
      if (op === 're') {
        const r = nums(args, 4, op);
        if (r && qr) qr.rects.push(r as [number, number, number, number]);
      } else if (op === 'g') nums(args, 1, op);
      else if (op !== 'f') foreign(`${op} in the QR code`);
      return;
    }
    const inCode = mark === 'AvnCode';
    if (!TEXT_OPS.has(op) && !(GRAPHICS_OPS.has(op) && !inCode)) return foreign(`operator ${op}`);
    if (!inCode) out.lines.push(args.length === 0 ? op : `${op}|${args.map(fmt).join('|')}`);
    switch (op) {
      case 'BT':
        if (inText) foreign('BT inside text');
        inText = true;
        tx = 0;
        ty = 0;
        return;
      case 'ET':
        if (!inText) foreign('ET outside text');
        inText = false;
        return;
      case 'Tf': {
        const [name, s] = args;
        if (args.length !== 2 || typeof name !== 'object' || !('name' in name) || typeof s !== 'number')
          return foreign('operands of Tf');
        font = name.name;
        size = s;
        return;
      }
      case 'Td': {
        const r = nums(args, 2, op);
        if (!r) return;
        tx += r[0] ?? 0;
        ty += r[1] ?? 0;
        return;
      }
      case 'Tj': {
        const [s] = args;
        if (!inText || args.length !== 1 || typeof s !== 'object' || !('hex' in s))
          return foreign('operands of Tj');
        const text = decode(font, s.hex);
        if (text === null) return foreign(`a glyph without text in ${font}`);
        if (inCode) out.codes.push(text);
        else {
          // The text replaces the glyph codes in the canonical line: what the page says, not how.
          out.lines[out.lines.length - 1] = `Tj|${escText(text)}`;
          out.runs.push({ text, x: tx, y: ty, size, font });
          if (mark === 'AvnNumber') out.numbers.push(text.replace(/^№\s*/, ''));
        }
        return;
      }
      default:
        if (inText && GRAPHICS_OPS.has(op) && !['g', 'G', 'rg', 'RG'].includes(op))
          foreign(`${op} inside text`);
        if (op === 're' || op === 'm' || op === 'l') nums(args, op === 're' ? 4 : 2, op);
        if (op === 'w' || op === 'g' || op === 'G') nums(args, 1, op);
        if (op === 'rg' || op === 'RG') nums(args, 3, op);
        if (op === 'S' || op === 'f') nums(args, 0, op);
    }
  });
  if (!ok) foreign('content that cannot be read');
  if (mark !== null) foreign('unclosed marked content');
  if (inText) foreign('unclosed text');
  return out;
}

/** The canonical v2 text of a document from its pages (size and content lines, in order). */
export function canonicalV2(pages: ReadonlyArray<{ size: string; lines: readonly string[] }>): string {
  const parts = ['avn-doc|2'];
  for (const p of pages) parts.push(`page|${p.size}`, ...p.lines);
  return parts.join('\n');
}

/** A page size as the canonical text writes it. */
export const pageSize = (box: readonly number[]): string => box.map(norm).join('|');
