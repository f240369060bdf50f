import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { syncColumns } from './common';

/** Учебный год, e.g. 2026–2027. Dates are Bishkek calendar dates 'YYYY-MM-DD'. */
export const academicYears = sqliteTable('academic_years', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  startsOn: text('starts_on').notNull(),
  endsOn: text('ends_on').notNull(),
  ...syncColumns(),
});

/** A semester: 1 (Sep–Jan) or 2 (Feb–Jun). Week parity counts from `startsOn` (week 1 is odd). */
export const semesters = sqliteTable(
  'semesters',
  {
    id: integer('id').primaryKey(),
    academicYearId: integer('academic_year_id')
      .notNull()
      .references(() => academicYears.id),
    number: integer('number').notNull(),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
    ...syncColumns(),
  },
  (t) => [uniqueIndex('semesters_year_number').on(t.academicYearId, t.number)],
);

/**
 * Exceptions of the university calendar: public holidays and days the university declares
 * non-teaching (`holiday`, `non_teaching`), or a weekend made a working day (`working_day`).
 */
export const calendarDays = sqliteTable(
  'calendar_days',
  {
    id: integer('id').primaryKey(),
    date: text('date').notNull(),
    kind: text('kind', { enum: ['holiday', 'non_teaching', 'working_day'] }).notNull(),
    nameRu: text('name_ru').notNull(),
    nameKy: text('name_ky').notNull(),
    ...syncColumns(),
  },
  (t) => [uniqueIndex('calendar_days_date').on(t.date)],
);

/** The bell schedule: pair number → start and end wall time in Bishkek ('HH:MM'). */
export const bellPairs = sqliteTable(
  'bell_pairs',
  {
    id: integer('id').primaryKey(),
    number: integer('number').notNull(),
    startsAt: text('starts_at').notNull(),
    endsAt: text('ends_at').notNull(),
    ...syncColumns(),
  },
  (t) => [uniqueIndex('bell_pairs_number').on(t.number), index('bell_pairs_start').on(t.startsAt)],
);
