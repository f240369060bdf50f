import { describe, expect, it } from 'vitest';
import {
  DOCUMENT_KIND_LIST,
  DOCUMENT_KINDS,
  mayRegisterDocument,
  OTHER_DOCUMENT_KINDS,
  parseDocumentNumber,
} from './documents';
import type { RoleGrant } from './roles';
import { bishkekInstant } from './time';

describe('document numbers', () => {
  it('read every kind’s number and the time it was made, in Asia/Bishkek', () => {
    expect(parseDocumentNumber('ЖУР-123-20261126-133005')).toEqual({
      kind: 'journal',
      offeringId: 123,
      at: bishkekInstant('2026-11-26', '13:30:05'),
      locale: null,
    });
    for (const kind of OTHER_DOCUMENT_KINDS)
      expect(parseDocumentNumber(`${DOCUMENT_KINDS[kind].prefix}-20261231-235959`)).toEqual({
        kind,
        offeringId: null,
        at: bishkekInstant('2026-12-31', '23:59:59'),
        locale: null,
      });
  });

  it('read the Kyrgyz print of a bilingual job by its suffix', () => {
    expect(parseDocumentNumber('ЖУР-123-20261126-133005-КЫ')).toMatchObject({
      kind: 'journal',
      offeringId: 123,
      locale: 'ky',
    });
    expect(parseDocumentNumber('АКТ-20261126-133005-КЫ')).toMatchObject({ kind: 'act', locale: 'ky' });
    for (const bad of ['АКТ-20261126-133005-КГ', 'АКТ-20261126-133005-КЫ-КЫ', 'АКТ-20261126-133005КЫ'])
      expect(parseDocumentNumber(bad), bad).toBeNull();
  });

  it('refuse an unknown prefix, a journal without its offering or another kind with one, and times that do not exist', () => {
    for (const bad of [
      'ПИС-20261126-133000',
      'ЖУР-20261126-133000',
      'АКТ-12-20261126-133000',
      'АКТ-20261126-133000-1',
      'АКТ-20260230-133000',
      'АКТ-20261126-243000',
      'АКТ-20261126-136000',
      'АКТ-20261126-133060',
      'AKT-20261126-133000',
      ' АКТ-20261126-133000',
      'ЖУР-TEST-1',
    ])
      expect(parseDocumentNumber(bad), bad).toBeNull();
  });

  it('give every kind its own prefix', () => {
    const prefixes = DOCUMENT_KIND_LIST.map((k) => DOCUMENT_KINDS[k].prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});

describe('who may register a document (and see its entry)', () => {
  const g = (role: RoleGrant['role'], scopeKind: RoleGrant['scopeKind'], scopeId: number | null) => [
    { role, scopeKind, scopeId },
  ];
  const faculty1 = { faculty: 1, department: null };
  const department3 = { faculty: 1, department: 3 };
  const university = { faculty: null, department: null };

  it('an act or notices: the study office anything, the deanery its faculty and what lies in it', () => {
    for (const kind of ['act', 'notices'] as const) {
      expect(mayRegisterDocument(g('studyOffice', 'university', null), null, kind, university)).toBe(true);
      expect(mayRegisterDocument(g('deanery', 'faculty', 1), null, kind, faculty1)).toBe(true);
      expect(mayRegisterDocument(g('deanery', 'faculty', 1), null, kind, department3)).toBe(true);
      expect(mayRegisterDocument(g('deanery', 'faculty', 2), null, kind, department3)).toBe(false);
      expect(mayRegisterDocument(g('deanery', 'faculty', 1), null, kind, university)).toBe(false);
      // A department head looks at the check (DOMAIN.md: department (view)) but does not record it.
      expect(mayRegisterDocument(g('departmentHead', 'department', 3), null, kind, department3)).toBe(false);
    }
  });

  it('an order: the head of its department only', () => {
    expect(mayRegisterDocument(g('departmentHead', 'department', 3), 7, 'order', department3)).toBe(true);
    expect(mayRegisterDocument(g('departmentHead', 'department', 4), 7, 'order', department3)).toBe(false);
    expect(mayRegisterDocument(g('deanery', 'faculty', 1), null, 'order', department3)).toBe(false);
  });

  it('a transfer act: an archivist of the unit; a journal: whoever prints it, a teacher their own', () => {
    expect(mayRegisterDocument(g('archivist', 'faculty', 1), null, 'transfer', department3)).toBe(true);
    expect(mayRegisterDocument(g('archivist', 'department', 4), null, 'transfer', department3)).toBe(false);
    expect(mayRegisterDocument(g('deanery', 'faculty', 1), null, 'transfer', faculty1)).toBe(false);
    const journal = { faculty: 1, department: 3, teacher: 7 };
    expect(mayRegisterDocument(g('teacher', 'own', null), 7, 'journal', journal)).toBe(true);
    expect(mayRegisterDocument(g('teacher', 'own', null), 8, 'journal', journal)).toBe(false);
    expect(mayRegisterDocument(g('studyOffice', 'university', null), null, 'journal', journal)).toBe(false);
  });
});
