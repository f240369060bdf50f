import { z } from 'zod';
import { CANONS, OTHER_DOCUMENT_KINDS, UNIT_SUBJECT_KINDS } from '../domain/documents';
import { ABSENCE_REASONS, ATTENDANCE, GRADES } from '../domain/journal';
import { UNLOCK_MAX_DAYS } from '../domain/locks';

/**
 * The sync wire format of local edits (SYNC.md, Push): a mutation states intent — "set this cell",
 * "set this topic" — not whole rows. The desktop writes them to its outbox in the same transaction as
 * the edit; the gateway validates them with the same schemas. Arguments carry no times and no derived
 * values the gateway could be lied to about: when an edit happened, and what follows from it (a
 * closing's date, an unlock's end), the gateway judges itself. What each mutation may do, to which rows
 * and when, is in the registry (`registry/index.ts`).
 */
export const PROTOCOL_VERSION = 1;
/** Bumped with every change of a mutation's arguments or of the synced tables (7: the document register). */
export const SCHEMA_VERSION = 7;

/** A central id: a PostgreSQL integer (a larger one could only fail in the database). */
const id = z.number().int().positive().max(2_147_483_647);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const grade = z.union(GRADES.map((g) => z.literal(g)));
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const archiveUnitKind = z.enum(['university', 'faculty', 'department', 'group']);
/** A printed document's number (its form is judged by the registry: `parseDocumentNumber`). */
const docNumber = z.string().min(1).max(60);
/** A verification code, XXXX-XXXX-XXXX (src-shared/domain/print.ts). */
const docCode = z.string().regex(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
const canon = z.union(CANONS.map((c) => z.literal(c)));

export const MUTATIONS = {
  /** Set (or, with attendance null, clear) one student's mark at one lesson. */
  'marks.set': z.object({
    lessonId: id,
    studentId: id,
    attendance: z.enum(ATTENDANCE).nullable(),
    grade: grade.nullable(),
  }),
  /** Set (or clear) the topic of a lesson. */
  'lessons.setTopic': z.object({ lessonId: id, topic: z.string().min(1).max(500).nullable() }),
  /**
   * Close an offering's intermediate assessment (§4.3): its lessons up to the day of the closing (in
   * Asia/Bishkek, by the time the edit happened) lock.
   */
  'locks.close': z.object({ lockId: uuid, offeringId: id }),
  /**
   * A time-limited unlock granted by the deanery, with a reason (DOMAIN.md, Locks): of the offering, one
   * of its lessons, or one student; for `days` from the time it was granted.
   */
  'unlocks.grant': z.object({
    unlockId: uuid,
    offeringId: id,
    lessonId: id.nullable(),
    studentId: id.nullable(),
    reason: z.string().min(3).max(500),
    days: z.number().int().min(1).max(UNLOCK_MAX_DAYS),
  }),
  /** A message to a person's AVN cabinet: a notice to a teacher, a message to a substitute. */
  'messages.send': z.object({
    messageId: uuid,
    toUserId: id,
    kind: z.enum(['notice', 'substitution', 'other']),
    subject: z.string().min(1).max(200),
    body: z.string().min(1).max(4000),
  }),
  /**
   * A recorded weekly control check (§3.5, §5.3) of a faculty (the deanery) or the university (the
   * study office), with the figures the checker saw, frozen as JSON.
   */
  'checks.record': z.object({
    checkId: uuid,
    unitKind: z.enum(['university', 'faculty', 'department']),
    unitId: id.nullable(),
    periodFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    periodTo: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    week: z
      .string()
      .regex(/^\d{4}-W\d{2}$/)
      .nullable(),
    comment: z.string().max(2000),
    snapshot: z.string().min(2).max(2_000_000),
  }),
  /**
   * A teacher's absence registered by the head of their department (§3.4): whole days from–to, or only
   * the listed pairs, with the reason and a document reference.
   */
  'absences.register': z.object({
    absenceId: uuid,
    teacherId: id,
    startsOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    endsOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    pairs: z.array(z.number().int().min(1).max(8)).min(1).max(8).nullable(),
    reason: z.enum(ABSENCE_REASONS),
    documentRef: z.string().max(200).nullable(),
  }),
  /** A substitute assigned to one lesson of an absence; from then on they fill that lesson's journal. */
  'substitutions.assign': z.object({
    substitutionId: uuid,
    lessonId: id,
    absenceId: uuid,
    substituteTeacherId: id,
  }),
  /** An assignment cancelled: the substitute's rights to that lesson end. */
  'substitutions.cancel': z.object({ substitutionId: uuid }),
  /**
   * A printed semester journal entered in the paper register (§5.6) and in the document register under
   * the same id: its number, code and pages, the canonical version its code was made from, and the
   * number of the same journal printed in the other language (`twin`). Intents queued before the
   * document register (issue 15) carry neither: they are canon 1 without a twin.
   */
  'paper.printed': z.object({
    paperId: uuid,
    offeringId: id,
    number: docNumber,
    code: docCode,
    locale: z.enum(['ru', 'ky']),
    pages: z.number().int().min(1).max(100_000),
    canon: canon.default(1),
    twin: docNumber.nullable().default(null),
  }),
  /** The date the teacher signed the paper journal, entered by the deanery (null clears it). */
  'paper.signed': z.object({ paperId: uuid, signedOn: isoDay.nullable() }),
  /** The date the paper journal went to the archive and the transfer act's number (§5.7). */
  'paper.archived': z.object({
    paperId: uuid,
    archivedOn: isoDay.nullable(),
    transferAct: z.string().min(1).max(100).nullable(),
  }),
  /**
   * A printed document other than a journal entered in the document register (issue 15): an act of a
   * weekly check, notices, a substitution order, an archive transfer act — its number, kind, language,
   * code, pages, the unit it is about, and the number of its print in the other language.
   */
  'document.printed': z.object({
    documentId: uuid,
    number: docNumber,
    kind: z.enum(OTHER_DOCUMENT_KINDS),
    locale: z.enum(['ru', 'ky']),
    code: docCode,
    canon,
    pages: z.number().int().min(1).max(100_000),
    subjectKind: z.enum(UNIT_SUBJECT_KINDS),
    subjectId: id.nullable(),
    twin: docNumber.nullable(),
  }),
  /** An archive package entered in the archive register (§4.1): its unit, period and digest. */
  'archive.registered': z.object({
    packageId: uuid,
    unitKind: archiveUnitKind,
    unitId: id.nullable(),
    periodKind: z.enum(['semester', 'year']),
    periodId: id,
    academicYearId: id,
    fileName: z.string().min(1).max(255),
    sizeBytes: z.number().int().min(0),
    digest: sha256,
    counts: z.record(z.string().max(60), z.number().int().min(0)),
  }),
  /** The package was found whole and its digest equal to the registered one. */
  'archive.verified': z.object({ packageId: uuid, digest: sha256 }),
  /**
   * Purge the expired electronic records (§1.7: five years) of an academic year and unit, covered by a
   * verified, registered package; carried out by the gateway.
   */
  'archive.purge': z.object({
    purgeId: uuid,
    packageId: uuid,
    academicYearId: id,
    unitKind: archiveUnitKind,
    unitId: id.nullable(),
  }),
  /**
   * A refused edit resolved by its author (SYNC.md: the desktop shows it for a person to resolve): the
   * centre's value kept, or the edit made again (a new mutation that follows this one).
   */
  'conflicts.resolve': z.object({
    mutationId: uuid,
    resolution: z.enum(['keep_theirs', 'reapply_mine', 'edited']),
  }),
} as const;

export type MutationName = keyof typeof MUTATIONS;
/** Every mutation name. */
export const MUTATION_NAMES = Object.keys(MUTATIONS) as MutationName[];
export type MutationArgs<N extends MutationName> = z.infer<(typeof MUTATIONS)[N]>;
/** A mutation's arguments as sent, before defaults (an intent queued by an earlier version lacks them). */
export type MutationInput<N extends MutationName> = z.input<(typeof MUTATIONS)[N]>;
