import { inflateSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFRawStream,
  PDFRef,
  type PDFObject,
  type PDFPage,
} from 'pdf-lib';
import { cellText } from '../../src-shared/domain/print';
import { shortName } from '../../src-shared/domain/people';
import { bishkekInstant } from '../../src-shared/domain/time';
import { LOCALES, type Locale } from '../../src-shared/i18n/translate';
import type { Db } from '../db/open';
import { journalCode, printedJournal } from './journal-data';
import { documentNumber } from './pdf';

/**
 * Verifying a printed journal against the replica (issue 6): the document number and verification code
 * are read from the text printed on the pages — not from metadata — the code is recomputed from the
 * replica, and when it differs the changes made since the time of printing are listed with who made
 * them. The number carries the offering and the time it was printed: ЖУР-<offering>-<YYYYMMDD>-<HHMMSS>.
 */

export function journalNumber(offeringId: number, now: number): string {
  return documentNumber(`ЖУР-${offeringId}`, now);
}

export function parseJournalNumber(number: string): { offeringId: number; printedAt: number } | null {
  const m = /^ЖУР-(\d+)-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/.exec(number);
  if (!m) return null;
  const [, id, y, mo, d, h, mi, s] = m;
  return {
    offeringId: Number(id),
    printedAt: bishkekInstant(`${y}-${mo}-${d}`, `${h}:${mi}`) + Number(s) * 1000,
  };
}

function streamBytes(obj: PDFObject | undefined, doc: PDFDocument): Uint8Array[] {
  const resolved = obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
  if (resolved instanceof PDFArray) return resolved.asArray().flatMap((o) => streamBytes(o, doc));
  if (resolved instanceof PDFRawStream) {
    const filter = resolved.dict.get(PDFName.of('Filter'));
    const raw = resolved.getContents();
    return [filter === PDFName.of('FlateDecode') ? inflateSync(raw) : raw];
  }
  return [];
}

/** Glyph code (4 hex digits) → text, from a font's ToUnicode CMap. */
function toUnicode(fontDict: PDFDict, doc: PDFDocument): Map<string, string> {
  const map = new Map<string, string>();
  for (const bytes of streamBytes(fontDict.get(PDFName.of('ToUnicode')), doc)) {
    const text = Buffer.from(bytes).toString('latin1');
    for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
      for (const [, code, uni] of (block[1] ?? '').matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
        const units: number[] = [];
        for (let i = 0; i + 4 <= (uni ?? '').length; i += 4)
          units.push(parseInt((uni ?? '').slice(i, i + 4), 16));
        map.set((code ?? '').toUpperCase(), String.fromCharCode(...units));
      }
  }
  return map;
}

/** The text a page shows, string by string, decoded through its fonts' ToUnicode maps. */
function pageText(page: PDFPage, doc: PDFDocument): string {
  const fonts = new Map<string, Map<string, string>>();
  const resources = page.node.Resources();
  const fontRes = resources?.lookup(PDFName.of('Font'));
  if (fontRes instanceof PDFDict)
    for (const [name, ref] of fontRes.entries()) {
      const dict = doc.context.lookup(ref);
      if (dict instanceof PDFDict) fonts.set(name.decodeText(), toUnicode(dict, doc));
    }
  const out: string[] = [];
  for (const bytes of streamBytes(page.node.get(PDFName.of('Contents')), doc)) {
    const ops = Buffer.from(bytes).toString('latin1');
    for (const [, font, hex] of ops.matchAll(/\/(\w+) [\d.]+ Tf [\d.-]+ [\d.-]+ Td <([0-9A-Fa-f]*)> Tj/g)) {
      const map = fonts.get(font ?? '');
      if (!map) continue;
      let s = '';
      for (let i = 0; i + 4 <= (hex ?? '').length; i += 4)
        s += map.get((hex ?? '').slice(i, i + 4).toUpperCase()) ?? '';
      out.push(s);
    }
  }
  return out.join('\n');
}

export type PrintedCode = { number: string; code: string; pages: number[] };

/** Every (document number, code) printed in a PDF, with the pages that show it. */
export async function readPrintedCodes(bytes: Uint8Array): Promise<PrintedCode[]> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const found = new Map<string, PrintedCode>();
  doc.getPages().forEach((page, i) => {
    const text = pageText(page, doc);
    const number = /№ (ЖУР-\d+-\d{8}-\d{6})/.exec(text)?.[1];
    const code = / ([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}) · /.exec(text)?.[1];
    if (!number || !code) return;
    const key = `${number} ${code}`;
    const entry = found.get(key) ?? { number, code, pages: [] };
    entry.pages.push(i + 1);
    found.set(key, entry);
  });
  return [...found.values()];
}

