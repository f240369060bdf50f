import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { syncColumns } from './common';
import { departments, faculties, teachers } from './org';

/** Группа, e.g. ПИ-1-24 (speciality, course stream, admission year). */
export const groups = sqliteTable(
  'groups',
  {
    id: integer('id').primaryKey(),
    facultyId: integer('faculty_id')
      .notNull()
      .references(() => faculties.id),
    /** The graduating department of the group's speciality. */
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    code: text('code').notNull(),
    admissionYear: integer('admission_year').notNull(),
    course: integer('course').notNull(),
    /** Language of instruction: 'ru' or 'ky'. */
    language: text('language', { enum: ['ru', 'ky'] }).notNull(),
    curatorTeacherId: integer('curator_teacher_id').references(() => teachers.id),
    ...syncColumns(),
  },
  (t) => [uniqueIndex('groups_code').on(t.code), index('groups_faculty').on(t.facultyId)],
);

/** Подгруппа: splits a group for labs or languages (§3.2, §3.4). */
export const subgroups = sqliteTable(
  'subgroups',
  {
    id: integer('id').primaryKey(),
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id),
    kind: text('kind', { enum: ['lab', 'language'] }).notNull(),
    name: text('name').notNull(),
    ...syncColumns(),
  },
  (t) => [index('subgroups_group').on(t.groupId)],
);

/** Студент, with a record-book number (№ зачётки). Membership lives in enrolments. */
export const students = sqliteTable(
  'students',
  {
    id: integer('id').primaryKey(),
    recordBookNo: text('record_book_no').notNull(),
    lastName: text('last_name').notNull(),
    firstName: text('first_name').notNull(),
    patronymic: text('patronymic'),
    gender: text('gender', { enum: ['m', 'f'] }).notNull(),
    birthDate: text('birth_date').notNull(),
    ...syncColumns(),
  },
  (t) => [uniqueIndex('students_record_book').on(t.recordBookNo), index('students_name').on(t.lastName)],
);

/**
 * Enrolment history: a student belongs to a group from `startsOn` to `endsOn` (inclusive; null = still).
 * A transfer ends one row and starts another, so past journals keep the student where they were.
 */
export const enrolments = sqliteTable(
  'enrolments',
  {
    id: integer('id').primaryKey(),
    studentId: integer('student_id')
      .notNull()
      .references(() => students.id),
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on'),
    startReason: text('start_reason', { enum: ['admission', 'transfer_in', 'reinstated'] }).notNull(),
    endReason: text('end_reason', { enum: ['transfer_out', 'expelled', 'academic_leave', 'graduated'] }),
    ...syncColumns(),
  },
  (t) => [index('enrolments_group').on(t.groupId, t.startsOn), index('enrolments_student').on(t.studentId)],
);

/** Subgroup membership history, dated like enrolments. */
export const subgroupMembers = sqliteTable(
  'subgroup_members',
  {
    id: integer('id').primaryKey(),
    studentId: integer('student_id')
      .notNull()
      .references(() => students.id),
    subgroupId: integer('subgroup_id')
      .notNull()
      .references(() => subgroups.id),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on'),
    ...syncColumns(),
  },
  (t) => [
    index('subgroup_members_subgroup').on(t.subgroupId),
    index('subgroup_members_student').on(t.studentId),
  ],
);

/** Parents and guardians; curators contact them (§7.6). */
export const parentContacts = sqliteTable(
  'parent_contacts',
  {
    id: integer('id').primaryKey(),
    studentId: integer('student_id')
      .notNull()
      .references(() => students.id),
    fullName: text('full_name').notNull(),
    relation: text('relation', { enum: ['mother', 'father', 'guardian'] }).notNull(),
    phone: text('phone').notNull(),
    ...syncColumns(),
  },
  (t) => [index('parent_contacts_student').on(t.studentId)],
);
