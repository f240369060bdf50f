import { z } from 'zod';
import { ATTENDANCE, GRADES, LESSON_KINDS, LESSON_ORIGINS, LESSON_STATUSES } from '../domain/journal';
import { EDIT_REFUSALS } from '../domain/edit-rights';
import { grade } from '../sync/mutations';
import { UNLOCK_MAX_DAYS } from '../domain/locks';
import { id, isoDate, method } from './common';

const names = z.object({ ru: z.string(), ky: z.string() });
const person = z.object({ id, name: z.string() });

export const groupSummary = z.object({
  id,
  code: z.string(),
  course: z.number().int(),
  language: z.enum(['ru', 'ky']),
  faculty: z.object({ id, code: z.string() }),
  students: z.number().int(),
});

export const offeringSummary = z.object({
  id,
  discipline: names,
  kind: z.enum(LESSON_KINDS),
  subgroup: z.object({ id, name: z.string(), kind: z.enum(['lab', 'language']) }).nullable(),
  teacher: person,
  department: names,
  lessons: z.number().int(),
  locked: z.boolean(),
});

export const gridLesson = z.object({
  id,
  date: isoDate,
  pair: z.number().int(),
  status: z.enum(LESSON_STATUSES),
  origin: z.enum(LESSON_ORIGINS),
  topic: z.string().nullable(),
  planTopic: z.string().nullable(),
  conductedBy: person.nullable(),
  substitute: person.nullable(),
  completedAt: z.number().int().nullable(),
  /** Frozen by the offering's lock (§4.3). */
  locked: z.boolean(),
  /**
   * Why the caller may not change this lesson (its topic, and every cell of it), or null when they may:
   * the edit rule of `journal.setMarks`/`journal.setTopic` at the call's time. Anyone who is not the
   * responsible teacher gets 'not_responsible' for every lesson.
   */
  editRefusal: z.enum(EDIT_REFUSALS).nullable(),
  /**
   * Students whose cells the caller may still edit although the lesson is refused as 'locked': a
   * time-limited unlock of those students (DOMAIN.md, Locks). Empty otherwise.
   */
  unlockedStudentIds: z.array(id),
  rowVersion: z.number().int(),
});

export const gridStudent = z.object({
  id,
  name: z.string(),
  recordBookNo: z.string(),
  /** Dates (inclusive) on which the student belonged to the offering's group or subgroup. */
  periods: z.array(z.object({ from: isoDate, to: isoDate.nullable() })),
  subgroupIds: z.array(id),
});

/** What a cell holds: attendance and an optional grade. */
const markValue = z.object({
  attendance: z.enum(ATTENDANCE),
  grade: z.union(GRADES.map((g) => z.literal(g))).nullable(),
});

export const gridMark = z.object({
  lessonId: id,
  studentId: id,
  ...markValue.shape,
  rowVersion: z.number().int(),
});

export const journalGrid = z.object({
  offering: offeringSummary.extend({
    plannedHours: z.number().int(),
    group: z.object({ id, code: z.string(), facultyId: id }),
    semester: z.object({ number: z.number().int(), startsOn: isoDate, endsOn: isoDate }),
  }),
  lock: z.object({ closedOn: isoDate, closedAt: z.number().int() }).nullable(),
  /** Time-limited unlocks in force now (DOMAIN.md, Locks). */
  unlocks: z.array(
    z.object({
      lessonId: id.nullable(),
      studentId: id.nullable(),
      expiresAt: z.number().int(),
      reason: z.string(),
    }),
  ),
  subgroups: z.array(z.object({ id, name: z.string(), kind: z.enum(['lab', 'language']) })),
  lessons: z.array(gridLesson),
  students: z.array(gridStudent),
  marks: z.array(gridMark),
});
export type JournalGrid = z.infer<typeof journalGrid>;

/** One change of a cell (a mark) or of a lesson's topic, from this replica's audit log. */
export const historyEntry = z.object({
  at: z.number().int(),
  /** Who made it (the user's display name); null when the audit names nobody. */
  who: z.string().nullable(),
  /** A mark's value (null: no mark) or, for the topic, the topic (null: none). */
  old: z.union([markValue, z.string()]).nullable(),
  new: z.union([markValue, z.string()]).nullable(),
  reason: z.string().nullable(),
  /** Not yet accepted by AVN (the mutation waits in the outbox). */
  pending: z.boolean(),
  /** AVN refused it (it waits, or waited, for a decision on the Sync screen). */
  refused: z.boolean(),
});
export type HistoryEntry = z.infer<typeof historyEntry>;
export type GridLesson = z.infer<typeof gridLesson>;
export type GridStudent = z.infer<typeof gridStudent>;
export type GridMark = z.infer<typeof gridMark>;
export type GroupSummary = z.infer<typeof groupSummary>;
export type OfferingSummary = z.infer<typeof offeringSummary>;

