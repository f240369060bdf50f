import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src-main/boot';
import { METHOD_NAMES } from '../../src-main/api/dispatch';
import { sessionUserOf } from '../../src-main/db/users.repo';
import { METHOD_RIGHTS, type MethodRight } from '../../src-shared/contract/rights';
import { covers, MATRIX } from '../../src-shared/domain/matrix';
import { ROLES, type Role } from '../../src-shared/domain/roles';
import { bootTiny } from '../helpers/replica';

/**
 * The door holds the matrix (issue 13): for every method of the contract and every role, a session
 * holding only that role calls the method with an empty input. A role whose cell of the method's
 * action does not cover what the method needs is refused with ROLE_FORBIDDEN before anything else; a
 * role it covers gets past the role check (mostly to INVALID_INPUT). Public methods answer without a
 * session, the others want one. The replica is a temp copy; a valid empty input may write to it (a
 * recorded check, a backup in its own backups/ folder), never outside its folder.
 */
let app: App;
let dir: string;

/** The demo account whose grant of each role the sessions take (one grant each, nothing else). */
const ACCOUNT: Record<Role, string> = {
  admin: 'admin',
  studyOffice: 'study',
  deanery: 'dean',
  departmentHead: 'head',
  teacher: 'teacher',
  curator: 'curator',
  archivist: 'archivist',
};

beforeAll(() => {
  app = bootTiny();
  dir = dirname(app.db.$client.name);
});
afterAll(() => {
  app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A new session of the role's demo account holding only that role (a logout ends only its own). */
function sessionOf(role: Role): string {
  const row = app.db.$client.prepare('SELECT id FROM users WHERE login = ?').get(ACCOUNT[role]) as {
    id: number;
  };
  const found = sessionUserOf(app.db, row.id);
  const grant = found?.grants.find((g) => g.role === role);
  if (!found || !grant) throw new Error(`the demo account ${ACCOUNT[role]} has no ${role} grant`);
  const user = { ...found.user, grants: found.user.grants.filter((g) => g.role === role) };
  return app.deps.sessions.create(user, [grant]).token;
}

/** Whether DOMAIN.md's matrix lets a role call a method (any session for 'session', anyone for 'public'). */
function covered(method: keyof typeof METHOD_RIGHTS, role: Role): boolean {
  const right: MethodRight = METHOD_RIGHTS[method];
  if (right === 'public' || right === 'session') return true;
  const rows = 'anyOf' in right ? right.anyOf : [right];
  return rows.some((r) => covers(MATRIX[r.action][role], r.need));
}

describe('the door', () => {
  for (const method of METHOD_NAMES) {
    it(`${method}: the roles the matrix covers pass, the others get ROLE_FORBIDDEN`, async () => {
      const outcome: Record<string, string> = {};
      for (const role of ROLES) {
        const r = await app.dispatch({ method, input: {}, session: sessionOf(role), locale: 'ru' });
        outcome[role] = r.ok ? 'ok' : r.error.code;
      }
      const expected = Object.fromEntries(
        ROLES.map((role) => [
          role,
          covered(method, role) ? expect.not.stringMatching(/^ROLE_FORBIDDEN$/) : 'ROLE_FORBIDDEN',
        ]),
      );
      expect(outcome).toEqual(expected);

      const anonymous = await app.dispatch({ method, input: {}, locale: 'ru' });
      const code = anonymous.ok ? 'ok' : anonymous.error.code;
      if (METHOD_RIGHTS[method] === 'public') expect(code).not.toMatch(/^(UNAUTHENTICATED|ROLE_FORBIDDEN)$/);
      else expect(code).toBe('UNAUTHENTICATED');
    });
  }

  it('closes what issue 13 found open and opens what it found closed', async () => {
    const code = async (method: string, role: Role, input: unknown = {}) => {
      const r = await app.dispatch({ method, input, session: sessionOf(role), locale: 'ru' });
      return r.ok ? 'ok' : r.error.code;
    };
    // Printing and the paper register: not the study office; the teacher (their own journals).
    expect(await code('print.start', 'studyOffice')).toBe('ROLE_FORBIDDEN');
    expect(await code('print.register', 'studyOffice')).toBe('ROLE_FORBIDDEN');
    expect(await code('print.register', 'teacher')).toBe('ok');
    // The document register: everyone who prints or registers a kind of document, the study office
    // (acts and notices of its weekly checks) among them; not the admin, not a curator.
    for (const role of ['studyOffice', 'deanery', 'departmentHead', 'teacher', 'archivist'] as const)
      expect(await code('documents.list', role)).toBe('ok');
    for (const role of ['admin', 'curator'] as const)
      expect(await code('documents.list', role)).toBe('ROLE_FORBIDDEN');
    // A notice to a teacher's cabinet is the study office's and the deanery's.
    for (const role of ['admin', 'departmentHead', 'teacher', 'curator', 'archivist'] as const)
      expect(await code('messages.send', role)).toBe('ROLE_FORBIDDEN');
    // Only the admin points this PC's replica at a gateway.
    for (const role of ROLES.filter((r) => r !== 'admin'))
      expect(await code('sync.connect', role)).toBe('ROLE_FORBIDDEN');
    expect(await code('sync.connect', 'admin')).toBe('INVALID_INPUT');
  });
});
