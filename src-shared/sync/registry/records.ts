import { canArchive, canPrint } from '../../domain/roles';
import { one, type Load, type StoredRow } from '../facts';
import type { MutationArgs } from '../mutations';
import { DOCUMENT_KINDS, mayRegisterDocument } from '../../domain/documents';
import { loadRegister, numberRefusal, registerRow, type RegisterFacts } from './document-register';
import { loadOffering } from './journal';
import { define, refuse, type Actor, type RowChange } from './types';

/**
 * The registers and messages: recorded weekly checks (§3.5, §5.3), messages to AVN cabinets, the paper
 * register (§5.6, §5.7) and the archive register (§4.1).
 */

const num = (v: unknown): number => Number(v);

type UnitFacts = { exists: boolean; faculty: number | null };

/** Whether a faculty or department exists, and its faculty. */
function* loadCheckUnit(kind: 'university' | 'faculty' | 'department', id: number | null): Load<UnitFacts> {
  if (kind === 'university' || id === null)
    return { exists: kind === 'university' && id === null, faculty: null };
  if (kind === 'faculty') {
    const f = yield* one<{ id: number }>('SELECT id FROM faculties WHERE id = ?', [id]);
    return { exists: f !== null, faculty: f === null ? null : id };
  }
  const d = yield* one<{ f: number }>('SELECT faculty_id AS f FROM departments WHERE id = ?', [id]);
  return { exists: d !== null, faculty: d === null ? null : num(d.f) };
}

/**
 * A recorded weekly check: the study office for the university or any unit, the deanery for its own
 * faculty (DOMAIN.md, Roles: run / record the weekly check). The figures are frozen as the checker saw
 * them; when it was recorded is the gateway's judgement.
 */
export const checksRecord = define<MutationArgs<'checks.record'>, UnitFacts>({
  action: () => 'weeklyCheck',
  target: (a) => ({
    row: { table: 'weekly_checks', key: { id: a.checkId } },
    creates: { ref: { table: 'weekly_checks', key: { id: a.checkId } }, arg: 'checkId' },
    names: { unitId: 'unit' },
  }),
  load: (a) => loadCheckUnit(a.unitKind, a.unitId),
  refusal(a, f, j) {
    if (!f.exists) return refuse('INVALID', 'bad_unit', 'unitId');
    const allowed = j.actor.grants.some(
      (g) =>
        g.role === 'studyOffice' ||
        (g.role === 'deanery' &&
          a.unitKind === 'faculty' &&
          g.scopeKind === 'faculty' &&
          g.scopeId === a.unitId),
    );
    if (!allowed) return refuse('FORBIDDEN', 'out_of_scope', 'unitId');
    try {
      JSON.parse(a.snapshot);
    } catch {
      return refuse('INVALID', 'bad_snapshot', 'snapshot');
    }
    return null;
  },
  stored: () => null,
  effect: (a, _f, j) => [
    {
      table: 'weekly_checks',
      key: { id: a.checkId },
      set: {
        unit_kind: a.unitKind,
        unit_id: a.unitId,
        period_from: a.periodFrom,
        period_to: a.periodTo,
        week: a.week,
        checked_by: j.actor.userId,
        checked_at: j.at,
        comment: a.comment,
        snapshot: a.snapshot,
      },
    },
  ],
});

type MessageFacts = { recipient: boolean; taken: boolean };

/**
 * A message to a person's AVN cabinet, kept centrally for AVN to deliver (not synced): a notice to a
 * teacher (whoever runs the weekly check), a message to a substitute (the head who assigns), another
 * message (contacts: the deanery, a curator).
 */
