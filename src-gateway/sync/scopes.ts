import type { ScopeRef } from '../../src-shared/sync/tables';
import type { Sql } from '../db/client';

/**
 * Which rows belong to which replica scope (DOMAIN.md, Scopes). A faculty replica holds the faculty's
 * groups' students and everything about their lessons, whoever teaches them; a department replica
 * holds the department's offerings, their lessons, and the groups and students in them. Reference
 * tables go to every replica ('*'); accounts of students and parents never leave the centre.
 *
 * Each scoped table names the column that leads to its scope and how: through a student, a group, a
 * subgroup, an offering or a lesson.
 */
type Via = 'student' | 'group' | 'subgroup' | 'offering' | 'lesson' | 'self-student';

const VIA: Readonly<Record<string, { via: Via; column: string }>> = {
  students: { via: 'self-student', column: 'id' },
  enrolments: { via: 'group', column: 'group_id' },
  subgroup_members: { via: 'subgroup', column: 'subgroup_id' },
  parent_contacts: { via: 'student', column: 'student_id' },
  plan_topics: { via: 'offering', column: 'offering_id' },
  lessons: { via: 'offering', column: 'offering_id' },
  assessments: { via: 'offering', column: 'offering_id' },
  locks: { via: 'offering', column: 'offering_id' },
  unlocks: { via: 'offering', column: 'offering_id' },
  paper_journals: { via: 'offering', column: 'offering_id' },
  marks: { via: 'lesson', column: 'lesson_id' },
  substitutions: { via: 'lesson', column: 'lesson_id' },
};

/**
 * Whether a written row changes which rows belong to which scope (so the maintained checksums must be
 * rebuilt): a row of a table the scope rules join through, added, removed or with a joining column
 * changed, or a scoped row moved to another parent; accounts always (the reference filter reads them).
 */
const MEMBERSHIP: Readonly<Record<string, readonly string[]>> = {
  enrolments: ['group_id', 'student_id'],
  groups: ['faculty_id'],
  offerings: ['group_id', 'subgroup_id', 'department_id'],
  subgroups: ['group_id'],
};
export function changesMembership(
  table: string,
  old: Record<string, unknown> | null,
  row: Record<string, unknown> | null,
): boolean {
  if (table === 'users' || table === 'user_roles') return true;
  const cols = [...(MEMBERSHIP[table] ?? []), ...(VIA[table] ? [VIA[table].column] : [])];
  if (cols.length === 0) return false;
  if (table in MEMBERSHIP && (old === null || row === null)) return true;
  return old !== null && row !== null && cols.some((c) => String(old[c]) !== String(row[c]));
}

/** Reference rows that stay central: accounts of students and parents. */
const REF_FILTER: Readonly<Record<string, string>> = {
  users: 't.student_id IS NULL',
  user_roles: 't.user_id IN (SELECT id FROM users WHERE student_id IS NULL)',
};

/** Groups in a scope, as SQL with the scope id as $1. */
function groupsIn(kind: 'faculty' | 'department'): string {
  return kind === 'faculty'
    ? 'SELECT id FROM groups WHERE faculty_id = $1'
    : 'SELECT DISTINCT group_id FROM offerings WHERE department_id = $1';
}

function offeringsIn(kind: 'faculty' | 'department'): string {
  return kind === 'faculty'
    ? 'SELECT o.id FROM offerings o JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = $1'
    : 'SELECT id FROM offerings WHERE department_id = $1';
}

/**
 * The WHERE condition (on alias `t`) selecting a table's rows in a scope, with its parameters.
 * Parameters are numbered from 1.
 */
export function scopeFilter(table: string, scope: ScopeRef): { where: string; params: unknown[] } {
  const spec = VIA[table];
  if (!spec) return { where: REF_FILTER[table] ?? 'TRUE', params: [] };
  if (scope.kind === 'university') return { where: 'TRUE', params: [] };
  const groups = groupsIn(scope.kind);
  const students = `SELECT e.student_id FROM enrolments e WHERE e.group_id IN (${groups})`;
  const where = {
    'self-student': `t.id IN (${students})`,
    student: `t.student_id IN (${students})`,
    group: `t.group_id IN (${groups})`,
    subgroup: `t.subgroup_id IN (SELECT sg.id FROM subgroups sg WHERE sg.group_id IN (${groups}))`,
    offering: `t.offering_id IN (${offeringsIn(scope.kind)})`,
    lesson: `t.lesson_id IN (SELECT l.id FROM lessons l WHERE l.offering_id IN (${offeringsIn(scope.kind)}))`,
  }[spec.via];
  return { where, params: [scope.id] };
}

/** The scope keys a group belongs to: its faculty, and every department teaching it. */
const GROUP_SCOPES = `SELECT 'faculty:' || g.faculty_id AS s FROM groups g WHERE g.id = ANY($1::int[])
  UNION SELECT DISTINCT 'department:' || o.department_id FROM offerings o WHERE o.group_id = ANY($1::int[])`;

/**
 * The scopes of a changed row (for its change-log entry): '*' for reference rows, else 'university'
 * plus the faculty and department scopes it belongs to.
 */
export async function rowScopes(
  q: Sql,
  table: string,
  row: Record<string, unknown>,
  /** Scopes already found in this write, by the way and key they were found through. */
  cache?: Map<string, string[]>,
): Promise<string[]> {
  const spec = VIA[table];
  if (!spec) return ['*'];
  const key = row[spec.column];
  const memo = `${spec.via}:${String(key)}`;
  const known = cache?.get(memo);
  if (known) return known;
  let sql: string;
  switch (spec.via) {
    case 'self-student':
    case 'student':
      sql = GROUP_SCOPES.replaceAll(
        '$1::int[]',
        '(SELECT array_agg(group_id) FROM enrolments WHERE student_id = $1)',
      );
      break;
    case 'group':
      sql = GROUP_SCOPES.replaceAll('$1::int[]', 'ARRAY[$1::int]');
      break;
    case 'subgroup':
      sql = GROUP_SCOPES.replaceAll('$1::int[]', '(SELECT array_agg(group_id) FROM subgroups WHERE id = $1)');
      break;
    case 'offering':
      sql = `SELECT 'faculty:' || g.faculty_id AS s FROM offerings o JOIN groups g ON g.id = o.group_id WHERE o.id = $1
        UNION SELECT 'department:' || o.department_id FROM offerings o WHERE o.id = $1`;
      break;
    case 'lesson':
      sql = `SELECT 'faculty:' || g.faculty_id AS s FROM lessons l JOIN offerings o ON o.id = l.offering_id JOIN groups g ON g.id = o.group_id WHERE l.id = $1
        UNION SELECT 'department:' || o.department_id FROM lessons l JOIN offerings o ON o.id = l.offering_id WHERE l.id = $1`;
      break;
  }
  const rows = await q.query<{ s: string }>(sql, [key]);
  const scopes = ['university', ...rows.map((r) => r.s).sort()];
  cache?.set(memo, scopes);
  return scopes;
}
