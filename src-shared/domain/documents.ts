import type { Action } from './matrix';
import { canArchive, canPrint, type RoleGrant } from './roles';
import { bishkekInstant, isIsoDate } from './time';

/**
 * The register of printed documents (issue 15, item 4): every printed document the app makes — a
 * semester journal, the act of a weekly check, notices to teachers, a substitution order, an archive
 * transfer act — has one entry with its number, language, verification code and pages, what it is
 * about, and who printed it when. One table of kinds decides each kind's number prefix, what it may be
 * about and the matrix row whose right registers it: a later kind (exam sheets, referrals, letters) is
 * one line here (and its words in the catalogues).
 */
export const DOCUMENT_KINDS = {
  /** A printed semester journal (§5.4–5.7), about one offering: ЖУР-<offering>-<date>-<time>. */
  journal: { prefix: 'ЖУР', subjects: ['offering'], action: 'print' },
  /** The act of a weekly check (§3.5, §5.3), about the checked unit. */
  act: { prefix: 'АКТ', subjects: ['university', 'faculty', 'department', 'group'], action: 'weeklyCheck' },
  /** Notices to teachers of a weekly check (§5.3), one PDF one document. */
  notices: {
    prefix: 'УВ',
    subjects: ['university', 'faculty', 'department', 'group'],
    action: 'weeklyCheck',
  },
  /** A substitution order (§3.4), signed by the head of the department. */
  order: { prefix: 'ЗАМ', subjects: ['department'], action: 'substitutions' },
  /** The transfer act of an archive package (§4.1, §1.7), about the package's unit. */
  transfer: {
    prefix: 'АРХ',
    subjects: ['university', 'faculty', 'department', 'group'],
    action: 'archive',
  },
} as const satisfies Record<
  string,
  { prefix: string; subjects: readonly SubjectKind[]; action: DocumentRight }
>;

/** The matrix rows whose rights register documents (each has its scope rule in `mayRegisterDocument`). */
type DocumentRight = Extract<Action, 'print' | 'weeklyCheck' | 'substitutions' | 'archive'>;

export type DocumentKind = keyof typeof DOCUMENT_KINDS;
/** Every kind of the register, in the table's order. */
export const DOCUMENT_KIND_LIST = Object.keys(DOCUMENT_KINDS) as [DocumentKind, ...DocumentKind[]];
/** The kinds registered by `document.printed` (a journal enters the register with its paper entry). */
export const OTHER_DOCUMENT_KINDS = DOCUMENT_KIND_LIST.filter(
  (k): k is Exclude<DocumentKind, 'journal'> => k !== 'journal',
) as [Exclude<DocumentKind, 'journal'>, ...Array<Exclude<DocumentKind, 'journal'>>];

/** What a document may be about: the whole university, a unit, or (a journal) one offering. */
export const SUBJECT_KINDS = ['university', 'faculty', 'department', 'group', 'offering'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];
/** What the documents of `document.printed` may be about: the units. */
export const UNIT_SUBJECT_KINDS = ['university', 'faculty', 'department', 'group'] as const;

/**
 * The canonical version of a document (what its verification code is a digest of): 1, the semester
 * journal's first canonical text (issue 6); 2, the one every document kind shares from issue 15 on. New
 * kinds are registered with 2 only.
 */
export const CANONS = [1, 2] as const;
export type Canon = (typeof CANONS)[number];

/** How far the time in a number may lie after the time the registration is judged at (clock drift). */
export const NUMBER_FUTURE_MS = 2 * 60_000;

/**
 * A document number read: its kind, the offering a journal's number names, when it was made, and 'ky'
 * when it says it is the Kyrgyz print (null: it does not say).
 */
export type ParsedNumber = {
  kind: DocumentKind;
  offeringId: number | null;
  at: number;
  locale: 'ky' | null;
};

/** The suffix of a Kyrgyz print's number: the two prints of one bilingual job get two numbers. */
export const KYRGYZ_SUFFIX = '-КЫ';

const BY_PREFIX = new Map<string, DocumentKind>(
  DOCUMENT_KIND_LIST.map((k) => [DOCUMENT_KINDS[k].prefix, k] as const),
);
const NUMBER = /^([А-ЯЁ]+)(?:-(\d{1,10}))?-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(-КЫ)?$/;

/**
 * Read a document number: <PREFIX>-<YYYYMMDD>-<HHMMSS> (the time it was made, Asia/Bishkek), a journal's
 * with its offering between (ЖУР-<offering>-<YYYYMMDD>-<HHMMSS>; src-main/print/pdf.ts documentNumber),
 * and -КЫ after either for a Kyrgyz print. Null for an unknown prefix, a journal without its offering
 * (or another kind with one), or a date or time that does not exist.
 */
export function parseDocumentNumber(number: string): ParsedNumber | null {
  const m = NUMBER.exec(number);
  if (!m) return null;
  const [, prefix = '', offering, y, mo, d, h, mi, s, ky] = m;
  const kind = BY_PREFIX.get(prefix);
  if (!kind) return null;
  if ((kind === 'journal') !== (offering !== undefined)) return null;
  const date = `${y}-${mo}-${d}`;
  if (!isIsoDate(date) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  return {
    kind,
    offeringId: offering === undefined ? null : Number(offering),
    at: bishkekInstant(date, `${h}:${mi}:${s}`),
    locale: ky === undefined ? null : 'ky',
  };
}

/**
 * What the rule needs to know of a document's subject: the faculty and department it lies in (null when
 * it is not inside one: the university, a faculty has no department, a group mixes departments) and, for
 * a journal, its teacher.
 */
export type SubjectFacts = { faculty: number | null; department: number | null; teacher?: number | null };

/**
 * May a person register a document of this kind about this subject — and so see its entry? Each kind
 * by its row of DOMAIN.md's matrix, in the subject's scope: a journal whoever may print it (`canPrint`:
 * a teacher their own); an act or notices whoever may run and record the weekly check of the unit (the
 * study office anything, the deanery its faculty and what lies in it); an order the head of the
 * department; a transfer act an archivist of the unit (`canArchive`). `teacherId` is the person's
 * teacher record.
 */
export function mayRegisterDocument(
  grants: readonly RoleGrant[],
  teacherId: number | null,
  kind: DocumentKind,
  subject: SubjectFacts,
): boolean {
  switch (DOCUMENT_KINDS[kind].action) {
    case 'print':
      return canPrint(grants, subject, teacherId);
    case 'weeklyCheck':
      return grants.some(
        (g) =>
          g.role === 'studyOffice' ||
          (g.role === 'deanery' &&
            g.scopeKind === 'faculty' &&
            subject.faculty !== null &&
            g.scopeId === subject.faculty),
      );
    case 'substitutions':
      return grants.some(
        (g) =>
          g.role === 'departmentHead' &&
          g.scopeKind === 'department' &&
          subject.department !== null &&
          g.scopeId === subject.department,
      );
    case 'archive':
      return canArchive(grants, subject, 'make');
  }
}