export const messagesSend = define<MutationArgs<'messages.send'>, MessageFacts>({
  action: (a) =>
    a.kind === 'notice' ? 'weeklyCheck' : a.kind === 'substitution' ? 'substitutions' : 'contacts',
  target: () => ({ row: null, creates: null, names: { toUserId: 'user' } }),
  *load(a, env) {
    const to = yield* one<{ id: number }>('SELECT id FROM users WHERE id = ? AND active = 1', [a.toUserId]);
    // Messages live only centrally: an id that is taken there belongs to another message.
    const taken =
      env.side === 'gateway'
        ? (yield* one<{ id: string }>('SELECT id FROM messages WHERE id = ?', [a.messageId])) !== null
        : false;
    return { recipient: to !== null, taken };
  },
  refusal(_a, f) {
    if (f.taken) return refuse('FORBIDDEN', 'id_taken', 'messageId');
    return f.recipient ? null : refuse('INVALID', 'no_recipient', 'toUserId');
  },
  stored: () => null,
  effect: () => [],
  central: (a) => [
    {
      kind: 'message',
      id: a.messageId,
      toUserId: a.toUserId,
      type: a.kind,
      subject: a.subject,
      body: a.body,
    },
  ],
});

type PaperTarget = { faculty: number; department: number; teacher: number } | null;

/** The print target of an offering: its group's faculty, its department and its teacher. */
function* paperTarget(offeringId: number): Load<PaperTarget> {
  const o = yield* loadOffering(offeringId);
  return o === null ? null : { faculty: o.facultyId, department: o.departmentId, teacher: o.teacherId };
}

/** Who may keep an offering's paper journal entry: DOMAIN.md's "print journals, paper register". */
const mayKeepPaper = (actor: Actor, t: NonNullable<PaperTarget>) =>
  canPrint(actor.grants, t, actor.teacherId);

type PrintedFacts = { target: PaperTarget; register: RegisterFacts };

/**
 * A printed journal entered in the paper register and, under the same id, in the document register
 * (issue 15): its number, code, pages, canonical version and twin; printed now, by the actor. The number
 * is judged as every register number is (`numberRefusal`): a journal's, naming this offering, not in the
 * future, nobody's yet.
 */
export const paperPrinted = define<MutationArgs<'paper.printed'>, PrintedFacts>({
  action: () => 'print',
  target: (a) => ({
    row: { table: 'paper_journals', key: { id: a.paperId } },
    creates: { ref: { table: 'paper_journals', key: { id: a.paperId } }, arg: 'paperId' },
    names: { offeringId: 'offering' },
  }),
  *load(a) {
    return { target: yield* paperTarget(a.offeringId), register: yield* loadRegister(a.paperId, a.number) };
  },
  refusal(a, f, j) {
    if (!f.target) return refuse('INVALID', 'no_offering', 'offeringId');
    if (!mayKeepPaper(j.actor, f.target)) return refuse('FORBIDDEN', 'out_of_scope', 'offeringId');
    if (f.register.idTaken) return refuse('FORBIDDEN', 'id_taken', 'paperId');
    return numberRefusal(a, 'journal', a.offeringId, f.register, j.at);
  },
  stored: () => null,
  // Nothing when the judge's rows refuse it: the re-apply after a new download (which runs no refusal)
  // must not put an entry beside another under its number or id. The paper entry, the row it is about,
  // is written last: its seq is the one the push acknowledges, and a pulled row of the acknowledged key
  // older than that is not applied (the replica's overlay).
  effect: (a, f, j) =>
    f.target === null || f.register.idTaken || f.register.numberTaken
      ? []
      : [
          registerRow(
            a.paperId,
            { ...a, kind: 'journal', subjectKind: 'offering', subjectId: a.offeringId },
            j,
          ),
          {
            table: 'paper_journals',
            key: { id: a.paperId },
            set: {
              offering_id: a.offeringId,
              number: a.number,
              code: a.code,
              locale: a.locale,
              pages: a.pages,
              printed_at: j.at,
              printed_by: j.actor.userId,
              signed_on: null,
              archived_on: null,
              transfer_act: null,
            },
          },
        ],
});

type PaperFacts = { row: StoredRow | null; target: PaperTarget };

