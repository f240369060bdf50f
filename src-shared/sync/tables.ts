/**
 * The synced tables, in an order that respects their references (parents first): the snapshot is
 * downloaded and bulk-loaded in this order. Columns come from each side's drizzle schema; a test holds
 * the two schemas in parity. `exclude` lists columns that exist on a side but never travel.
 */
export type SyncedTable = {
  name: string;
  pk: readonly string[];
  /** 'ref': reference data every replica holds (DOMAIN.md, Scopes); 'scoped': follows the scope. */
  kind: 'ref' | 'scoped';
  exclude?: readonly string[];
};

export const SYNCED_TABLES: readonly SyncedTable[] = [
  { name: 'academic_years', pk: ['id'], kind: 'ref' },
  { name: 'semesters', pk: ['id'], kind: 'ref' },
  { name: 'calendar_days', pk: ['id'], kind: 'ref' },
  { name: 'bell_pairs', pk: ['id'], kind: 'ref' },
  { name: 'faculties', pk: ['id'], kind: 'ref' },
  { name: 'teachers', pk: ['id'], kind: 'ref' },
  { name: 'departments', pk: ['id'], kind: 'ref' },
  { name: 'teacher_departments', pk: ['id'], kind: 'ref' },
  { name: 'disciplines', pk: ['id'], kind: 'ref' },
  { name: 'rooms', pk: ['id'], kind: 'ref' },
  { name: 'groups', pk: ['id'], kind: 'ref' },
  { name: 'subgroups', pk: ['id'], kind: 'ref' },
  { name: 'students', pk: ['id'], kind: 'scoped' },
  { name: 'enrolments', pk: ['id'], kind: 'scoped' },
  { name: 'subgroup_members', pk: ['id'], kind: 'scoped' },
  { name: 'parent_contacts', pk: ['id'], kind: 'scoped' },
  // Accounts travel without password hashes: the desktop caches its own verifier (offline login).
  { name: 'users', pk: ['id'], kind: 'ref', exclude: ['password_hash'] },
  { name: 'user_roles', pk: ['id'], kind: 'ref' },
  { name: 'offerings', pk: ['id'], kind: 'ref' },
  { name: 'timetable_slots', pk: ['id'], kind: 'ref' },
  { name: 'absences', pk: ['id'], kind: 'ref' },
  { name: 'plan_topics', pk: ['id'], kind: 'scoped' },
  { name: 'lessons', pk: ['id'], kind: 'scoped' },
  { name: 'marks', pk: ['lesson_id', 'student_id'], kind: 'scoped' },
  { name: 'assessments', pk: ['id'], kind: 'scoped' },
  { name: 'locks', pk: ['id'], kind: 'scoped' },
  { name: 'unlocks', pk: ['id'], kind: 'scoped' },
  { name: 'substitutions', pk: ['id'], kind: 'scoped' },
  { name: 'weekly_checks', pk: ['id'], kind: 'ref' },
  { name: 'paper_journals', pk: ['id'], kind: 'scoped' },
  { name: 'archive_packages', pk: ['id'], kind: 'ref' },
  { name: 'archive_purges', pk: ['id'], kind: 'ref' },
];

export const SYNCED_TABLE_NAMES: readonly string[] = SYNCED_TABLES.map((t) => t.name);

export function syncedTable(name: string): SyncedTable | undefined {
  return SYNCED_TABLES.find((t) => t.name === name);
}

/** A replica scope on the wire: 'university', 'faculty:3', 'department:12'. */
export type ScopeRef = { kind: 'university' } | { kind: 'faculty' | 'department'; id: number };

export function scopeKey(s: ScopeRef): string {
  return s.kind === 'university' ? 'university' : `${s.kind}:${s.id}`;
}

export function parseScopeKey(key: string): ScopeRef | null {
  if (key === 'university') return { kind: 'university' };
  const m = /^(faculty|department):([1-9]\d{0,9})$/.exec(key);
  if (!m) return null;
  return { kind: m[1] as 'faculty' | 'department', id: Number(m[2]) };
}
