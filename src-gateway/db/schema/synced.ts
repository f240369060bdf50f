import {
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { ms, syncColumns } from './common';

/**
 * The central copies of the synced tables: the same names, columns and meanings as the replica's
 * (src-main/db/schema). Booleans stay integers 0/1 and times epoch milliseconds, so a row has the same
 * canonical content on both sides (checksums). `schema-parity.test.ts` holds the two in step.
 */

export const academicYears = pgTable('academic_years', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  startsOn: text('starts_on').notNull(),
  endsOn: text('ends_on').notNull(),
  ...syncColumns(),
});

export const semesters = pgTable('semesters', {
  id: integer('id').primaryKey(),
  academicYearId: integer('academic_year_id')
    .notNull()
    .references(() => academicYears.id),
  number: integer('number').notNull(),
  startsOn: text('starts_on').notNull(),
  endsOn: text('ends_on').notNull(),
  ...syncColumns(),
});

export const calendarDays = pgTable('calendar_days', {
  id: integer('id').primaryKey(),
  date: text('date').notNull(),
  kind: text('kind').notNull(),
  nameRu: text('name_ru').notNull(),
  nameKy: text('name_ky').notNull(),
  ...syncColumns(),
});

export const bellPairs = pgTable('bell_pairs', {
  id: integer('id').primaryKey(),
  number: integer('number').notNull(),
  startsAt: text('starts_at').notNull(),
  endsAt: text('ends_at').notNull(),
  ...syncColumns(),
});

export const faculties = pgTable('faculties', {
  id: integer('id').primaryKey(),
  code: text('code').notNull(),
  kind: text('kind').notNull(),
  nameRu: text('name_ru').notNull(),
  nameKy: text('name_ky').notNull(),
  ...syncColumns(),
});

export const teachers = pgTable('teachers', {
  id: integer('id').primaryKey(),
  lastName: text('last_name').notNull(),
  firstName: text('first_name').notNull(),
  patronymic: text('patronymic'),
  position: text('position').notNull(),
  ...syncColumns(),
});

export const departments = pgTable('departments', {
  id: integer('id').primaryKey(),
  facultyId: integer('faculty_id')
    .notNull()
    .references(() => faculties.id),
  code: text('code').notNull(),
  nameRu: text('name_ru').notNull(),
  nameKy: text('name_ky').notNull(),
  headTeacherId: integer('head_teacher_id').references((): AnyPgColumn => teachers.id),
  ...syncColumns(),
});

export const teacherDepartments = pgTable('teacher_departments', {
  id: integer('id').primaryKey(),
  teacherId: integer('teacher_id')
    .notNull()
    .references(() => teachers.id),
  departmentId: integer('department_id')
    .notNull()
    .references(() => departments.id),
  rate: doublePrecision('rate').notNull(),
  isPrimary: integer('is_primary').notNull(),
  ...syncColumns(),
});

export const disciplines = pgTable('disciplines', {
  id: integer('id').primaryKey(),
  departmentId: integer('department_id')
    .notNull()
    .references(() => departments.id),
  code: text('code').notNull(),
  nameRu: text('name_ru').notNull(),
  nameKy: text('name_ky').notNull(),
  ...syncColumns(),
});

export const rooms = pgTable('rooms', {
  id: integer('id').primaryKey(),
  code: text('code').notNull(),
  building: text('building').notNull(),
  capacity: integer('capacity').notNull(),
  qrCode: text('qr_code').notNull(),
  ...syncColumns(),
});

export const groups = pgTable(
  'groups',
  {
    id: integer('id').primaryKey(),
    facultyId: integer('faculty_id')
      .notNull()
      .references(() => faculties.id),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    code: text('code').notNull(),
    admissionYear: integer('admission_year').notNull(),
    course: integer('course').notNull(),
    language: text('language').notNull(),
    curatorTeacherId: integer('curator_teacher_id').references(() => teachers.id),
    ...syncColumns(),
  },
  (t) => [index('c_groups_faculty').on(t.facultyId)],
);

export const subgroups = pgTable(
  'subgroups',
  {
    id: integer('id').primaryKey(),
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    ...syncColumns(),
  },
  (t) => [index('c_subgroups_group').on(t.groupId)],
);

export const students = pgTable('students', {
  id: integer('id').primaryKey(),
  recordBookNo: text('record_book_no').notNull(),
  lastName: text('last_name').notNull(),
  firstName: text('first_name').notNull(),
  patronymic: text('patronymic'),
  gender: text('gender').notNull(),
  birthDate: text('birth_date').notNull(),
  ...syncColumns(),
});

