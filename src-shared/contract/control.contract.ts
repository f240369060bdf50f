import { z } from 'zod';
import { CONTROL_UNITS, FILL_STATES, NOT_DUE_REASONS } from '../domain/control';
import { LESSON_KINDS } from '../domain/journal';
import { id, isoDate, method } from './common';

/**
 * The weekly control of journal filling (regulation §3.5, §5.3, §6.2; DOMAIN.md, Filled). The study
 * office runs it for the university, the deanery for its faculty; a department head sees their
 * department's figures.
 */

const names = z.object({ ru: z.string(), ky: z.string() });
export const controlUnitKind = z.enum(CONTROL_UNITS);

/** A week ('2026-W47') or a date range; neither means the last full week of the replica's calendar. */
const periodInput = {
  week: z
    .string()
    .trim()
    .regex(/^\d{4}-W\d{2}$/, { message: 'expected a week like 2026-W47' })
    .optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
};

/** Narrowing of a report to units, each inside the one before (drill-down: faculty → … → offering). */
const within = z
  .array(z.object({ kind: controlUnitKind, id }).strict())
  .max(5)
  .default([]);

export const controlFigures = z.object({
  due: z.number().int(),
  filled: z.number().int(),
  onTime: z.number().int(),
  late: z.number().int(),
  missing: z.number().int(),
  uncovered: z.number().int(),
  fillRate: z.number().nullable(),
  timeliness: z.number().nullable(),
});

export const controlPeriod = z.object({ from: isoDate, to: isoDate, week: z.string().nullable() });

const unitRef = z.object({ kind: controlUnitKind, id, name: names });

export const controlRow = unitRef.extend({
  figures: controlFigures,
  /** Fill rate of each previous week (oldest first) and the change against their mean. */
  trend: z.object({ change: z.number().nullable(), previous: z.array(z.number().nullable()) }),
});

export const controlReport = z.object({
  period: controlPeriod,
  /** The check time: now by the replica's clock. */
  checkedAt: z.number().int(),
  /** The previous weeks the trend compares with, oldest first. */
  trendWeeks: z.array(z.string()),
  within: z.array(unitRef),
  by: controlUnitKind,
  total: controlFigures,
  rows: z.array(controlRow),
  /** Lesson rows of the period that were not due, by reason. */
  notDue: z.record(z.enum(NOT_DUE_REASONS), z.number().int()),
});
export type ControlReport = z.infer<typeof controlReport>;

export const controlLesson = z.object({
  lessonId: id,
  offeringId: id,
  date: isoDate,
  pair: z.number().int(),
  group: z.string(),
  discipline: names,
  kind: z.enum(LESSON_KINDS),
  responsible: z.object({ id, name: z.string() }),
  substituted: z.boolean(),
  uncovered: z.boolean(),
  state: z.enum(FILL_STATES),
  completedAt: z.number().int().nullable(),
  missingTopic: z.boolean(),
  missingStudents: z.array(z.object({ id, name: z.string() })),
  members: z.number().int(),
});
export type ControlLessonRow = z.infer<typeof controlLesson>;

const checkUnit = z.object({
  kind: z.enum(['university', 'faculty', 'department']),
  id: id.nullable(),
  name: names,
});

/** A recorded check as the history lists it. */
export const checkSummary = z.object({
  id: z.string(),
  checkedAt: z.number().int(),
  checkedBy: z.string(),
  unit: checkUnit,
  period: controlPeriod,
  comment: z.string(),
  total: controlFigures,
  /** Not yet confirmed by the gateway (still in the outbox). */
  pending: z.boolean(),
});
export type CheckSummary = z.infer<typeof checkSummary>;

/** What a check froze: the figures per unit and per teacher as the checker saw them. */
export const checkSnapshot = z.object({
  version: z.literal(1),
  units: controlReport,
  teachers: controlReport,
});
export type CheckSnapshot = z.infer<typeof checkSnapshot>;

export const controlContract = {
  /**
   * Figures of the period per unit of `by` (due, filled, on time, late, missing, uncovered, rates, a
   * trend against the four previous weeks), limited to the caller's access scope and to `within`.
   * A malformed, reversed or future period and an unknown unit are errors with their own messages.
   */
  'control.report': method({
    input: z.object({ ...periodInput, within, by: controlUnitKind }).strict(),
    output: controlReport,
  }),
  /** The due lessons themselves (drill-down's last level): what each one is missing, and whose. */
  'control.lessons': method({
    input: z.object({ ...periodInput, within, onlyOwed: z.boolean().default(true) }).strict(),
    output: z.object({ period: controlPeriod, within: z.array(unitRef), lessons: z.array(controlLesson) }),
  }),
  /**
   * Record the check of a period (§3.5, §5.3): who, when, a comment, and a frozen snapshot of the
   * figures computed now — per unit and per teacher. The deanery records for its faculty, the study
   * office for the university or a faculty (`facultyId`). Stored locally and pushed through the outbox.
   */
  'control.record': method({
    input: z
      .object({
        ...periodInput,
        facultyId: id.optional(),
        comment: z.string().trim().max(2000).default(''),
      })
      .strict(),
    output: checkSummary,
    writes: true,
  }),
  /**
   * The control as a file in the caller's language: an Excel workbook (a summary sheet and one sheet per
   * department with its teachers and owed lessons). Returned whole, for a download or a save dialog.
   */
  'control.export': method({
    input: z
      .object({
        ...periodInput,
        within,
        /** xlsx: the workbook; act: the act of the check (PDF); notices: one PDF page per teacher owing lessons. */
        format: z.enum(['xlsx', 'act', 'notices']),
        /** Remarks printed on the act. */
        comment: z.string().trim().max(2000).optional(),
      })
      .strict(),
    output: z.object({ fileName: z.string(), mime: z.string(), base64: z.string() }),
  }),
  /**
   * Notices to teachers (§5.3): to each teacher owing lessons of the period (inside `within`), a message
   * to their AVN cabinet listing them, queued through the outbox.
   */
  'control.sendNotices': method({
    input: z.object({ ...periodInput, within }).strict(),
    output: z.object({
      queued: z.number().int(),
      teachers: z.array(z.object({ id, name: z.string(), lessons: z.number().int(), sent: z.boolean() })),
    }),
    writes: true,
  }),
  /**
   * A department's teachers × days of the week (Monday–Sunday): the figures of each teacher's lessons
   * on each weekday of the period — where the journal is left unfilled.
   */
  'control.heatmap': method({
    input: z.object({ ...periodInput, departmentId: id }).strict(),
    output: z.object({
      period: controlPeriod,
      department: unitRef,
      teachers: z.array(
        z.object({ id, name: z.string(), days: z.array(controlFigures).length(7), total: controlFigures }),
      ),
    }),
  }),
  /** Past checks of the caller's units, newest first. */
  'control.checks': method({
    input: z.object({ limit: z.number().int().min(1).max(500).default(100) }).strict(),
    output: z.array(checkSummary),
  }),
  /** One past check with the figures it froze. */
  'control.check': method({
    input: z.object({ id: z.string().min(1).max(40) }).strict(),
    output: checkSummary.extend({ snapshot: checkSnapshot }),
  }),
};
