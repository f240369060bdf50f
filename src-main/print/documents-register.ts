import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DocumentView } from '../../src-shared/contract/documents.contract';
import {
  DOCUMENT_KINDS,
  mayRegisterDocument,
  type Canon,
  type DocumentKind,
  type SubjectKind,
  type UNIT_SUBJECT_KINDS,
} from '../../src-shared/domain/documents';
import { normalizeCode } from '../../src-shared/domain/print';
import type { RoleGrant } from '../../src-shared/domain/roles';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/translate';
import { uuidv7 } from '../../src-shared/ids';
import { judged } from '../api/refusals';
import { unitFacts } from '../archive/scope';
import type { Db } from '../db/open';
import { commitLocal, type LocalActor } from '../db/write-path';

/**
 * The register of printed documents (issue 15, item 4): every printed document — a journal (entered by
 * `registerPrinted` with its paper entry), an act, notices, an order, a transfer act — is one entry,
 * written through the one write path (`document.printed`, judged again by the gateway) and held by
 * every replica. The generators of those documents call `registerDocument` when they hand a file out.
 */

/** A printed document (not a journal) as its generator reports it. */
export type NewDocument = {
  /** Its number as printed: <PREFIX>-<YYYYMMDD>-<HHMMSS> (src-main/print/pdf.ts documentNumber). */
  number: string;
  kind: Exclude<DocumentKind, 'journal'>;
  locale: 'ru' | 'ky';
  /** The verification code printed on it, XXXX-XXXX-XXXX. */
  code: string;
  /** The canonical version its code was made from: 2 for every kind but the journal (the default). */
  canon?: Canon;
  pages: number;
  /** The unit it is about (the university: kind 'university', id null). */
  subject: { kind: (typeof UNIT_SUBJECT_KINDS)[number]; id: number | null };
  /** The number of the same document printed in the other language, if one is printed with it. */
  twin?: string | null;
};

/**
 * Enter printed documents in the register, all in one transaction (a refusal of any writes nothing and
 * is thrown as the API error, in `locale`): e.g. the Russian and the Kyrgyz print of one act, each
 * naming the other as its twin. Returns the entries' ids. Not for an opened archive (read-only).
 */
export function registerDocuments(
  db: Db,
  actor: LocalActor,
  docs: readonly NewDocument[],
  locale: Locale = docs[0]?.locale ?? 'ru',
): string[] {
  const ids = docs.map(() => uuidv7(actor.now, randomBytes(10)));
  if (docs.length === 0) return ids;
  judged(locale, () =>
    commitLocal(
      db,
      actor,
      docs.map((d, i) => ({
        name: 'document.printed' as const,
        args: {
          documentId: ids[i] ?? '',
          number: d.number,
          kind: d.kind,
          locale: d.locale,
          code: d.code,
          canon: d.canon ?? 2,
          pages: d.pages,
          subjectKind: d.subject.kind,
          subjectId: d.subject.id,
          twin: d.twin ?? null,
        },
      })),
    ),
  );
  return ids;
}

/** Enter one printed document in the register (see `registerDocuments`); returns its id. */
export function registerDocument(db: Db, actor: LocalActor, doc: NewDocument, locale?: Locale): string {
  return registerDocuments(db, actor, [doc], locale)[0] ?? '';
}

/** A register entry as stored. */
export type RegisterEntry = {
  id: string;
  number: string;
  kind: DocumentKind;
  locale: 'ru' | 'ky';
  code: string;
  canon: Canon;
  pages: number;
  subjectKind: SubjectKind | null;
  subjectId: number | null;
  /** The number of its print in the other language, as registered with it. */
  twinNumber: string | null;
  printedAt: number;
  printedBy: number | null;
  /** Not yet confirmed by the centre. */
  pending: boolean;
};

const ENTRY = sql`SELECT id, number, kind, locale, code, canon, pages, subject_kind AS subjectKind,
  subject_id AS subjectId, twin AS twinNumber, printed_at AS printedAt, printed_by AS printedBy,
  row_version = 0 AS pending FROM documents`;