export type Change = {
  kind: 'cell' | 'topic' | 'cleared';
  date: string;
  student: string | null;
  now: string;
  by: string | null;
  at: number;
};

export type Verdict = {
  number: string;
  code: string;
  offeringId: number | null;
  printedAt: number | null;
  /** The code the replica gives now (in the language that matched, or Russian). */
  current: string | null;
  matches: boolean;
  /** Why it could not be checked (an unknown document number, an offering not in this replica). */
  problem: 'unknown_number' | 'not_in_replica' | 'not_readable' | null;
  changes: Change[];
};

/** Check one printed (number, code) against the replica. */
export function verifyPrinted(db: Db, printed: { number: string; code: string }, now: number): Verdict {
  const base = { number: printed.number, code: printed.code, changes: [] as Change[] };
  const parsed = parseJournalNumber(printed.number);
  if (!parsed)
    return {
      ...base,
      offeringId: null,
      printedAt: null,
      current: null,
      matches: false,
      problem: 'unknown_number',
    };
  let current: string | null = null;
  for (const locale of LOCALES as readonly Locale[]) {
    const j = printedJournal(db, parsed.offeringId, now, locale);
    if (!j) return { ...base, ...parsed, current: null, matches: false, problem: 'not_in_replica' };
    const code = journalCode(j, locale).code;
    current ??= code;
    if (code === printed.code) return { ...base, ...parsed, current: code, matches: true, problem: null };
  }
  return { ...base, ...parsed, current, matches: false, problem: null, changes: changesSince(db, parsed) };
}

/** Cells and topics of the offering changed after the time of printing, with who changed them. */
function changesSince(db: Db, p: { offeringId: number; printedAt: number }): Change[] {
  type NameCols = { lastName: string; firstName: string; patronymic: string | null };
  const cells = db.all<
    NameCols & {
      date: string;
      attendance: 'p' | 'a' | 'e';
      grade: 2 | 3 | 4 | 5 | null;
      at: number;
      by: string | null;
    }
  >(sql`SELECT l.date, s.last_name AS lastName, s.first_name AS firstName, s.patronymic, m.attendance, m.grade,
      m.updated_at AS at, u.display_name AS by
    FROM marks m JOIN lessons l ON l.id = m.lesson_id JOIN students s ON s.id = m.student_id
    LEFT JOIN users u ON u.id = m.updated_by
    WHERE l.offering_id = ${p.offeringId} AND m.updated_at > ${p.printedAt} ORDER BY l.date, s.last_name`);
  const topics = db.all<{ date: string; topic: string | null; at: number; by: string | null }>(sql`
    SELECT l.date, l.topic, l.updated_at AS at, u.display_name AS by FROM lessons l LEFT JOIN users u ON u.id = l.updated_by
    WHERE l.offering_id = ${p.offeringId} AND l.updated_at > ${p.printedAt} ORDER BY l.date`);
  // Cells cleared on this PC after printing (a pulled deletion leaves no row to show).
  const cleared = db.all<{ key: string; old: string; at: number; by: string | null }>(sql`
    SELECT a.entity_key AS key, a.old_value AS old, a.at, u.display_name AS by FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
    WHERE a.entity = 'marks' AND a.op = 'delete' AND a.at > ${p.printedAt}
      AND json_extract(a.entity_key, '$.lesson_id') IN (SELECT id FROM lessons WHERE offering_id = ${p.offeringId})`);
  const lessonDate = (id: number) =>
    db.get<{ date: string }>(sql`SELECT date FROM lessons WHERE id = ${id}`)?.date ?? '';
  const studentName = (id: number) => {
    const s = db.get<NameCols>(
      sql`SELECT last_name AS lastName, first_name AS firstName, patronymic FROM students WHERE id = ${id}`,
    );
    return s ? shortName(s) : `#${id}`;
  };
  return [
    ...cells.map((c) => ({
      kind: 'cell' as const,
      date: c.date,
      student: shortName(c),
      now: cellText({ attendance: c.attendance, grade: c.grade }),
      by: c.by,
      at: c.at,
    })),
    ...topics.map((t) => ({
      kind: 'topic' as const,
      date: t.date,
      student: null,
      now: t.topic ?? '',
      by: t.by,
      at: t.at,
    })),
    ...cleared.map((c) => {
      const key = JSON.parse(c.key) as { lesson_id: number; student_id: number };
      return {
        kind: 'cleared' as const,
        date: lessonDate(key.lesson_id),
        student: studentName(key.student_id),
        now: '',
        by: c.by,
        at: c.at,
      };
    }),
  ].sort((a, b) => (a.date === b.date ? a.at - b.at : a.date < b.date ? -1 : 1));
}
