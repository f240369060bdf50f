import { z } from 'zod';
import { ABSENCE_REASONS, LESSON_KINDS } from '../domain/journal';
import { id, isoDate, method } from './common';

/**
 * Substitutions (regulation §3.4): a department head registers a teacher's absence, sees every lesson
 * it affects, assigns substitutes from a ranked list, prints the order and reports the month's covers.
 * The deanery may look (DOMAIN.md, Roles: register absences, assign substitutes).
 */

export const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const names = z.object({ ru: z.string(), ky: z.string() });
const person = z.object({ id, name: z.string() });
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'expected a month YYYY-MM' });
const pair = z.number().int().min(1).max(8);

export const absenceSummary = z.object({
  id: z.string(),
  teacher: person,
  startsOn: isoDate,
  endsOn: isoDate,
  /** Only these pairs of each day; null: whole days. */
  pairs: z.array(z.number().int()).nullable(),
  reason: z.enum(ABSENCE_REASONS),
  documentRef: z.string().nullable(),
  createdBy: z.string().nullable(),
  /** Lessons of the absent teacher it affects (in this replica), and how many have a substitute. */
  lessons: z.number().int(),
  covered: z.number().int(),
  /** Not yet confirmed by the centre. */
  pending: z.boolean(),
});
export type AbsenceSummary = z.infer<typeof absenceSummary>;

export const coverView = z.object({
  id: z.string(),
  substitute: person,
  assignedAt: z.number().int(),
  assignedBy: z.string().nullable(),
  pending: z.boolean(),
});

export const affectedLesson = z.object({
  lessonId: id,
  date: isoDate,
  pair: z.number().int(),
  startsAt: z.string().nullable(),
  discipline: names,
  kind: z.enum(LESSON_KINDS),
  group: z.string(),
  offeringId: id,
  /** The substitute in force, if any. */
  cover: coverView.nullable(),
  /** Whether the lesson has been filled (topic and every attendance mark). */
  filled: z.boolean(),
});
export type AffectedLesson = z.infer<typeof affectedLesson>;

/** A clash that refuses a cover, in words that name it. */
export const clashView = z.object({
  kind: z.enum(['same_teacher', 'not_in_absence', 'own_lesson', 'other_substitution', 'absent']),
  text: z.string(),
});

export const candidateView = z.object({
  teacher: person,
  departments: z.array(names),
  free: z.boolean(),
  clashes: z.array(clashView),
  sameDepartment: z.boolean(),
  taughtDiscipline: z.boolean(),
  taughtGroup: z.boolean(),
  coversThisMonth: z.number().int(),
});
export type CandidateView = z.infer<typeof candidateView>;

const fileOut = z.object({ fileName: z.string(), mime: z.string(), base64: z.string() });

export const coverReport = z.object({
  month,
  from: isoDate,
  to: isoDate,
  department: z.object({ id, name: names }),
  /** Per substitute: lessons and academic hours covered this month, by the absent teacher's reason. */
  substitutes: z.array(
    z.object({
      teacher: person,
      lessons: z.number().int(),
      hours: z.number().int(),
      byReason: z.array(z.object({ reason: z.enum(ABSENCE_REASONS), lessons: z.number().int() })),
    }),
  ),
  /** Per absent teacher and reason: lessons missed, covered and not covered. */
  absent: z.array(
    z.object({
      teacher: person,
      reason: z.enum(ABSENCE_REASONS),
      missed: z.number().int(),
      covered: z.number().int(),
      uncovered: z.number().int(),
      hoursCovered: z.number().int(),
    }),
  ),
  byReason: z.array(
    z.object({
      reason: z.enum(ABSENCE_REASONS),
      missed: z.number().int(),
      covered: z.number().int(),
      hours: z.number().int(),
    }),
  ),
  total: z.object({ missed: z.number().int(), covered: z.number().int(), hours: z.number().int() }),
});
export type CoverReport = z.infer<typeof coverReport>;

const absenceInput = z
  .object({
    teacherId: id,
    startsOn: isoDate,
    endsOn: isoDate,
    pairs: z.array(pair).min(1).max(8).nullable(),
    reason: z.enum(ABSENCE_REASONS),
    documentRef: z.string().trim().max(200).nullable(),
  })
  .strict()
  .refine((a) => a.startsOn <= a.endsOn, {
    message: 'the absence ends before it starts',
    path: ['endsOn'],
    params: { reason: 'endsBeforeStart' },
  });

export const subsContract = {
  /** The departments the caller heads (or, for the deanery, of its faculty), their teachers and absences. */
  'subs.overview': method({
    input: z.object({ departmentId: id.optional() }).strict(),
    output: z.object({
      departments: z.array(z.object({ id, name: names })),
      departmentId: id.nullable(),
      teachers: z.array(person),
      absences: z.array(absenceSummary),
      canAssign: z.boolean(),
    }),
  }),
  /** One absence with every lesson it affects and who covers each. */
  'subs.absence': method({
    input: z.object({ absenceId: uuid }).strict(),
    output: z.object({ absence: absenceSummary, lessons: z.array(affectedLesson), canAssign: z.boolean() }),
  }),
  /** Register an absence of a teacher of the head's department: dates, pairs or whole days, reason, document. */
  'subs.registerAbsence': method({
    input: absenceInput,
    output: z.object({ absence: absenceSummary, lessons: z.array(affectedLesson) }),
    writes: true,
  }),
  /** Ranked candidates for one affected lesson, with the reasons for their rank and any clash. */
  'subs.candidates': method({
    input: z.object({ absenceId: uuid, lessonId: id }).strict(),
    output: z.array(candidateView),
  }),
  /**
   * Assign a substitute to one lesson, a day or the whole absence at once (all or nothing): a clash
   * (own lesson, another substitution, absent) is refused naming it; a lesson already covered by
   * someone else changes hands. `notify` queues a message to the substitute through the outbox.
   */
  'subs.assign': method({
    input: z
      .object({
        absenceId: uuid,
        lessonIds: z.array(id).min(1).max(300),
        substituteId: id,
        notify: z.boolean().default(true),
      })
      .strict(),
    output: z.object({ assigned: z.number().int(), changed: z.number().int(), messages: z.number().int() }),
    writes: true,
  }),
  /** Cancel assignments: the substitute's rights to those lessons end at once. */
  'subs.cancel': method({
    input: z.object({ substitutionIds: z.array(uuid).min(1).max(300) }).strict(),
    output: z.object({ cancelled: z.number().int() }),
    writes: true,
  }),
  /** The substitution order (распоряжение о замене) of an absence, as a PDF to sign. */
  'subs.order': method({
    input: z.object({ absenceId: uuid }).strict(),
    output: fileOut,
  }),
  /** The month's cover report of a department (for the timesheet). */
  'subs.report': method({
    input: z.object({ month, departmentId: id.optional() }).strict(),
    output: coverReport,
  }),
  /** The same report as an Excel file. */
  'subs.reportExport': method({
    input: z.object({ month, departmentId: id.optional() }).strict(),
    output: fileOut,
  }),
};
