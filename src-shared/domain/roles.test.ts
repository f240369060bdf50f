import { describe, expect, it } from 'vitest';
import { canPrint, type RoleGrant } from './roles';

/** Who may print journals and keep their register entries (DOMAIN.md, Roles: print journals, paper register). */
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

  it('gives a university archivist everything', () => {
    for (const t of [faculty1, dept3, group])
      expect(canPrint([g('archivist', 'university', null)], t)).toBe(true);
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
  it('gives a teacher their own journals only: an offering of theirs, or their own set', () => {
    const teacher = [g('teacher', 'own', null)];
    const theirs = { faculty: 1, department: 3, teacher: 16 };
    const own = { faculty: null, department: null, teacher: 16 };
    expect(canPrint(teacher, theirs, 16)).toBe(true);
    expect(canPrint(teacher, own, 16)).toBe(true);
    expect(canPrint(teacher, { ...theirs, teacher: 17 }, 16)).toBe(false);
    expect(canPrint(teacher, { faculty: null, department: null, teacher: 17 }, 16)).toBe(false);
    // Without knowing who calls (the two-argument call), or for a unit that is nobody's own.
    expect(canPrint(teacher, theirs)).toBe(false);
    for (const t of [faculty1, dept3, group]) expect(canPrint(teacher, t, 16)).toBe(false);
    // Another role's grant does not make someone else's teacher id theirs.
    expect(canPrint([g('curator', 'group', 5)], own, 16)).toBe(false);
  });
  it('gives the study office, curators and the admin nothing to print (DOMAIN.md: —)', () => {
    const own = { faculty: 1, department: 3, teacher: 16 };
    for (const grants of [
      [g('studyOffice', 'university', null)],
      [g('curator', 'group', 5)],
      [g('admin', 'university', null)],
    ])
      for (const t of [faculty1, dept3, group, own]) expect(canPrint(grants, t, 16)).toBe(false);
  });
});
