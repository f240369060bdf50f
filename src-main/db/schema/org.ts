import {
  sqliteTable,
  integer,
  text,
  real,
  index,
  uniqueIndex,
  type AnySQLiteColumn,
} from 'drizzle-orm/sqlite-core';
import { syncColumns } from './common';

/** Факультет / институт / колледж: a unit with a deanery; the scope of a faculty replica. */
export const faculties = sqliteTable('faculties', {
  id: integer('id').primaryKey(),
  code: text('code').notNull(),
  kind: text('kind', { enum: ['faculty', 'institute', 'college'] }).notNull(),
  nameRu: text('name_ru').notNull(),
  nameKy: text('name_ky').notNull(),
  ...syncColumns(),
});

/** Преподаватель. Staff of one or more departments (teacher_departments). */
export const teachers = sqliteTable(
  'teachers',
  {
    id: integer('id').primaryKey(),
    lastName: text('last_name').notNull(),
    firstName: text('first_name').notNull(),
    patronymic: text('patronymic'),
    position: text('position', {
      enum: ['professor', 'docent', 'senior_lecturer', 'lecturer', 'assistant'],
    }).notNull(),
    ...syncColumns(),
  },
  (t) => [index('teachers_name').on(t.lastName, t.firstName)],
);

/** Кафедра: owns disciplines and teachers; has a head. */
export const departments = sqliteTable(
  'departments',
  {
    id: integer('id').primaryKey(),
    facultyId: integer('faculty_id')
      .notNull()
      .references(() => faculties.id),
    code: text('code').notNull(),
    nameRu: text('name_ru').notNull(),
    nameKy: text('name_ky').notNull(),
    headTeacherId: integer('head_teacher_id').references((): AnySQLiteColumn => teachers.id),
    ...syncColumns(),
  },
  (t) => [index('departments_faculty').on(t.facultyId)],
);

/** A teacher's post at a department (a teacher may work at several). */
export const teacherDepartments = sqliteTable(
  'teacher_departments',
  {
    id: integer('id').primaryKey(),
    teacherId: integer('teacher_id')
      .notNull()
      .references(() => teachers.id),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    rate: real('rate').notNull(),
    isPrimary: integer('is_primary', { mode: 'boolean' }).notNull(),
    ...syncColumns(),
  },
  (t) => [
    uniqueIndex('teacher_departments_pair').on(t.teacherId, t.departmentId),
    index('teacher_departments_dept').on(t.departmentId),
  ],
);

/** Дисциплина, owned by a department. */
export const disciplines = sqliteTable(
  'disciplines',
  {
    id: integer('id').primaryKey(),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    code: text('code').notNull(),
    nameRu: text('name_ru').notNull(),
    nameKy: text('name_ky').notNull(),
    ...syncColumns(),
  },
  (t) => [index('disciplines_department').on(t.departmentId)],
);

/** Аудитория; students scan its QR code at the start of class (§4.2). */
export const rooms = sqliteTable(
  'rooms',
  {
    id: integer('id').primaryKey(),
    code: text('code').notNull(),
    building: text('building').notNull(),
    capacity: integer('capacity').notNull(),
    qrCode: text('qr_code').notNull(),
    ...syncColumns(),
  },
  (t) => [uniqueIndex('rooms_code').on(t.code)],
);
