import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ABSENCE_REASONS } from '../../../src-shared/domain/journal';
import { syncColumns } from './common';
import { lessons, offerings } from './teaching';
import { teachers } from './org';
import { students } from './people';

/**
 * Closing an offering's intermediate assessment (§4.3): from `closedAt` its lessons dated on or before
 * `closedOn` are frozen for the teacher and substitutes, until a time-limited unlock.
 */
export const locks = sqliteTable(
  'locks',
  {
    /** Closing happens on a desktop, so the id is a UUIDv7 (ARCHITECTURE.md, Ids). */
    id: text('id').primaryKey(),
    offeringId: integer('offering_id')
      .notNull()
      .references(() => offerings.id),
    closedOn: text('closed_on').notNull(),
    closedAt: integer('closed_at').notNull(),
    closedBy: integer('closed_by'),
    ...syncColumns(),
  },
  (t) => [uniqueIndex('locks_offering').on(t.offeringId)],
);

/**
 * A time-limited unlock granted by the deanery with a reason, for named lessons or students of a
 * locked offering. Made on a desktop, so its id is a UUIDv7 (ARCHITECTURE.md, Ids).
 */
export const unlocks = sqliteTable(
  'unlocks',
  {
    id: text('id').primaryKey(),
    offeringId: integer('offering_id')
      .notNull()
      .references(() => offerings.id),
    lessonId: integer('lesson_id').references(() => lessons.id),
    studentId: integer('student_id').references(() => students.id),
    reason: text('reason').notNull(),
    grantedBy: integer('granted_by').notNull(),
    grantedAt: integer('granted_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    ...syncColumns(),
  },
  (t) => [index('unlocks_offering').on(t.offeringId)],
);

/** A teacher's absence: whole days, or some pairs (`pairs`, a JSON array), with reason and document. */
export const absences = sqliteTable(
  'absences',
  {
    id: text('id').primaryKey(),
    teacherId: integer('teacher_id')
      .notNull()
      .references(() => teachers.id),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
    pairs: text('pairs', { mode: 'json' }).$type<number[] | null>(),
    reason: text('reason', { enum: ABSENCE_REASONS }).notNull(),
    documentRef: text('document_ref'),
    createdBy: integer('created_by'),
    ...syncColumns(),
  },
  (t) => [index('absences_teacher').on(t.teacherId, t.startsOn)],
);

/**
 * Замена (§3.4): the department head assigns a substitute to one lesson of an absent teacher; the
 * substitute may fill exactly that lesson's journal. Cancelling keeps the row (`cancelledAt`).
 */
export const substitutions = sqliteTable(
  'substitutions',
  {
    id: text('id').primaryKey(),
    lessonId: integer('lesson_id')
      .notNull()
      .references(() => lessons.id),
    absenceId: text('absence_id').references(() => absences.id),
    absentTeacherId: integer('absent_teacher_id')
      .notNull()
      .references(() => teachers.id),
    substituteTeacherId: integer('substitute_teacher_id')
      .notNull()
      .references(() => teachers.id),
    assignedBy: integer('assigned_by'),
    assignedAt: integer('assigned_at').notNull(),
    cancelledAt: integer('cancelled_at'),
    ...syncColumns(),
  },
  (t) => [
    index('substitutions_lesson').on(t.lessonId),
    index('substitutions_substitute').on(t.substituteTeacherId),
  ],
);

export const CHECK_UNIT_KINDS = ['university', 'faculty', 'department'] as const;

/**
 * A recorded weekly control check (§3.5, §5.3): who checked, when, for which unit and period, a comment,
 * and a frozen snapshot of the figures (JSON) so a later look shows what the deanery saw then. Made on a
 * desktop (UUIDv7 id), pushed through the outbox; reference data every replica holds.
 */
export const weeklyChecks = sqliteTable(
  'weekly_checks',
  {
    id: text('id').primaryKey(),
    unitKind: text('unit_kind', { enum: CHECK_UNIT_KINDS }).notNull(),
    unitId: integer('unit_id'),
    periodFrom: text('period_from').notNull(),
    periodTo: text('period_to').notNull(),
    week: text('week'),
    checkedBy: integer('checked_by').notNull(),
    checkedAt: integer('checked_at').notNull(),
    comment: text('comment').notNull(),
    snapshot: text('snapshot').notNull(),
    ...syncColumns(),
  },
  (t) => [index('weekly_checks_unit').on(t.unitKind, t.unitId, t.periodFrom)],
);

/**
 * The paper register (§1.7, §5.6, §5.7): every printed semester journal — its number, verification
 * code, language and pages, who printed it and when — then when the teacher signed it (entered by the
 * deanery) and when it went to the archive with the transfer act. Made on a desktop (UUIDv7 id),
 * synced with the offering's scope.
 */
export const paperJournals = sqliteTable(
  'paper_journals',
  {
    id: text('id').primaryKey(),
    offeringId: integer('offering_id')
      .notNull()
      .references(() => offerings.id),
    number: text('number').notNull(),
    code: text('code').notNull(),
    locale: text('locale', { enum: ['ru', 'ky'] }).notNull(),
    pages: integer('pages').notNull(),
    printedAt: integer('printed_at').notNull(),
    printedBy: integer('printed_by'),
    signedOn: text('signed_on'),
    archivedOn: text('archived_on'),
    transferAct: text('transfer_act'),
    ...syncColumns(),
  },
  (t) => [
    index('paper_journals_offering').on(t.offeringId, t.printedAt),
    index('paper_journals_code').on(t.code),
  ],
);
