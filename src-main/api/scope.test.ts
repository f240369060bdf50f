import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../boot';
import { bootTiny, login } from '../../tests/helpers/replica';
import { canViewOffering, type OfferingAccessFacts } from '../../src-shared/domain/roles';
import { scopeCheck } from '../db/journal.repo';
import { DEMO_ACCOUNTS } from '../demo/generate';

/**
 * Access scopes (DOMAIN.md, Scopes and Roles): whatever a request asks for, a deanery user of one
 * faculty gets nothing of another, and a teacher nothing of another teacher's offerings.
 */
let app: App;
type Row = { id: number; facultyId: number; groupId: number; teacherId: number; departmentId: number };
let offerings: Row[];

beforeAll(() => {
  app = bootTiny();
  offerings = app.db.$client
    .prepare(
      `SELECT o.id, g.faculty_id facultyId, o.group_id groupId, o.teacher_id teacherId, o.department_id departmentId
      FROM offerings o JOIN groups g ON g.id = o.group_id`,
    )
    .all() as Row[];
});
afterAll(() => app.close());

async function call(session: string, method: string, input: unknown) {
  return app.dispatch({ method, input, session });
}

describe('deanery scope', () => {
  it('sees only its own faculty’s groups, whatever the filter asks', async () => {
    const dean = await login(app, 'dean');
    const all = await call(dean, 'journal.groups', {});
    expect(all.ok).toBe(true);
    if (!all.ok) return;
    const groups = all.value as Array<{ faculty: { id: number } }>;
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.every((g) => g.faculty.id === 1)).toBe(true);
    expect(await call(dean, 'journal.groups', { facultyId: 2 })).toEqual({ ok: true, value: [] });
    expect(await call(dean, 'journal.groups', { search: '-' })).toMatchObject({ ok: true });
  });

  it('is refused every group and offering of the other faculty', async () => {
    const dean = await login(app, 'dean');
    const other = offerings.filter((o) => o.facultyId === 2);
    expect(other.length).toBeGreaterThan(0);
    for (const groupId of new Set(other.map((o) => o.groupId))) {
      expect(await call(dean, 'journal.offerings', { groupId })).toMatchObject({
        ok: false,
        error: { code: 'SCOPE_FORBIDDEN', field: 'groupId' },
      });
    }
    for (const o of other) {
      expect(await call(dean, 'journal.grid', { offeringId: o.id })).toMatchObject({
        ok: false,
        error: { code: 'SCOPE_FORBIDDEN' },
      });
    }
    // Its own faculty's groups, including a discipline taught by another faculty's department.
    const mine = offerings.filter((o) => o.facultyId === 1);
    expect(
      mine.some((o) => offerings.some((x) => x.departmentId === o.departmentId && x.facultyId === 2)),
    ).toBe(true);
    for (const o of mine) expect((await call(dean, 'journal.grid', { offeringId: o.id })).ok).toBe(true);
  });
});

describe('teacher scope', () => {
  it('sees own offerings and those with a lesson assigned to them, nothing else', async () => {
    const teacher = await login(app, 'teacher');
    const me = (await call(teacher, 'auth.me', {})) as { ok: true; value: { teacherId: number } };
    const tid = me.value.teacherId;
    const substituted = new Set(
      (
        app.db.$client
          .prepare(
            'SELECT DISTINCT l.offering_id id FROM substitutions s JOIN lessons l ON l.id = s.lesson_id WHERE s.substitute_teacher_id = ?',
          )
          .all(tid) as Array<{ id: number }>
      ).map((r) => r.id),
    );
    const allowed = new Set(
      offerings.filter((o) => o.teacherId === tid || substituted.has(o.id)).map((o) => o.id),
    );
    expect(allowed.size).toBeGreaterThan(0);
    // The demo teacher also substitutes for a colleague: those journals are visible too.
    expect(offerings.some((o) => substituted.has(o.id) && o.teacherId !== tid)).toBe(true);
    const groups = await call(teacher, 'journal.groups', {});
    if (!groups.ok) throw new Error('groups failed');
    const seen = new Set<number>();
    for (const g of groups.value as Array<{ id: number }>) {
      const r = await call(teacher, 'journal.offerings', { groupId: g.id });
      if (!r.ok) throw new Error(`offerings of ${g.id} failed`);
      for (const o of (r.value as { offerings: Array<{ id: number }> }).offerings) seen.add(o.id);
    }
    expect([...seen].sort()).toEqual([...allowed].sort());
    for (const o of offerings) {
      const r = await call(teacher, 'journal.grid', { offeringId: o.id });
      expect(r.ok, `offering ${o.id}`).toBe(allowed.has(o.id));
      if (!r.ok) expect(r.error.code).toBe('SCOPE_FORBIDDEN');
    }
  });
});

describe('the SQL scope equals the pure rule', () => {
  it('for every demo account and every offering', async () => {
    const subs = app.db.$client
      .prepare(
        'SELECT l.offering_id o, s.substitute_teacher_id t FROM substitutions s JOIN lessons l ON l.id = s.lesson_id WHERE s.cancelled_at IS NULL',
      )
      .all() as Array<{ o: number; t: number }>;
    let checked = 0;
    for (const account of DEMO_ACCOUNTS) {
      const session = await login(app, account);
      const s = app.deps.sessions.get(session)!;
      for (const o of offerings) {
        const facts: OfferingAccessFacts = {
          ...o,
          substituteTeacherIds: subs.filter((x) => x.o === o.id).map((x) => x.t),
        };
        expect(scopeCheck(app.db, s, 'offering', o.id) === 'ok', `${account} / offering ${o.id}`).toBe(
          canViewOffering(s.grants, s.teacherId, facts),
        );
        checked++;
      }
    }
    expect(checked).toBe(DEMO_ACCOUNTS.length * offerings.length);
  });
});