const markInput = z
  .object({ studentId: id, attendance: z.enum(ATTENDANCE).nullable(), grade: grade.nullable() })
  .strict()
  .refine((m) => m.grade === null || m.attendance === 'p', {
    message: 'a grade needs attendance present',
    path: ['grade'],
    params: { reason: 'gradeNeedsPresence' },
  });

const markList = z
  .array(markInput)
  .min(1)
  .max(300)
  .superRefine((marks, ctx) => {
    const seen = new Set<number>();
    marks.forEach((m, i) => {
      if (seen.has(m.studentId)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'studentId'],
          message: 'student given twice',
          params: { reason: 'duplicate' },
        });
      }
      seen.add(m.studentId);
    });
  });

export const journalContract = {
  /** Groups whose journals the caller may view (DOMAIN.md, Roles: view journals), optionally searched. */
  'journal.groups': method({
    input: z.object({ search: z.string().trim().max(50).optional(), facultyId: id.optional() }).strict(),
    output: z.array(groupSummary),
  }),
  /** The group's offerings (нагрузка) that the caller may view. */
  'journal.offerings': method({
    input: z.object({ groupId: id }).strict(),
    output: z.object({ group: groupSummary, offerings: z.array(offeringSummary) }),
    scoped: { groupId: 'group' },
  }),
  /**
   * One offering's journal: students × lessons with attendance and grades, topics, who conducted each
   * lesson, and the lock state (§3.4, §4.3). `subgroupId` narrows the students to one subgroup.
   */
  'journal.grid': method({
    input: z.object({ offeringId: id, subgroupId: id.optional() }).strict(),
    output: journalGrid,
    scoped: { offeringId: 'offering' },
  }),
  /**
   * The history of one cell — a student's mark at a lesson — or, without `studentId`, of the lesson's
   * topic, oldest first: every change this replica's audit log holds (who, when, old → new, the reason
   * where one was given), and whether it still waits for AVN or was refused. Same access as the grid.
   */
  'journal.cellHistory': method({
    input: z.object({ lessonId: id, studentId: id.optional() }).strict(),
    output: z.array(historyEntry),
    scoped: { lessonId: 'lesson' },
  }),
  /**
   * Set attendance and grades at one lesson (§3.4): `+`/`нб`/`нб(у)` and an optional 5/4/3/2 per student,
   * attendance null clears a cell. Only the responsible teacher — the substitute of a covered lesson —
   * of a lesson that has begun and is not locked (§4.3). Goes through the one write path: rows, audit
   * and outbox in one transaction. The lesson's first completion time is recorded when it becomes
   * complete.
   */
  'journal.setMarks': method({
    input: z.object({ lessonId: id, marks: markList }).strict(),
    output: z.object({ lessonId: id, completedAt: z.number().int().nullable(), marks: z.array(gridMark) }),
    scoped: { lessonId: 'lesson' },
    writes: true,
  }),
  /** Set or clear a lesson's topic (from the КТП or typed), under the same rights as marks. */
  'journal.setTopic': method({
    input: z.object({ lessonId: id, topic: z.string().trim().min(1).max(500).nullable() }).strict(),
    output: z.object({
      lessonId: id,
      topic: z.string().nullable(),
      completedAt: z.number().int().nullable(),
    }),
    scoped: { lessonId: 'lesson' },
    writes: true,
  }),
  /**
   * Close the offering's intermediate assessment (§4.3: the teacher may not change the journal after
   * the final intermediate result): only its own teacher, when every student has a result. From then
   * its lessons up to today are locked until the deanery grants a time-limited unlock.
   */
  'journal.close': method({
    input: z.object({ offeringId: id }).strict(),
    output: z.object({ lockId: z.string(), closedOn: isoDate, closedAt: z.number().int() }),
    scoped: { offeringId: 'offering' },
    writes: true,
  }),
  /**
   * Grant a time-limited unlock of a closed offering — all of it, one lesson or one student — with a
   * reason (DOMAIN.md, Locks): the deanery of the group's faculty. When it expires the lock returns.
   */
  'journal.unlock': method({
    input: z
      .object({
        offeringId: id,
        lessonId: id.optional(),
        studentId: id.optional(),
        days: z.number().int().min(1).max(UNLOCK_MAX_DAYS),
        reason: z.string().trim().min(3).max(500),
      })
      .strict(),
    output: z.object({ unlockId: z.string(), expiresAt: z.number().int() }),
    scoped: { offeringId: 'offering' },
    writes: true,
  }),
};
