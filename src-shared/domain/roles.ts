/**
 * Roles and access scopes (DOMAIN.md, Scopes and Roles; regulation §1.8, §4). A user may hold several
 * roles, each with its own scope; what a session may see is the union of what its grants allow.
 */

/** The roles AVN Desk serves. Students and parents use AVN web; their rows exist but they do not log in here. */
export const ROLES = [
  'admin',
  'studyOffice',
  'deanery',
  'departmentHead',
  'teacher',
  'curator',
  'archivist',
] as const;
export type Role = (typeof ROLES)[number];

/** What a grant's scope is: the whole university, one faculty, one department, one group, or own lessons. */
export const SCOPE_KINDS = ['university', 'faculty', 'department', 'group', 'own'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** One role held by a user, with the unit it applies to (scopeId is null for university and own). */
export type RoleGrant = { role: Role; scopeKind: ScopeKind; scopeId: number | null };

/** The facts about an offering that decide who may view its journal. */
export type OfferingAccessFacts = {
  facultyId: number;
  departmentId: number;
  groupId: number;
  teacherId: number;
  /** Teachers assigned as substitutes to at least one (not cancelled) lesson of the offering. */
  substituteTeacherIds: readonly number[];
};

/**
 * May a session view an offering's journal? The "view journals" row of DOMAIN.md's role table:
 * admin all; study office the university; deanery its faculty; department head its department;
 * teacher own offerings and those with lessons assigned to them as substitute; curator own group;
 * archivist its unit (university, faculty or department).
 */
export function canViewOffering(
  grants: readonly RoleGrant[],
  teacherId: number | null,
  o: OfferingAccessFacts,
): boolean {
  return grants.some((g) => {
    switch (g.role) {
      case 'admin':
      case 'studyOffice':
        return true;
      case 'deanery':
        return g.scopeKind === 'faculty' && g.scopeId === o.facultyId;
      case 'departmentHead':
        return g.scopeKind === 'department' && g.scopeId === o.departmentId;
      case 'teacher':
        return (
          teacherId !== null && (o.teacherId === teacherId || o.substituteTeacherIds.includes(teacherId))
        );
      case 'curator':
        return g.scopeKind === 'group' && g.scopeId === o.groupId;
      case 'archivist':
        return (
          g.scopeKind === 'university' ||
          (g.scopeKind === 'faculty' && g.scopeId === o.facultyId) ||
          (g.scopeKind === 'department' && g.scopeId === o.departmentId)
        );
    }
  });
}

/** The scope kind each role's grant must have. */
export const ROLE_SCOPE: Readonly<Record<Role, readonly ScopeKind[]>> = {
  admin: ['university'],
  studyOffice: ['university'],
  deanery: ['faculty'],
  departmentHead: ['department'],
  teacher: ['own'],
  curator: ['group'],
  archivist: ['university', 'faculty', 'department'],
};

/**
 * What printing or a paper register entry is about: the faculty and department it lies in (null when it
 * is not inside one: a faculty has no department, a group mixes departments, a teacher's own journals
 * span both), and the teacher whose journals they are (an offering's teacher, or the teacher printing
 * their own set; null or absent for a faculty, department or group).
 */
export type PrintTarget = { faculty: number | null; department: number | null; teacher?: number | null };

/**
 * May a session print journals of a target, or keep a paper journal's register entry? The "print
 * journals, paper register" row of DOMAIN.md's role table: the deanery and a faculty archivist their
 * faculty; a department head and a department archivist their department; a university archivist
 * everything; a teacher their own journals (`callerTeacherId`, the session's teacher, equal to the
 * target's teacher). The study office, the admin and curators print nothing.
 */
export function canPrint(
  grants: readonly RoleGrant[],
  target: PrintTarget,
  callerTeacherId: number | null = null,
): boolean {
  return grants.some(
    (g) =>
      (g.role === 'archivist' && g.scopeKind === 'university') ||
      ((g.role === 'deanery' || g.role === 'archivist') &&
        g.scopeKind === 'faculty' &&
        target.faculty !== null &&
        g.scopeId === target.faculty) ||
      ((g.role === 'departmentHead' || g.role === 'archivist') &&
        g.scopeKind === 'department' &&
        target.department !== null &&
        g.scopeId === target.department) ||
      (g.role === 'teacher' &&
        g.scopeKind === 'own' &&
        callerTeacherId !== null &&
        target.teacher !== undefined &&
        target.teacher === callerTeacherId),
  );
}

/**
 * Who may make archive packages, keep the archive register and request a purge ("archive packages,
 * retention, purge request" in DOMAIN.md's role table): an archivist whose scope holds the unit — a
 * university archivist everything, a faculty archivist the faculty and its departments and groups, a
 * department archivist the department. With `view`, the deanery of the faculty may also look.
 * `faculty`/`department` are the unit's (null for the university, department null for a faculty or a
 * group, which mixes departments).
 */
export function canArchive(
  grants: readonly RoleGrant[],
  target: { faculty: number | null; department: number | null },
  action: 'make' | 'view',
): boolean {
  return grants.some(
    (g) =>
      (g.role === 'archivist' &&
        (g.scopeKind === 'university' ||
          (g.scopeKind === 'faculty' && target.faculty !== null && g.scopeId === target.faculty) ||
          (g.scopeKind === 'department' && target.department !== null && g.scopeId === target.department))) ||
      (action === 'view' &&
        g.role === 'deanery' &&
        g.scopeKind === 'faculty' &&
        target.faculty !== null &&
        g.scopeId === target.faculty),
  );
}
