import { sql } from 'drizzle-orm';
import { cellText } from '../../src-shared/domain/print';
import { shortName } from '../../src-shared/domain/people';
import { bishkekInstant } from '../../src-shared/domain/time';
import type { Locale } from '../../src-shared/i18n/translate';
import type { Db } from '../db/open';
import { journalCode, printedJournal } from './journal-data';
import { writtenJournal } from './journal-pdf';
import { documentNumber } from './pdf';
import type { Run } from './pdf-content';
import type { Tag } from './pdf-ops';
import { paperIntact, readPdfDocuments, type ReadDocument } from './pdf-read';
import { findDocument } from './documents-register';
import type { DocumentKind } from '../../src-shared/domain/documents';

/**
 * Verifying a printed document (issue 6, issue 15). A PDF is read in JavaScript (`pdf-read.ts`) and
 * three things are reported separately:
 * - **the paper**: does its content give the code printed on it (canonical v2 — recomputed from what the
 *   pages show)? If not, it was altered after printing;
 * - **the register**: is that code the one entered in the register for its number? If not, the paper was
 *   re-rendered or forged (anyone can compute a code that matches altered content: only the register
 *   tells). A number the register does not hold is unknown;
 * - **the replica**: does the journal, written again from the replica as it was printed, still give the
 *   registered code? If not, what changed since the time of printing, and who changed it.
 * When the paper or its code is not the registered one, the paper is compared with the journal written
 * again from the replica and each difference is named (a mark, a name, a topic, a total).
 *
 * Papers printed before v2 carry a code of the replica's records that cannot be recomputed from a page;
 * they are checked the v1 way — the register and the replica.
 *
 * Numbers carry the offering and the time of printing: ЖУР-<offering>-<YYYYMMDD>-<HHMMSS>, and -КЫ for a
 * Kyrgyz print (so the two prints of one bilingual job have two numbers).
 */

export function journalNumber(offeringId: number, now: number, locale: Locale = 'ru'): string {
  return documentNumber(`ЖУР-${offeringId}`, now) + (locale === 'ky' ? '-КЫ' : '');
}

export function parseJournalNumber(
  number: string,
): { offeringId: number; printedAt: number; locale: Locale | null } | null {
  const m = /^ЖУР-(\d+)-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(-КЫ)?$/.exec(number);
  if (!m) return null;
  const [, id, y, mo, d, h, mi, s, ky] = m;
  return {
    offeringId: Number(id),
    printedAt: bishkekInstant(`${y}-${mo}-${d}`, `${h}:${mi}`) + Number(s) * 1000,
    locale: ky ? 'ky' : null,
  };
}

/** A printed code as typed or read: a number and a code (from a QR code, a page, a person). */
export type PrintedCode = { number: string; code: string; pages: number[] };

/** Every (document number, code) printed in a PDF, with the pages that show it. */
export async function readPrintedCodes(bytes: Uint8Array): Promise<PrintedCode[]> {
  return (await readPdfDocuments(bytes)).flatMap((d) =>
    d.printedCodes.map((code) => ({ number: d.number, code, pages: d.pages })),
  );
}

export type Change = {
  kind: 'cell' | 'topic' | 'cleared';
  date: string;
  student: string | null;
  now: string;
  by: string | null;
  at: number;
};

/** A place where the paper differs from the journal written again from the replica, named. */
export type Difference = {
  page: number;
  /** What the text is (cell, name, topic, total, date, …; 'text' when it is none of those). */
  what: string;
  student: string | null;
  date: string | null;
  pair: number | null;
  row: number | null;
  column: string | null;
  /** On the paper ('' when the paper lacks it). */
  paper: string;
  /** As written from the replica ('' when the paper has text the journal does not). */
  printed: string;
};

/** The register's entry for a number. */
export type Registered = {
  code: string;
  locale: Locale;
  canon: 1 | 2 | null;
  printedAt: number;
  printedBy: string | null;
  twin: string | null;
};

export type PaperProblem = {
  kind: 'foreign' | 'codes' | 'content' | 'qr' | 'not_v2';
  page: number | null;
};

