/**
 * The synced tables and their columns — the column catalogue (issue 13): table and column names are
 * typed from here (plain literal types), so a row change a mutation's `effect` returns names only
 * columns that exist. `schema-parity.test.ts` holds it equal to both drizzle schemas (the replica's and
 * the central one), column by column and in order. Tables are listed in an order that respects their
 * references (parents first): the snapshot is downloaded and bulk-loaded in this order. `exclude` lists
 * columns that exist on both sides but never travel.
 */
export type SyncedTable = {
  name: TableName;
  pk: readonly string[];
  /** 'ref': reference data every replica holds (DOMAIN.md, Scopes); 'scoped': follows the scope. */
  kind: 'ref' | 'scoped';
  exclude?: readonly string[];
  /** Every column, in schema order (the order of the wire format and of checksums). */
  columns: readonly string[];
};

/** Every synced table ends with these (ARCHITECTURE.md, Versions). */
const SYNC_COLUMNS = ['row_version', 'updated_at', 'updated_by'] as const;

/** The catalogue: every synced table's key, kind and columns, in schema order. */
export const CATALOGUE = {
  academic_years: {
    pk: ['id'],
    kind: 'ref',
    columns: ['id', 'name', 'starts_on', 'ends_on', ...SYNC_COLUMNS],
  },
  semesters: {
    pk: ['id'],
    kind: 'ref',
    columns: ['id', 'academic_year_id', 'number', 'starts_on', 'ends_on', ...SYNC_COLUMNS],
  },
  calendar_days: {
    pk: ['id'],
    kind: 'ref',
    columns: ['id', 'date', 'kind', 'name_ru', 'name_ky', ...SYNC_COLUMNS],
  },
  bell_pairs: {
    pk: ['id'],
    kind: 'ref',
    columns: ['id', 'number', 'starts_at', 'ends_at', ...SYNC_COLUMNS],
  },
  faculties: {
    pk: ['id'],
    kind: 'ref',
    columns: ['id', 'code', 'kind', 'name_ru', 'name_ky', ...SYNC_COLUMNS],
  },
  teachers: {
    pk: ['id'],
    kind: 'ref',
    columns: ['id', 'last_name', 'first_name', 'patronymic', 'position', ...SYNC_COLUMNS],
  },
  departments: {
    pk: ['id'],
    kind: 'ref',
    columns: ['id', 'faculty_id', 'code', 'name_ru', 'name_ky', 'head_teacher_id', ...SYNC_COLUMNS],
  },
  teacher_departments: {
    pk: ['id'],
    kind: 'ref',
    columns: ['id', 'teacher_id', 'department_id', 'rate', 'is_primary', ...SYNC_COLUMNS],
  },
  disciplines: {
    pk: ['id'],
    kind: 'ref',
    columns: ['id', 'department_id', 'code', 'name_ru', 'name_ky', ...SYNC_COLUMNS],
  },
  rooms: {
    pk: ['id'],
    kind: 'ref',
    columns: ['id', 'code', 'building', 'capacity', 'qr_code', ...SYNC_COLUMNS],
  },
  groups: {
    pk: ['id'],
    kind: 'ref',
    columns: [
      'id',
      'faculty_id',
      'department_id',
      'code',
      'admission_year',
      'course',
      'language',
      'curator_teacher_id',
      ...SYNC_COLUMNS,
    ],
  },
  subgroups: {
    pk: ['id'],
    kind: 'ref',
    columns: ['id', 'group_id', 'kind', 'name', ...SYNC_COLUMNS],
  },
  students: {
    pk: ['id'],
    kind: 'scoped',
    columns: [
      'id',
      'record_book_no',
      'last_name',
      'first_name',
      'patronymic',
      'gender',
      'birth_date',
      ...SYNC_COLUMNS,
    ],
  },
  enrolments: {
    pk: ['id'],
    kind: 'scoped',
    columns: [
      'id',
      'student_id',
      'group_id',
      'starts_on',
      'ends_on',
      'start_reason',
      'end_reason',
      ...SYNC_COLUMNS,
    ],
  },
  subgroup_members: {
    pk: ['id'],
    kind: 'scoped',
    columns: ['id', 'student_id', 'subgroup_id', 'starts_on', 'ends_on', ...SYNC_COLUMNS],
  },
  parent_contacts: {
    pk: ['id'],
    kind: 'scoped',
    columns: ['id', 'student_id', 'full_name', 'relation', 'phone', ...SYNC_COLUMNS],
  },
  // Accounts travel without password hashes: the desktop caches its own verifier (offline login).
  users: {
    pk: ['id'],
    kind: 'ref',
    exclude: ['password_hash'],
    columns: [
      'id',
      'login',
      'display_name',
      'teacher_id',
      'student_id',
      'password_hash',
      'locale',
      'active',
      ...SYNC_COLUMNS,
    ],
  },
  user_roles: {
    pk: ['id'],
    kind: 'ref',
    columns: ['id', 'user_id', 'role', 'scope_kind', 'scope_id', ...SYNC_COLUMNS],
  },
  offerings: {
    pk: ['id'],
    kind: 'ref',
    columns: [
      'id',
      'semester_id',
      'discipline_id',
      'department_id',
      'teacher_id',
      'group_id',
      'subgroup_id',
      'lesson_kind',
      'planned_hours',
      ...SYNC_COLUMNS,
    ],
  },
  timetable_slots: {
    pk: ['id'],
    kind: 'ref',
    columns: [
      'id',
      'offering_id',
      'weekday',
      'pair',
      'room_id',
      'parity',
      'starts_on',
      'ends_on',
      ...SYNC_COLUMNS,
    ],
  },
  absences: {
    pk: ['id'],
    kind: 'ref',
    columns: [
      'id',
      'teacher_id',
      'starts_on',
      'ends_on',
      'pairs',
      'reason',
      'document_ref',
      'created_by',
      ...SYNC_COLUMNS,
    ],
  },
  plan_topics: {
    pk: ['id'],
    kind: 'scoped',
    columns: ['id', 'offering_id', 'ordinal', 'title', 'hours', ...SYNC_COLUMNS],
  },
  lessons: {
    pk: ['id'],
    kind: 'scoped',
    columns: [
      'id',
      'offering_id',
      'date',
      'pair',
      'room_id',
      'slot_id',
      'plan_topic_id',
      'topic',
      'conducted_by',
      'status',
      'origin',
      'status_reason',
      'moved_from_id',
      'completed_at',
      ...SYNC_COLUMNS,
    ],
  },
  marks: {
    pk: ['lesson_id', 'student_id'],
    kind: 'scoped',
    columns: ['lesson_id', 'student_id', 'attendance', 'grade', ...SYNC_COLUMNS],
  },
  assessments: {
    pk: ['id'],
    kind: 'scoped',
    columns: [
      'id',
      'offering_id',
      'student_id',
      'kind',
      'ordinal',
      'date',
      'grade',
      'points',
      'passed',
      'outcome',
      ...SYNC_COLUMNS,
    ],
  },
  locks: {
    pk: ['id'],
    kind: 'scoped',
    columns: ['id', 'offering_id', 'closed_on', 'closed_at', 'closed_by', ...SYNC_COLUMNS],
  },
  unlocks: {
    pk: ['id'],
    kind: 'scoped',
    columns: [
      'id',
      'offering_id',
      'lesson_id',
      'student_id',
      'reason',
      'granted_by',
      'granted_at',
      'expires_at',
      ...SYNC_COLUMNS,
    ],
  },
  substitutions: {
    pk: ['id'],
    kind: 'scoped',
    columns: [
      'id',
      'lesson_id',
      'absence_id',
      'absent_teacher_id',
      'substitute_teacher_id',
      'assigned_by',
      'assigned_at',
      'cancelled_at',
      ...SYNC_COLUMNS,
    ],
  },
  weekly_checks: {
    pk: ['id'],
    kind: 'ref',
    columns: [
      'id',
      'unit_kind',
      'unit_id',
      'period_from',
      'period_to',
      'week',
      'checked_by',
      'checked_at',
      'comment',
      'snapshot',
      ...SYNC_COLUMNS,
    ],
  },
  paper_journals: {
    pk: ['id'],
    kind: 'scoped',
    columns: [
      'id',
      'offering_id',
      'number',
      'code',
      'locale',
      'pages',
      'printed_at',
      'printed_by',
      'signed_on',
      'archived_on',
      'transfer_act',
      ...SYNC_COLUMNS,
    ],
  },
  archive_packages: {
    pk: ['id'],
    kind: 'ref',
    columns: [
      'id',
      'unit_kind',
      'unit_id',
      'period_kind',
      'period_id',
      'academic_year_id',
      'file_name',
      'size_bytes',
      'digest',
      'counts',
      'made_at',
      'made_by',
      'verified_at',
      'verified_by',
      ...SYNC_COLUMNS,
    ],
  },
  archive_purges: {
    pk: ['id'],
    kind: 'ref',
    columns: [
      'id',
      'academic_year_id',
      'unit_kind',
      'unit_id',
      'package_id',
      'requested_at',
      'requested_by',
      'purged_at',
      'counts',
      ...SYNC_COLUMNS,
    ],
  },
  // The register of every printed document (issue 15): reference data, so any replica finds a number.
  documents: {
    pk: ['id'],
    kind: 'ref',
    columns: [
      'id',
      'number',
      'kind',
      'locale',
      'code',
      'canon',
      'pages',
      'subject_kind',
      'subject_id',
      'twin',
      'printed_at',
      'printed_by',
      ...SYNC_COLUMNS,
    ],
  },
} as const;

/** The name of a synced table. */
export type TableName = keyof typeof CATALOGUE;
/** The columns of a synced table. */
export type ColumnOf<T extends TableName> = (typeof CATALOGUE)[T]['columns'][number];
/** The key columns of a synced table. */
export type KeyOf<T extends TableName> = (typeof CATALOGUE)[T]['pk'][number];

export const SYNCED_TABLES: readonly SyncedTable[] = (Object.keys(CATALOGUE) as TableName[]).map((name) => ({
  name,
  ...CATALOGUE[name],
}));

export const SYNCED_TABLE_NAMES: readonly string[] = SYNCED_TABLES.map((t) => t.name);

export function syncedTable(name: string): SyncedTable | undefined {
  return SYNCED_TABLES.find((t) => t.name === name);
}

/** Whether a name is a synced table's. */
export function isTableName(name: string): name is TableName {
  return Object.hasOwn(CATALOGUE, name);
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