export const enrolments = pgTable(
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
    startReason: text('start_reason').notNull(),
    endReason: text('end_reason'),
    ...syncColumns(),
  },
  (t) => [index('c_enrolments_group').on(t.groupId), index('c_enrolments_student').on(t.studentId)],
);

export const subgroupMembers = pgTable(
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
  (t) => [index('c_subgroup_members_subgroup').on(t.subgroupId)],
);

export const parentContacts = pgTable(
  'parent_contacts',
  {
    id: integer('id').primaryKey(),
    studentId: integer('student_id')
      .notNull()
      .references(() => students.id),
    fullName: text('full_name').notNull(),
    relation: text('relation').notNull(),
    phone: text('phone').notNull(),
    ...syncColumns(),
  },
  (t) => [index('c_parent_contacts_student').on(t.studentId)],
);

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey(),
    login: text('login').notNull(),
    displayName: text('display_name').notNull(),
    teacherId: integer('teacher_id').references(() => teachers.id),
    studentId: integer('student_id').references(() => students.id),
    passwordHash: text('password_hash'),
    locale: text('locale').notNull(),
    active: integer('active').notNull(),
    ...syncColumns(),
  },
  (t) => [uniqueIndex('c_users_login').on(t.login)],
);

export const userRoles = pgTable(
  'user_roles',
  {
    id: integer('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role').notNull(),
    scopeKind: text('scope_kind').notNull(),
    scopeId: integer('scope_id'),
    ...syncColumns(),
  },
  (t) => [index('c_user_roles_user').on(t.userId)],
);

export const offerings = pgTable(
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
    lessonKind: text('lesson_kind').notNull(),
    plannedHours: integer('planned_hours').notNull(),
    ...syncColumns(),
  },
  (t) => [
    index('c_offerings_group').on(t.groupId),
    index('c_offerings_department').on(t.departmentId),
    index('c_offerings_teacher').on(t.teacherId),
  ],
);

export const timetableSlots = pgTable(
  'timetable_slots',
  {
    id: integer('id').primaryKey(),
    offeringId: integer('offering_id')
      .notNull()
      .references(() => offerings.id),
    weekday: integer('weekday').notNull(),
    pair: integer('pair').notNull(),
    roomId: integer('room_id').references(() => rooms.id),
    parity: text('parity').notNull(),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
    ...syncColumns(),
  },
  (t) => [index('c_timetable_slots_offering').on(t.offeringId)],
);

export const absences = pgTable('absences', {
  id: text('id').primaryKey(),
  teacherId: integer('teacher_id')
    .notNull()
    .references(() => teachers.id),
  startsOn: text('starts_on').notNull(),
  endsOn: text('ends_on').notNull(),
  pairs: text('pairs'),
  reason: text('reason').notNull(),
  documentRef: text('document_ref'),
  createdBy: integer('created_by'),
  ...syncColumns(),
});

export const planTopics = pgTable(
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
  (t) => [index('c_plan_topics_offering').on(t.offeringId)],
);

export const lessons = pgTable(
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
    status: text('status').notNull(),
    origin: text('origin').notNull(),
    statusReason: text('status_reason'),
    movedFromId: integer('moved_from_id'),
    completedAt: ms('completed_at'),
    ...syncColumns(),
  },
  (t) => [index('c_lessons_offering').on(t.offeringId)],
);

export const marks = pgTable(
  'marks',
  {
    lessonId: integer('lesson_id')
      .notNull()
      .references(() => lessons.id),
    studentId: integer('student_id')
      .notNull()
      .references(() => students.id),
    attendance: text('attendance').notNull(),
    grade: integer('grade'),
    ...syncColumns(),
  },
  (t) => [primaryKey({ columns: [t.lessonId, t.studentId] })],
);

export const assessments = pgTable(
  'assessments',
  {
    id: integer('id').primaryKey(),
    offeringId: integer('offering_id')
      .notNull()
      .references(() => offerings.id),
    studentId: integer('student_id')
      .notNull()
      .references(() => students.id),
    kind: text('kind').notNull(),
    ordinal: integer('ordinal').notNull(),
    date: text('date').notNull(),
    grade: integer('grade'),
    points: integer('points'),
    passed: integer('passed'),
    outcome: text('outcome'),
    ...syncColumns(),
  },
  (t) => [index('c_assessments_offering').on(t.offeringId)],
);