export type Verdict = {
  number: string;
  /** The code printed on the paper (as read or typed). */
  code: string;
  pages: number[];
  canon: 1 | 2;
  offeringId: number | null;
  printedAt: number | null;
  /** intact: the content gives its code; tampered: it does not; v1: not recomputable; not_read: typed. */
  paper: 'intact' | 'tampered' | 'v1' | 'not_read';
  /** Why the paper is not intact (the pages with foreign content, codes that disagree, the QR code). */
  paperProblems: PaperProblem[];
  register: 'matches' | 'differs' | 'unknown';
  registered: Registered | null;
  replica: 'unchanged' | 'changed' | 'not_in_replica' | 'not_checked';
  /** The code the replica gives now (for the registered language). */
  current: string | null;
  changes: Change[];
  differences: Difference[];
  /** All three agree. */
  ok: boolean;
};

/** The document register's entry for a number (every kind: journals, acts, notices, orders…). */
export function registeredDocument(db: Db, number: string): (Registered & { kind: DocumentKind }) | null {
  const e = findDocument(db, number);
  if (!e) return null;
  const by =
    e.printedBy === null
      ? null
      : (db.get<{ n: string }>(sql`SELECT display_name AS n FROM users WHERE id = ${e.printedBy}`)?.n ??
        null);
  return {
    code: e.code,
    locale: e.locale,
    canon: e.canon,
    printedAt: e.printedAt,
    printedBy: by,
    twin: e.twinNumber,
    kind: e.kind,
  };
}

type Input = { number: string; code: string; pages?: number[]; read?: ReadDocument };

/** Check one printed document — read from a file (`read`) or typed (number and code) — three ways. */
export async function verifyDocument(db: Db, input: Input): Promise<Verdict> {
  const read = input.read;
  const parsed = parseJournalNumber(input.number);
  const reg = registeredDocument(db, input.number);
  const canon: 1 | 2 = read?.canon ?? (reg?.canon === 2 ? 2 : reg?.canon === 1 ? 1 : 2);
  const paperProblems: PaperProblem[] = [];
  let paper: Verdict['paper'] = 'not_read';
  if (read) {
    if (read.canon === 1) paper = 'v1';
    else {
      paper = paperIntact(read) ? 'intact' : 'tampered';
      // Foreign content, once per page ("3: operator Do" → page 3).
      const pages = new Set(read.foreign.map((f) => Number(/^(\d+):/.exec(f)?.[1] ?? 0)));
      for (const page of pages) paperProblems.push({ kind: 'foreign', page: page || null });
      if (read.printedCodes.length !== 1) paperProblems.push({ kind: 'codes', page: null });
      else if (read.recomputed !== read.printedCodes[0]) paperProblems.push({ kind: 'content', page: null });
      if (read.qr === 'mismatch') paperProblems.push({ kind: 'qr', page: null });
    }
  }
  // A paper whose register entry says v2 but which carries no v2 marks was re-made without them.
  if (read?.canon === 1 && reg?.canon === 2) {
    paper = 'tampered';
    paperProblems.push({ kind: 'not_v2', page: null });
  }
  const register: Verdict['register'] = !reg ? 'unknown' : reg.code === input.code ? 'matches' : 'differs';
  const base = {
    number: input.number,
    code: input.code,
    pages: input.pages ?? read?.pages ?? [],
    canon,
    offeringId: parsed?.offeringId ?? null,
    printedAt: parsed?.printedAt ?? null,
    paper,
    paperProblems,
    register,
    registered: reg,
  };
  const paperOk = paper === 'intact' || paper === 'v1' || paper === 'not_read';
  if (!reg || !parsed)
    return {
      ...base,
      // A document that is not a journal (an act, notices, an order) is not written again from the
      // replica: it agrees when its paper is intact and its code is the registered one.
      replica: 'not_checked',
      current: null,
      changes: [],
      differences: [],
      ok: reg !== null && reg.kind !== 'journal' && paper !== 'v1' && paperOk && register === 'matches',
    };
  const locale = reg.locale;
  const journal = printedJournal(db, parsed.offeringId, parsed.printedAt, locale);
  if (!journal)
    return {
      ...base,
      replica: 'not_in_replica',
      current: null,
      changes: [],
      differences: [],
      ok: false,
    };
  let current: string;
  let differences: Difference[] = [];
  if (canon === 1) current = journalCode(journal, locale).code;
  else {
    const written = await writtenJournal(
      { journal, number: input.number, twin: reg.twin },
      { locale, now: parsed.printedAt },
    );
    current = written.code;
    if (read && (paper !== 'intact' || register !== 'matches'))
      differences = compareRuns(read.runs, written.runs, read.pages);
  }
  const unchanged = current === reg.code;
  return {
    ...base,
    replica: unchanged ? 'unchanged' : 'changed',
    current,
    changes: unchanged ? [] : changesSince(db, parsed),
    differences,
    ok: paperOk && register === 'matches' && unchanged,
  };
}

