import { sql } from 'drizzle-orm';
import { getTableName } from 'drizzle-orm';
import { ENTITY_KEYS, type EntityKey } from '../../src-shared/contract/replica.contract';
import type { Db } from './open';
import * as schema from './schema';

/** The table of each entity the API and CLI count. */
export const ENTITY_TABLES: Readonly<Record<EntityKey, string>> = {
  academicYears: getTableName(schema.academicYears),
  semesters: getTableName(schema.semesters),
  calendarDays: getTableName(schema.calendarDays),
  bellPairs: getTableName(schema.bellPairs),
  faculties: getTableName(schema.faculties),
  departments: getTableName(schema.departments),
  teachers: getTableName(schema.teachers),
  teacherDepartments: getTableName(schema.teacherDepartments),
  groups: getTableName(schema.groups),
  subgroups: getTableName(schema.subgroups),
  students: getTableName(schema.students),
  enrolments: getTableName(schema.enrolments),
  subgroupMembers: getTableName(schema.subgroupMembers),
  parentContacts: getTableName(schema.parentContacts),
  users: getTableName(schema.users),
  userRoles: getTableName(schema.userRoles),
  disciplines: getTableName(schema.disciplines),
  rooms: getTableName(schema.rooms),
  offerings: getTableName(schema.offerings),
  timetableSlots: getTableName(schema.timetableSlots),
  planTopics: getTableName(schema.planTopics),
  lessons: getTableName(schema.lessons),
  marks: getTableName(schema.marks),
  assessments: getTableName(schema.assessments),
  locks: getTableName(schema.locks),
  unlocks: getTableName(schema.unlocks),
  absences: getTableName(schema.absences),
  substitutions: getTableName(schema.substitutions),
  weeklyChecks: getTableName(schema.weeklyChecks),
  paperJournals: getTableName(schema.paperJournals),
  archivePackages: getTableName(schema.archivePackages),
  archivePurges: getTableName(schema.archivePurges),
  documents: getTableName(schema.documents),
  auditLog: getTableName(schema.auditLog),
  outbox: getTableName(schema.outbox),
  syncConflicts: getTableName(schema.syncConflicts),
};

/** Row counts of every entity. */
export function entityCounts(db: Db): Array<{ entity: EntityKey; count: number }> {
  return ENTITY_KEYS.map((entity) => {
    const row = db.get<{ n: number }>(
      sql`SELECT count(*) AS n FROM ${sql.identifier(ENTITY_TABLES[entity])}`,
    );
    return { entity, count: row?.n ?? 0 };
  });
}
