import { ROLES, type Role, type RoleGrant } from './roles';

/**
 * DOMAIN.md's role × action matrix (Roles and what each may do; regulation §1.8, §4) as data: each
 * action's row, cell by cell, in DOMAIN.md's own words. `tests/security/matrix.test.ts` reads the
 * table in DOMAIN.md and holds this transcription equal to it; the API's door (`dispatch`, through the
 * contract's rights) and the gateway (through the mutation registry) both decide from it.
 *
 * A cell's words say what kind of right it is: `—` none; `view` (or `… (view)`) looking only;
 * `comment` adding a comment to someone else's request; anything else the right to do the action in
 * the named scope (the scope itself is checked by the rules that know the rows: `canViewOffering`,
 * `canPrint`, `canArchive`, the registry's refusals).
 */
export const ACTIONS = {
  viewJournals: 'view journals',
  fillJournals: 'set topic, attendance, grades',
  closeJournal: 'close intermediate assessment (locks)',
  unlock: 'grant a time-limited unlock, with reason',
  weeklyCheck: 'run / record the weekly check, send notices',
  substitutions: 'register absences, assign substitutes',
  print: 'print journals, paper register',
  archive: 'archive packages, retention, purge request',
  accounts: 'accounts and roles',
  startOfYear: 'calendar, groups, teaching load, timetable, КТП (start of year)',
  students: 'student lists and movements (by order)',
  examResults: 'enter exam results from a signed sheet (examiner absent)',
  reopen: 'request a reopen of a closed journal',
  contacts: 'contacts with students and parents, warning letters',
  planReport: "sign the department's plan-against-held report",
  resolveConflict: 'resolve a refused edit (conflict)',
  gateway: 'point the replica at a gateway',
  backups: 'backups and restore of the local replica',
} as const;
export type Action = keyof typeof ACTIONS;

type Row = Readonly<Record<Role, string>>;

/** The cells of each action's row, per role, exactly as DOMAIN.md writes them. */
export const MATRIX: Readonly<Record<Action, Row>> = {
  viewJournals: {
    admin: 'all',
    studyOffice: 'university',
    deanery: 'faculty',
    departmentHead: 'department',
    teacher: 'own + substituted',
    curator: 'own group',
    archivist: 'unit',
  },
  fillJournals: {
    admin: '—',
    studyOffice: '—',
    deanery: '—',
    departmentHead: '—',
    teacher: 'own + assigned lessons, unlocked',
    curator: '—',
    archivist: '—',
  },
  closeJournal: {
    admin: '—',
    studyOffice: '—',
    deanery: '—',
    departmentHead: '—',
    teacher: 'own offerings',
    curator: '—',
    archivist: '—',
  },
  unlock: {
    admin: '—',
    studyOffice: '—',
    deanery: 'faculty',
    departmentHead: '—',
    teacher: '—',
    curator: '—',
    archivist: '—',
  },
  weeklyCheck: {
    admin: '—',
    studyOffice: 'university',
    deanery: 'faculty',
    departmentHead: 'department (view)',
    teacher: '—',
    curator: '—',
    archivist: '—',
  },
  substitutions: {
    admin: '—',
    studyOffice: '—',
    deanery: 'view',
    departmentHead: 'department',
    teacher: '—',
    curator: '—',
    archivist: '—',
  },
  print: {
    admin: '—',
    studyOffice: '—',
    deanery: 'faculty',
    departmentHead: 'department',
    teacher: 'own',
    curator: '—',
    archivist: 'unit',
  },
  archive: {
    admin: '—',
    studyOffice: '—',
    deanery: 'view',
    departmentHead: '—',
    teacher: '—',
    curator: '—',
    archivist: 'unit',
  },
  accounts: {
    admin: 'all',
    studyOffice: '—',
    deanery: '—',
    departmentHead: '—',
    teacher: '—',
    curator: '—',
    archivist: '—',
  },
  startOfYear: {
    admin: 'all',
    studyOffice: 'university',
    deanery: '—',
    departmentHead: '—',
    teacher: '—',
    curator: '—',
    archivist: '—',
  },
  students: {
    admin: 'all',
    studyOffice: '—',
    deanery: 'faculty',
    departmentHead: '—',
    teacher: '—',
    curator: '—',
    archivist: '—',
  },
  examResults: {
    admin: '—',
    studyOffice: '—',
    deanery: 'faculty',
    departmentHead: '—',
    teacher: 'own sheets',
    curator: '—',
    archivist: '—',
  },
  reopen: {
    admin: '—',
    studyOffice: '—',
    deanery: '—',
    departmentHead: 'comment',
    teacher: 'own offerings',
    curator: '—',
    archivist: '—',
  },
  contacts: {
    admin: '—',
    studyOffice: '—',
    deanery: 'faculty',
    departmentHead: '—',
    teacher: '—',
    curator: 'own group',
    archivist: '—',
  },
  planReport: {
    admin: '—',
    studyOffice: '—',
    deanery: '—',
    departmentHead: 'department',
    teacher: '—',
    curator: '—',
    archivist: '—',
  },
  resolveConflict: {
    admin: 'own',
    studyOffice: 'own',
    deanery: 'own',
    departmentHead: 'own',
    teacher: 'own',
    curator: 'own',
    archivist: 'own',
  },
  gateway: {
    admin: 'this PC',
    studyOffice: '—',
    deanery: '—',
    departmentHead: '—',
    teacher: '—',
    curator: '—',
    archivist: '—',
  },
  backups: {
    admin: 'this PC',
    studyOffice: '—',
    deanery: '—',
    departmentHead: '—',
    teacher: '—',
    curator: '—',
    archivist: '—',
  },
};

/** What a cell grants: nothing, looking, commenting on someone's request, or doing the action. */
export type Mode = 'none' | 'view' | 'comment' | 'do';

/** The kind of right a cell's words give (see MATRIX). */
export function modeOf(cell: string): Mode {
  const c = cell.trim();
  if (c === '—' || c === '-' || c === '') return 'none';
  if (c === 'view' || c.endsWith('(view)')) return 'view';
  if (c === 'comment') return 'comment';
  return 'do';
}

/** What a method or a mutation needs of the matrix: at least looking, commenting, or doing. */
export type Need = Exclude<Mode, 'none'>;

const RANK: Record<Mode, number> = { none: 0, view: 1, comment: 2, do: 3 };

/** Whether a cell's right covers what is needed (doing covers commenting and looking). */
export function covers(cell: string, need: Need): boolean {
  return RANK[modeOf(cell)] >= RANK[need];
}

/** The roles whose cell of `action` covers `need`, in ROLES order. */
export function rolesFor(action: Action, need: Need): Role[] {
  return ROLES.filter((r) => covers(MATRIX[action][r], need));
}

/** Whether any of the grants' roles may (`need`) the action; the scope is for the rules to judge. */
export function mayAct(grants: readonly RoleGrant[], action: Action, need: Need): boolean {
  return grants.some((g) => covers(MATRIX[action][g.role], need));
}