function entryOf(r: Omit<RegisterEntry, 'pending'> & { pending: number }): RegisterEntry {
  return { ...r, pending: r.pending === 1 };
}

/**
 * The register entry under a number, with the entry of its twin (the same document printed in the
 * other language) when that one is registered too; null when the number is not in the register.
 */
export function findDocument(
  db: Db,
  number: string,
): (RegisterEntry & { twin: RegisterEntry | null }) | null {
  type Raw = Omit<RegisterEntry, 'pending'> & { pending: number };
  const r = db.get<Raw>(sql`${ENTRY} WHERE number = ${number}`);
  if (!r) return null;
  const t = r.twinNumber === null ? undefined : db.get<Raw>(sql`${ENTRY} WHERE number = ${r.twinNumber}`);
  return { ...entryOf(r), twin: t ? entryOf(t) : null };
}

/** The list stops at this many entries (the newest; a kind or a search narrows it). */
export const LIST_LIMIT = 2000;

type ListRow = {
  id: string;
  number: string;
  kind: DocumentKind;
  locale: 'ru' | 'ky';
  code: string;
  canon: number;
  pages: number;
  printedAt: number;
  printedBy: string | null;
  subjectKind: SubjectKind | null;
  subjectId: number | null;
  twin: string | null;
  twinRegistered: number;
  pending: number;
  faculty: number | null;
  department: number | null;
  teacher: number | null;
  fRu: string | null;
  fKy: string | null;
  depRu: string | null;
  depKy: string | null;
  groupCode: string | null;
  subgroup: string | null;
  dRu: string | null;
  dKy: string | null;
  lessonKind: string | null;
};

/** What an entry is about, in words of the reader's language. */
function subjectName(r: ListRow, locale: Locale): string {
  const ky = locale === 'ky';
  switch (r.subjectKind) {
    case 'university':
      return translate(locale, 'unit.university');
    case 'faculty':
      return (ky ? r.fKy : r.fRu) ?? `#${r.subjectId ?? ''}`;
    case 'department':
      return (ky ? r.depKy : r.depRu) ?? `#${r.subjectId ?? ''}`;
    case 'group':
      return r.groupCode ?? `#${r.subjectId ?? ''}`;
    case 'offering': {
      if (r.groupCode === null) return `#${r.subjectId ?? ''}`;
      const group = r.subgroup ? `${r.groupCode} (${r.subgroup})` : r.groupCode;
      const kind = r.lessonKind ? ` · ${translate(locale, `kind.${r.lessonKind}` as MessageKey)}` : '';
      return `${group} · ${(ky ? r.dKy : r.dRu) ?? ''}${kind}`;
    }
    case null:
      return '';
  }
}

/**
 * The register entries a person may see — those they may register themselves (`mayRegisterDocument`:
 * a journal whoever prints it, an act or notices whoever records the weekly check of the unit, an order
 * the head of its department, a transfer act an archivist of the unit) — newest first, of one kind or
 * all, searched by number or code; at most LIST_LIMIT.
 */
