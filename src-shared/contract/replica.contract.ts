import { z } from 'zod';
import { empty, method } from './common';

/** The replica's tables, named as the catalogues name them (entity.<key>). */
export const ENTITY_KEYS = [
  'academicYears',
  'semesters',
  'calendarDays',
  'bellPairs',
  'faculties',
  'departments',
  'teachers',
  'teacherDepartments',
  'groups',
  'subgroups',
  'students',
  'enrolments',
  'subgroupMembers',
  'parentContacts',
  'users',
  'userRoles',
  'disciplines',
  'rooms',
  'offerings',
  'timetableSlots',
  'planTopics',
  'lessons',
  'marks',
  'assessments',
  'locks',
  'unlocks',
  'absences',
  'substitutions',
  'weeklyChecks',
  'paperJournals',
  'archivePackages',
  'archivePurges',
  'documents',
  'auditLog',
  'outbox',
  'syncConflicts',
] as const;
export type EntityKey = (typeof ENTITY_KEYS)[number];

export const replicaContract = {
  /** Row counts of every entity in the replica file (the admin's look at this PC's replica; CLI `info`). */
  'replica.counts': method({
    input: empty,
    output: z.array(z.object({ entity: z.enum(ENTITY_KEYS), count: z.number().int() })),
  }),
};
