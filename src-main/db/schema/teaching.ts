import { sqliteTable, integer, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import {
  ASSESSMENT_KINDS,
  ASSESSMENT_OUTCOMES,
  ATTENDANCE,
  LESSON_KINDS,
  LESSON_ORIGINS,
  LESSON_STATUSES,
  PARITIES,
} from '../../../src-shared/domain/journal';
import { syncColumns } from './common';
import { semesters } from './calendar';
import { departments, disciplines, rooms, teachers } from './org';
import { groups, students, subgroups } from './people';

/**
 * Нагрузка: teacher × discipline × group (or one subgroup) × lesson kind × semester, with planned
 * hours. The offering's department is the one that teaches it (it decides department scope).
 */
export const offerings = sqliteTable(
  'offerings',
  {
    id: integer('id').primaryKey(),
    semesterId: integer('semester_id')
      .notNull()
      .references(() => semesters.id),
    disciplineId: integer('discipline_id')
      .notNull()
      .references(() => disciplines.id),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    teacherId: integer('teacher_id')
      .notNull()
      .references(() => teachers.id),
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id),
    subgroupId: integer('subgroup_id').references(() => subgroups.id),
    lessonKind: text('lesson_kind', { enum: LESSON_KINDS }).notNull(),
    plannedHours: integer('planned_hours').notNull(),
    ...syncColumns(),
  },
  (t) => [
    index('offerings_group').on(t.groupId),
    index('offerings_teacher').on(t.teacherId),
    index('offerings_department').on(t.departmentId),
    index('offerings_semester').on(t.semesterId),
  ],
);

/** Расписание: offering × ISO weekday × pair × room × week parity × date range. */
export const timetableSlots = sqliteTable(
  'timetable_slots',
  {
    id: integer('id').primaryKey(),
    offeringId: integer('offering_id')
      .notNull()
      .references(() => offerings.id),
    weekday: integer('weekday').notNull(),
    pair: integer('pair').notNull(),
    roomId: integer('room_id').references(() => rooms.id),
    parity: text('parity', { enum: PARITIES }).notNull(),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
    ...syncColumns(),
  },
  (t) => [
    index('timetable_slots_offering').on(t.offeringId),
    index('timetable_slots_time').on(t.weekday, t.pair),
  ],
);

/** КТП: the ordered topics of an offering with their hours, entered before the year (§4.3). */
export const planTopics = sqliteTable(
  'plan_topics',
  {
    id: integer('id').primaryKey(),
    offeringId: integer('offering_id')
      .notNull()
      .references(() => offerings.id),
    ordinal: integer('ordinal').notNull(),
    title: text('title').notNull(),
    hours: integer('hours').notNull(),
    ...syncColumns(),
  },
  (t) => [uniqueIndex('plan_topics_offering').on(t.offeringId, t.ordinal)],
);

/**
 * Занятие. Lessons are rows (ARCHITECTURE.md): generated from the timetable, then cancelled, moved or
 * added. `conductedBy` is who held it (the substitute for a substituted lesson); `completedAt` is the
 * first time it became complete (topic + every enrolled student's attendance), kept for timeliness.
 */
export const lessons = sqliteTable(
  'lessons',
  {
    id: integer('id').primaryKey(),
    offeringId: integer('offering_id')
      .notNull()
      .references(() => offerings.id),
    date: text('date').notNull(),
    pair: integer('pair').notNull(),
    roomId: integer('room_id').references(() => rooms.id),
    slotId: integer('slot_id').references(() => timetableSlots.id),
    planTopicId: integer('plan_topic_id').references(() => planTopics.id),
    topic: text('topic'),
    conductedBy: integer('conducted_by').references(() => teachers.id),
    status: text('status', { enum: LESSON_STATUSES }).notNull(),
    origin: text('origin', { enum: LESSON_ORIGINS }).notNull(),
    statusReason: text('status_reason'),
    /** For a moved lesson: the lesson row it was moved from. */
    movedFromId: integer('moved_from_id'),
    completedAt: integer('completed_at'),
    ...syncColumns(),
  },
  (t) => [
    index('lessons_offering').on(t.offeringId, t.date, t.pair),
    index('lessons_date').on(t.date, t.pair),
  ],
);

/**
 * Отметка: one student at one lesson, keyed by (lesson, student). Attendance is explicit — a missing
 * row means "not recorded", never "present" (DOMAIN.md). `updatedAt`/`updatedBy` say who set it, when.
 */
export const marks = sqliteTable(
  'marks',
  {
    lessonId: integer('lesson_id')
      .notNull()
      .references(() => lessons.id),
    studentId: integer('student_id')
      .notNull()
      .references(() => students.id),
    attendance: text('attendance', { enum: ATTENDANCE }).notNull(),
    grade: integer('grade'),
    ...syncColumns(),
  },
  (t) => [primaryKey({ columns: [t.lessonId, t.studentId] })],
);

/**
 * Results of current, module, intermediate and final control (§2.4): a 5-point grade, зачёт/незачёт
 * (`passed`), or points 0–100, or an outcome (no-show, not admitted) that counts as failing.
 */
export const assessments = sqliteTable(
  'assessments',
  {
    id: integer('id').primaryKey(),
    offeringId: integer('offering_id')
      .notNull()
      .references(() => offerings.id),
    studentId: integer('student_id')
      .notNull()
      .references(() => students.id),
    kind: text('kind', { enum: ASSESSMENT_KINDS }).notNull(),
    ordinal: integer('ordinal').notNull(),
    date: text('date').notNull(),
    grade: integer('grade'),
    points: integer('points'),
    passed: integer('passed', { mode: 'boolean' }),
    outcome: text('outcome', { enum: ASSESSMENT_OUTCOMES }),
    ...syncColumns(),
  },
  (t) => [uniqueIndex('assessments_key').on(t.offeringId, t.studentId, t.kind, t.ordinal)],
);