function* loadPaper(paperId: string): Load<PaperFacts> {
  const row = yield* one<StoredRow>('SELECT * FROM paper_journals WHERE id = ?', [paperId], true);
  return { row, target: row === null ? null : yield* paperTarget(num(row.offering_id)) };
}

function paperRefusal(f: PaperFacts, actor: Actor) {
  if (!f.row || !f.target) return refuse('INVALID', 'no_paper', 'paperId');
  return mayKeepPaper(actor, f.target) ? null : refuse('FORBIDDEN', 'out_of_scope', 'paperId');
}

type PaperDates = RowChange & { table: 'paper_journals' };

/**
 * An update of a paper journal's dates, by whoever keeps its register (the row as stored decides the
 * scope; judged by base version): `set` says which columns.
 */
function paperDates<A extends { paperId: string }>(set: (a: A) => PaperDates['set']) {
  return define<A, PaperFacts>({
    action: () => 'print',
    target: (a) => ({
      row: { table: 'paper_journals', key: { id: a.paperId } },
      creates: null,
      names: { paperId: 'paper' },
    }),
    load: (a) => loadPaper(a.paperId),
    refusal: (_a, f, j) => paperRefusal(f, j.actor),
    version: (f) => (f.row === null ? null : num(f.row.row_version)),
    stored: (f) => f.row,
    effect: (a, f) =>
      f.row === null ? [] : [{ table: 'paper_journals', key: { id: a.paperId }, set: set(a) }],
  });
}

/** The date the teacher signed a paper journal (null clears it), entered by whoever keeps its register. */
export const paperSigned = paperDates<MutationArgs<'paper.signed'>>((a) => ({ signed_on: a.signedOn }));

/** The date a paper journal went to the archive and the transfer act's number (§5.7). */
export const paperArchived = paperDates<MutationArgs<'paper.archived'>>((a) => ({
  archived_on: a.archivedOn,
  transfer_act: a.transferAct,
}));

/** The faculty and department an archive unit belongs to (for the role rule), or null if there is none. */
export type ArchiveTarget = { faculty: number | null; department: number | null } | null;
type UnitKind = MutationArgs<'archive.registered'>['unitKind'];

export function* loadArchiveUnit(kind: UnitKind, id: number | null): Load<ArchiveTarget> {
  if (kind === 'university') return id === null ? { faculty: null, department: null } : null;
  if (id === null) return null;
  if (kind === 'faculty') {
    const f = yield* one<{ id: number }>('SELECT id FROM faculties WHERE id = ?', [id]);
    return f ? { faculty: id, department: null } : null;
  }
  if (kind === 'department') {
    const d = yield* one<{ f: number }>('SELECT faculty_id AS f FROM departments WHERE id = ?', [id]);
    return d ? { faculty: num(d.f), department: id } : null;
  }
  const g = yield* one<{ f: number }>('SELECT faculty_id AS f FROM groups WHERE id = ?', [id]);
  return g ? { faculty: num(g.f), department: null } : null;
}

/** An archive package entered in the archive register with its digest, by an archivist of its unit. */
export const archiveRegistered = define<MutationArgs<'archive.registered'>, { target: ArchiveTarget }>({
  action: () => 'archive',
  target: (a) => ({
    row: { table: 'archive_packages', key: { id: a.packageId } },
    creates: { ref: { table: 'archive_packages', key: { id: a.packageId } }, arg: 'packageId' },
    names: { unitId: 'unit' },
  }),
  *load(a) {
    return { target: yield* loadArchiveUnit(a.unitKind, a.unitId) };
  },
  refusal(_a, f, j) {
    if (!f.target) return refuse('INVALID', 'no_unit', 'unitId');
    return canArchive(j.actor.grants, f.target, 'make')
      ? null
      : refuse('FORBIDDEN', 'out_of_scope', 'unitId');
  },
  stored: () => null,
  effect: (a, f, j) =>
    f.target === null
      ? []
      : [
          {
            table: 'archive_packages',
            key: { id: a.packageId },
            set: {
              unit_kind: a.unitKind,
              unit_id: a.unitId,
              period_kind: a.periodKind,
              period_id: a.periodId,
              academic_year_id: a.academicYearId,
              file_name: a.fileName,
              size_bytes: a.sizeBytes,
              digest: a.digest,
              counts: JSON.stringify(a.counts),
              made_at: j.at,
              made_by: j.actor.userId,
              verified_at: null,
              verified_by: null,
            },
          },
        ],
});