/** Verify every document printed in a PDF file. */
export async function verifyPdf(db: Db, bytes: Uint8Array): Promise<Verdict[]> {
  const docs = await readPdfDocuments(bytes);
  const out: Verdict[] = [];
  for (const d of docs)
    out.push(await verifyDocument(db, { number: d.number, code: d.printedCodes[0] ?? '', read: d }));
  return out;
}

const same = (a: number, b: number) => Math.abs(a - b) < 0.011;

/**
 * The runs of a paper against the runs of the same document written again, page by page: a run whose
 * text or place differs is named by what the written one is (its tag); runs only on one side are added
 * or missing.
 */
export function compareRuns(
  paper: ReadonlyArray<readonly Run[]>,
  written: ReadonlyArray<ReadonlyArray<Run & { tag: Tag | null }>>,
  pageNumbers: readonly number[],
): Difference[] {
  const out: Difference[] = [];
  const named = (page: number, w: (Run & { tag: Tag | null }) | null, p: Run | null): Difference => {
    const tag = w?.tag ?? {};
    const str = (k: string) => (typeof tag[k] === 'string' ? tag[k] : null);
    const num = (k: string) => (typeof tag[k] === 'number' ? tag[k] : null);
    return {
      page,
      what: str('what') ?? 'text',
      student: str('student'),
      date: str('date'),
      pair: num('pair'),
      row: num('row'),
      column: str('column'),
      paper: p?.text ?? '',
      printed: w?.text ?? '',
    };
  };
  const pages = Math.max(paper.length, written.length);
  for (let i = 0; i < pages && out.length < 200; i++) {
    const page = pageNumbers[i] ?? (pageNumbers[0] ?? 1) + i;
    const p = paper[i] ?? [];
    const w = written[i] ?? [];
    if (p.length === w.length) {
      p.forEach((run, k) => {
        const x = w[k];
        if (x && (run.text !== x.text || !same(run.x, x.x) || !same(run.y, x.y)))
          out.push(named(page, x, run));
      });
      continue;
    }
    // Different counts: match equal runs, then pair what is left on one line and near.
    const key = (r: Run) => `${r.text}|${Math.round(r.x * 100)}|${Math.round(r.y * 100)}`;
    const left = new Map<string, number>();
    for (const r of p) left.set(key(r), (left.get(key(r)) ?? 0) + 1);
    const missing: Array<Run & { tag: Tag | null }> = [];
    for (const r of w) {
      const n = left.get(key(r)) ?? 0;
      if (n > 0) left.set(key(r), n - 1);
      else missing.push(r);
    }
    const wKeys = new Map<string, number>();
    for (const r of w) wKeys.set(key(r), (wKeys.get(key(r)) ?? 0) + 1);
    const added: Run[] = [];
    for (const r of p) {
      const n = wKeys.get(key(r)) ?? 0;
      if (n > 0) wKeys.set(key(r), n - 1);
      else added.push(r);
    }
    for (const m of missing) {
      const k = added.findIndex((a) => Math.abs(a.y - m.y) < 1 && Math.abs(a.x - m.x) < 30);
      const a = k >= 0 ? (added.splice(k, 1)[0] ?? null) : null;
      out.push(named(page, m, a));
    }
    for (const a of added) out.push(named(page, null, a));
  }
  return out;
}

/** Check one printed (number, code) against the replica (typed: no file to read). */
export async function verifyPrinted(db: Db, printed: { number: string; code: string }): Promise<Verdict> {
  return verifyDocument(db, printed);
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
