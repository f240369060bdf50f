import { sql, type SQL } from 'drizzle-orm';
import type { RoleGrant } from '../../src-shared/domain/roles';

/**
 * The access scope of a session as SQL (DOMAIN.md, Roles: "view journals"). This is the fast path of
 * `canViewOffering` in src-shared/domain/roles.ts; a test holds the two equal on the demo data.
 * The fragments refer to the unaliased tables `offerings` and `groups`.
 */
export type Viewer = { grants: readonly RoleGrant[]; teacherId: number | null };

const ALL = sql`1 = 1`;
const NONE = sql`1 = 0`;

function anyOf(parts: SQL[]): SQL {
  if (parts.length === 0) return NONE;
  return sql`(${sql.join(parts, sql` OR `)})`;
}

/** Whether the viewer's journal access is the whole replica (the admin, the study office, a university archivist). */
export function seesEverything(v: Viewer): boolean {
  return v.grants.some(
    (g) =>
      g.role === 'admin' ||
      g.role === 'studyOffice' ||
      (g.role === 'archivist' && g.scopeKind === 'university'),
  );
}

/** Condition on `offerings` joined with `groups` (on offerings.group_id): the viewer may see this offering. */
export function offeringVisible(v: Viewer): SQL {
  const parts: SQL[] = [];
  for (const g of v.grants) {
    switch (g.role) {
      case 'admin':
      case 'studyOffice':
        return ALL;
      case 'deanery':
        if (g.scopeKind === 'faculty') parts.push(sql`groups.faculty_id = ${g.scopeId}`);
        break;
      case 'departmentHead':
        if (g.scopeKind === 'department') parts.push(sql`offerings.department_id = ${g.scopeId}`);
        break;
      case 'teacher':
        if (v.teacherId !== null) {
          parts.push(sql`(offerings.teacher_id = ${v.teacherId} OR EXISTS (
            SELECT 1 FROM substitutions s JOIN lessons l ON l.id = s.lesson_id
            WHERE l.offering_id = offerings.id AND s.substitute_teacher_id = ${v.teacherId} AND s.cancelled_at IS NULL))`);
        }
        break;
      case 'curator':
        if (g.scopeKind === 'group') parts.push(sql`offerings.group_id = ${g.scopeId}`);
        break;
      case 'archivist':
        if (g.scopeKind === 'university') return ALL;
        if (g.scopeKind === 'faculty') parts.push(sql`groups.faculty_id = ${g.scopeId}`);
        if (g.scopeKind === 'department') parts.push(sql`offerings.department_id = ${g.scopeId}`);
        break;
    }
  }
  return anyOf(parts);
}

/**
 * Condition on `groups`: the viewer may see this group — a group of their faculty or their curated
 * group, or one in which they may see at least one offering.
 */
export function groupVisible(v: Viewer): SQL {
  const direct: SQL[] = [];
  for (const g of v.grants) {
    if (
      g.role === 'admin' ||
      g.role === 'studyOffice' ||
      (g.role === 'archivist' && g.scopeKind === 'university')
    )
      return ALL;
    if ((g.role === 'deanery' || g.role === 'archivist') && g.scopeKind === 'faculty')
      direct.push(sql`groups.faculty_id = ${g.scopeId}`);
    if (g.role === 'curator' && g.scopeKind === 'group') direct.push(sql`groups.id = ${g.scopeId}`);
  }
  direct.push(
    sql`EXISTS (SELECT 1 FROM offerings WHERE offerings.group_id = groups.id AND ${offeringVisible(v)})`,
  );
  return anyOf(direct);
}