export const locks = pgTable(
  'locks',
  {
    id: text('id').primaryKey(),
    offeringId: integer('offering_id')
      .notNull()
      .references(() => offerings.id),
    closedOn: text('closed_on').notNull(),
    closedAt: ms('closed_at').notNull(),
    closedBy: integer('closed_by'),
    ...syncColumns(),
  },
  (t) => [uniqueIndex('c_locks_offering').on(t.offeringId)],
);

export const unlocks = pgTable(
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
    grantedAt: ms('granted_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    ...syncColumns(),
  },
  (t) => [index('c_unlocks_offering').on(t.offeringId)],
);

export const substitutions = pgTable(
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
    assignedAt: ms('assigned_at').notNull(),
    cancelledAt: ms('cancelled_at'),
    ...syncColumns(),
  },
  (t) => [index('c_substitutions_lesson').on(t.lessonId)],
);

/** A recorded weekly control check with the figures the checker saw (mirrors the replica's table). */
export const weeklyChecks = pgTable(
  'weekly_checks',
  {
    id: text('id').primaryKey(),
    unitKind: text('unit_kind').notNull(),
    unitId: integer('unit_id'),
    periodFrom: text('period_from').notNull(),
    periodTo: text('period_to').notNull(),
    week: text('week'),
    checkedBy: integer('checked_by').notNull(),
    checkedAt: ms('checked_at').notNull(),
    comment: text('comment').notNull(),
    snapshot: text('snapshot').notNull(),
    ...syncColumns(),
  },
  (t) => [index('c_weekly_checks_unit').on(t.unitKind, t.unitId, t.periodFrom)],
);

export const paperJournals = pgTable(
  'paper_journals',
  {
    id: text('id').primaryKey(),
    offeringId: integer('offering_id')
      .notNull()
      .references(() => offerings.id),
    number: text('number').notNull(),
    code: text('code').notNull(),
    locale: text('locale').notNull(),
    pages: integer('pages').notNull(),
    printedAt: ms('printed_at').notNull(),
    printedBy: integer('printed_by'),
    signedOn: text('signed_on'),
    archivedOn: text('archived_on'),
    transferAct: text('transfer_act'),
    ...syncColumns(),
  },
  (t) => [
    index('c_paper_journals_offering').on(t.offeringId, t.printedAt),
    index('c_paper_journals_code').on(t.code),
  ],
);

export const archivePackages = pgTable(
  'archive_packages',
  {
    id: text('id').primaryKey(),
    unitKind: text('unit_kind').notNull(),
    unitId: integer('unit_id'),
    periodKind: text('period_kind').notNull(),
    periodId: integer('period_id').notNull(),
    academicYearId: integer('academic_year_id').notNull(),
    fileName: text('file_name').notNull(),
    sizeBytes: ms('size_bytes').notNull(),
    digest: text('digest').notNull(),
    counts: text('counts').notNull(),
    madeAt: ms('made_at').notNull(),
    madeBy: integer('made_by'),
    verifiedAt: ms('verified_at'),
    verifiedBy: integer('verified_by'),
    ...syncColumns(),
  },
  (t) => [
    index('c_archive_packages_digest').on(t.digest),
    index('c_archive_packages_year').on(t.academicYearId, t.unitKind, t.unitId),
  ],
);

export const archivePurges = pgTable(
  'archive_purges',
  {
    id: text('id').primaryKey(),
    academicYearId: integer('academic_year_id').notNull(),
    unitKind: text('unit_kind').notNull(),
    unitId: integer('unit_id'),
    packageId: text('package_id')
      .notNull()
      .references(() => archivePackages.id),
    requestedAt: ms('requested_at').notNull(),
    requestedBy: integer('requested_by'),
    purgedAt: ms('purged_at'),
    counts: text('counts'),
    ...syncColumns(),
  },
  (t) => [index('c_archive_purges_year').on(t.academicYearId)],
);

/** The register of printed documents (issue 15): mirrors the replica's table; the number is unique. */
export const documents = pgTable(
  'documents',
  {
    id: text('id').primaryKey(),
    number: text('number').notNull(),
    kind: text('kind').notNull(),
    locale: text('locale').notNull(),
    code: text('code').notNull(),
    canon: integer('canon').notNull(),
    pages: integer('pages').notNull(),
    subjectKind: text('subject_kind'),
    subjectId: integer('subject_id'),
    twin: text('twin'),
    printedAt: ms('printed_at').notNull(),
    printedBy: integer('printed_by'),
    ...syncColumns(),
  },
  (t) => [
    uniqueIndex('c_documents_number').on(t.number),
    index('c_documents_code').on(t.code),
    index('c_documents_printed').on(t.printedAt),
    index('c_documents_subject').on(t.subjectKind, t.subjectId),
  ],
);
