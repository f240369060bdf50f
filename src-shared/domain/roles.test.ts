import { describe, expect, it } from 'vitest';
import { canPrint, type RoleGrant } from './roles';

/** Who may print a unit's journals and keep their register entries (DOMAIN.md, Roles). */
describe('canPrint', () => {
  const g = (
    role: RoleGrant['role'],
    scopeKind: RoleGrant['scopeKind'],
    scopeId: number | null,
  ): RoleGrant => ({
    role,
    scopeKind,
    scopeId,
  });
  const faculty1 = { faculty: 1, department: null };
  const dept3 = { faculty: 1, department: 3 };
  const group = { faculty: 2, department: null };

  it('gives the study office and a university archivist everything', () => {
    for (const grants of [[g('studyOffice', 'university', null)], [g('archivist', 'university', null)]])
      for (const t of [faculty1, dept3, group]) expect(canPrint(grants, t)).toBe(true);
  });
  it('gives the deanery and a faculty archivist their faculty only', () => {
    for (const role of ['deanery', 'archivist'] as const) {
      expect(canPrint([g(role, 'faculty', 1)], faculty1)).toBe(true);
      expect(canPrint([g(role, 'faculty', 1)], dept3)).toBe(true);
      expect(canPrint([g(role, 'faculty', 1)], group)).toBe(false);
    }
  });
  it('gives a head and a department archivist their department, never a whole faculty or group', () => {
    for (const role of ['departmentHead', 'archivist'] as const) {
      expect(canPrint([g(role, 'department', 3)], dept3)).toBe(true);
      expect(canPrint([g(role, 'department', 4)], dept3)).toBe(false);
      expect(canPrint([g(role, 'department', 3)], faculty1)).toBe(false);
    }
  });
  it('gives teachers, curators and the admin nothing to print', () => {
    expect(
      canPrint([g('teacher', 'own', null), g('curator', 'group', 5), g('admin', 'university', null)], dept3),
    ).toBe(false);
  });
});