type PackageFacts = { row: StoredRow | null; target: ArchiveTarget };

/** A registered package found whole with the registered digest, recorded by an archivist of its unit. */
export const archiveVerified = define<MutationArgs<'archive.verified'>, PackageFacts>({
  action: () => 'archive',
  target: (a) => ({
    row: { table: 'archive_packages', key: { id: a.packageId } },
    creates: null,
    names: { packageId: 'package' },
  }),
  *load(a) {
    const row = yield* one<StoredRow>('SELECT * FROM archive_packages WHERE id = ?', [a.packageId], true);
    const target =
      row === null
        ? null
        : yield* loadArchiveUnit(row.unit_kind as UnitKind, row.unit_id === null ? null : num(row.unit_id));
    return { row, target };
  },
  refusal(a, f, j) {
    if (!f.row) return refuse('INVALID', 'no_package', 'packageId');
    if (!f.target || !canArchive(j.actor.grants, f.target, 'make'))
      return refuse('FORBIDDEN', 'out_of_scope', 'packageId');
    return f.row.digest === a.digest ? null : refuse('INVALID', 'digest_differs', 'digest');
  },
  stored: (f) => f.row,
  effect: (a, f, j) =>
    f.row === null || f.row.digest !== a.digest
      ? []
      : [
          {
            table: 'archive_packages',
            key: { id: a.packageId },
            set: { verified_at: j.at, verified_by: j.actor.userId },
          },
        ],
});

type DocumentFacts = { subject: ArchiveTarget; register: RegisterFacts };

/**
 * A printed document other than a journal entered in the document register (issue 15): an act of a
 * weekly check or notices (whoever may run and record the check of the unit), a substitution order (the
 * head of the department), an archive transfer act (an archivist of the unit) — the matrix row by its
 * kind (`DOCUMENT_KINDS`), the scope through the unit as the judge holds it. New kinds are made with
 * the shared canonical text (canon 2).
 */
export const documentPrinted = define<MutationArgs<'document.printed'>, DocumentFacts>({
  action: (a) => DOCUMENT_KINDS[a.kind].action,
  target: (a) => ({
    row: { table: 'documents', key: { id: a.documentId } },
    creates: { ref: { table: 'documents', key: { id: a.documentId } }, arg: 'documentId' },
    names: { subjectId: 'unit' },
  }),
  *load(a) {
    return {
      subject: yield* loadArchiveUnit(a.subjectKind, a.subjectId),
      register: yield* loadRegister(a.documentId, a.number),
    };
  },
  refusal(a, f, j) {
    if (!(DOCUMENT_KINDS[a.kind].subjects as readonly string[]).includes(a.subjectKind))
      return refuse('INVALID', 'subject_kind', 'subjectKind');
    if (!f.subject) return refuse('INVALID', 'no_unit', 'subjectId');
    if (!mayRegisterDocument(j.actor.grants, j.actor.teacherId, a.kind, f.subject))
      return refuse('FORBIDDEN', 'out_of_scope', 'subjectId');
    if (a.canon !== 2) return refuse('INVALID', 'canon_old', 'canon');
    return numberRefusal(a, a.kind, null, f.register, j.at);
  },
  stored: () => null,
  effect: (a, f, j) =>
    f.subject === null || f.register.idTaken || f.register.numberTaken
      ? []
      : [registerRow(a.documentId, a, j)],
});