export function listDocuments(
  db: Db,
  grants: readonly RoleGrant[],
  teacherId: number | null,
  input: { kind?: DocumentKind; search?: string },
  locale: Locale,
): { items: DocumentView[]; truncated: boolean } {
  const kind = input.kind ?? null;
  // Numbers and codes are upper case (SQLite's LIKE folds only ASCII letters, not Cyrillic ones).
  const like = input.search ? `%${input.search.toUpperCase()}%` : null;
  const code = input.search ? normalizeCode(input.search) : null;
  const rows = db.$client
    .prepare(
      `SELECT d.id, d.number, d.kind, d.locale, d.code, d.canon, d.pages, d.printed_at AS printedAt,
        u.display_name AS printedBy, d.subject_kind AS subjectKind, d.subject_id AS subjectId, d.twin,
        (SELECT count(*) FROM documents t WHERE t.number = d.twin) AS twinRegistered,
        CASE WHEN d.row_version = 0 THEN 1 ELSE 0 END AS pending,
        CASE d.subject_kind WHEN 'offering' THEN og.faculty_id WHEN 'faculty' THEN d.subject_id
          WHEN 'department' THEN dp.faculty_id WHEN 'group' THEN gr.faculty_id END AS faculty,
        CASE d.subject_kind WHEN 'offering' THEN o.department_id WHEN 'department' THEN d.subject_id END AS department,
        o.teacher_id AS teacher, f.name_ru AS fRu, f.name_ky AS fKy, dp.name_ru AS depRu, dp.name_ky AS depKy,
        coalesce(og.code, gr.code) AS groupCode, sg.name AS subgroup, ds.name_ru AS dRu, ds.name_ky AS dKy,
        o.lesson_kind AS lessonKind
      FROM documents d
      LEFT JOIN users u ON u.id = d.printed_by
      LEFT JOIN offerings o ON d.subject_kind = 'offering' AND o.id = d.subject_id
      LEFT JOIN groups og ON og.id = o.group_id
      LEFT JOIN subgroups sg ON sg.id = o.subgroup_id
      LEFT JOIN disciplines ds ON ds.id = o.discipline_id
      LEFT JOIN faculties f ON d.subject_kind = 'faculty' AND f.id = d.subject_id
      LEFT JOIN departments dp ON d.subject_kind = 'department' AND dp.id = d.subject_id
      LEFT JOIN groups gr ON d.subject_kind = 'group' AND gr.id = d.subject_id
      WHERE (? IS NULL OR d.kind = ?)
        AND (? IS NULL OR d.number LIKE ? OR d.code LIKE ? OR d.code = ?)
      ORDER BY d.printed_at DESC, d.number`,
    )
    .iterate(kind, kind, like, like, like, code) as IterableIterator<ListRow>;
  const items: DocumentView[] = [];
  let truncated = false;
  for (const r of rows) {
    // A kind this version does not know (never expected: the schema version is the same everywhere).
    if (!Object.hasOwn(DOCUMENT_KINDS, r.kind)) continue;
    const subject = { faculty: r.faculty, department: r.department, teacher: r.teacher };
    if (!mayRegisterDocument(grants, teacherId, r.kind, subject)) continue;
    if (items.length === LIST_LIMIT) {
      // Leaving the loop closes the statement's iterator.
      truncated = true;
      break;
    }
    items.push({
      id: r.id,
      kind: r.kind,
      number: r.number,
      locale: r.locale,
      code: r.code,
      canon: r.canon,
      pages: r.pages,
      printedAt: r.printedAt,
      printedBy: r.printedBy,
      subject:
        r.subjectKind === null
          ? null
          : { kind: r.subjectKind, id: r.subjectId, name: subjectName(r, locale) },
      twin: r.twin === null ? null : { number: r.twin, registered: r.twinRegistered > 0 },
      pending: r.pending === 1,
    });
  }
  return { items, truncated };
}

/**
 * Enter a document a person has just been handed in the register — when they may register it
 * (DOMAIN.md lets some roles print a document with a view right that does not register it: a department
 * head the act of a check, the deanery an order). Returns whether it was entered; a refusal by the
 * register's own rules (a number already taken) is thrown, in `locale`.
 */
export function registerHandedOut(
  db: Db,
  person: { grants: readonly RoleGrant[]; teacherId: number | null },
  actor: LocalActor,
  doc: NewDocument,
  locale: Locale,
): boolean {
  // The faculty and department the unit lies in (the archive's own resolution of a unit).
  const facts = unitFacts(db, doc.subject)?.target ?? null;
  if (!facts || !mayRegisterDocument(person.grants, person.teacherId, doc.kind, facts)) return false;
  // The same document handed out again within its second (a second click): one number, one code — it
  // is already registered. Other content under a taken number is still refused.
  if (isRegisteredAlready(db, doc)) return true;
  registerDocument(db, actor, doc, locale);
  return true;
}

/** Whether this very document (number, kind, language and code) is already in the register. */
export function isRegisteredAlready(
  db: Db,
  doc: { number: string; kind: DocumentKind; locale: 'ru' | 'ky'; code: string },
): boolean {
  const e = findDocument(db, doc.number);
  return e !== null && e.kind === doc.kind && e.locale === doc.locale && e.code === doc.code;
}
