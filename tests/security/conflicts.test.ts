import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src-main/boot';
import { DEFAULT_DEMO_DATE } from '../../src-main/demo/generate';
import type { ConflictDto } from '../../src-shared/contract/sync.contract';
import { shortName } from '../../src-shared/domain/people';
import { formatDateShort } from '../../src-shared/i18n/format';
import { CATALOGUES, type Locale } from '../../src-shared/i18n/translate';
import { BACKENDS, testGateway } from '../helpers/central';
import { queueUnjudged } from '../helpers/outbox';
import { DEMO_NOW, lessonMembers } from '../helpers/replica';
import {
  centralEdit,
  centralOutcomes,
  closers,
  desktopLogin,
  emptyReplica,
  expectReplicaEqualsCentral,
  type Cell,
} from '../helpers/sync';

/**
 * Conflicts for everyone (issue 13, item 4): a refused edit of any mutation waits on the Sync screen of
 * its author — only theirs, in their language — and only its author resolves it, on the desktop and at
 * the gateway; each resolution is audited on both sides and recorded with the refused mutation. The
 * department head (`head`: heads department 1 and teaches) has an absence and a grade refused in one
 * sync; the demo teacher (`teacher`) uses the same PC.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

/** An absence registered centrally (AVN web) before the head's: the head's one overlaps it. */
const CENTRAL_ABSENCE = '0190a0a0-0000-7000-8000-00000000ab01';

type Listing = { items: ConflictDto[]; others: number };

const idOf = (app: App, query: string, ...params: unknown[]) =>
  (app.db.$client.prepare(query).get(...params) as { id: number }).id;

/** A call through the UI's door; without a locale in the envelope, as the app's default (Russian) has it. */
async function call<T>(app: App, method: string, input: unknown, session: string, locale?: Locale) {
  const r = await app.dispatch({ method, input, session, ...(locale ? { locale } : {}) });
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

/** A cell of a teacher's own lesson (a whole group or a subgroup) that has begun, not locked, not covered. */
function ownCell(app: App, login: string): Cell {
  const lessonId = idOf(
    app,
    `SELECT l.id FROM lessons l JOIN offerings o ON o.id = l.offering_id
     JOIN users u ON u.teacher_id = o.teacher_id AND u.login = ?
     WHERE l.status = 'scheduled' AND l.date < ? AND NOT EXISTS (SELECT 1 FROM locks k WHERE k.offering_id = o.id)
     AND NOT EXISTS (SELECT 1 FROM substitutions s WHERE s.lesson_id = l.id) ORDER BY l.date DESC LIMIT 1`,
    login,
    DEFAULT_DEMO_DATE,
  );
  const studentId = lessonMembers(app, lessonId)[0];
  if (studentId === undefined) throw new Error(`no student at lesson ${lessonId}`);
  return { lessonId, studentId };
}

/** Counts on the replica that a refused resolution must leave alone. */
function localCounts(app: App) {
  const n = (q: string) => (app.db.$client.prepare(q).get() as { n: number }).n;
  return {
    unresolved: n('SELECT count(*) AS n FROM sync_conflicts WHERE resolved_at IS NULL'),
    outbox: n('SELECT count(*) AS n FROM outbox'),
    resolvedAudit: n("SELECT count(*) AS n FROM audit_log WHERE op = 'resolved'"),
  };
}

/** The head's two refused edits as the Sync screen lists them, in a language. */
function expectListing(list: Listing, locale: Locale, expected: { subject: string; cell: Cell }): void {
  const t = CATALOGUES[locale] as Readonly<Record<string, string>>;
  expect(list.others).toBe(0);
  expect(list.items.map((i) => i.name).sort()).toEqual(['absences.register', 'marks.set']);
  const absence = list.items.find((i) => i.name === 'absences.register');
  const mark = list.items.find((i) => i.name === 'marks.set');
  expect(absence).toMatchObject({
    outcome: 'CONFLICT',
    reason: t['refusal.already_absent'],
    kind: t['mutation.absences.register'],
    subject: expected.subject,
    lesson: null,
    student: null,
    mine: null,
    theirs: null,
    resolutions: ['keep_theirs'],
  });
  expect(mark).toMatchObject({
    outcome: 'CONFLICT',
    reason: t['refusal.stale'],
    kind: t['mutation.marks.set'],
    lesson: { id: expected.cell.lessonId },
    student: { id: expected.cell.studentId },
    mine: { attendance: 'a', grade: null },
    theirs: { attendance: 'p', grade: 5 },
    resolutions: ['keep_theirs', 'reapply_mine', 'edit'],
  });
  expect(mark?.student?.name).toMatch(/\S/);
  for (const i of list.items) {
    // Translated: the catalogue's text, never the registry's English code.
    expect(i.reason).not.toMatch(/[A-Za-z]/);
    expect(i.kind).not.toMatch(/[A-Za-z]/);
  }
}

describe.each(BACKENDS)('refused edits of the head on %s', (backend) => {
  it('are listed for their author only, in their language, resolved by them alone and recorded centrally', async () => {
    const gw = track(await testGateway(backend, DEMO_NOW));
    const app = track(emptyReplica());
    const sql = app.db.$client;
    await app.deps.sync.connect(gw.url, 'head', 'demo');
    await app.deps.sync.sync();
    const head = await desktopLogin(app, 'head');
    const teacher = await desktopLogin(app, 'teacher');
    const headId = idOf(app, "SELECT id FROM users WHERE login = 'head'");
    const teacherId = idOf(app, "SELECT id FROM users WHERE login = 'teacher'");
    const absentId = idOf(app, "SELECT teacher_id AS id FROM users WHERE login = 'curator'");
    const cell = ownCell(app, 'head');

    // The centre moves first: another absence of that teacher on one of those days, and the head's
    // cell filled in AVN web.
    await centralEdit(gw.url, [
      {
        table: 'absences',
        key: { id: CENTRAL_ABSENCE },
        set: {
          teacher_id: absentId,
          starts_on: '2026-11-19',
          ends_on: '2026-11-19',
          pairs: null,
          reason: 'illness',
          document_ref: null,
          created_by: headId,
        },
      },
      {
        table: 'marks',
        key: { lesson_id: cell.lessonId, student_id: cell.studentId },
        set: { attendance: 'p', grade: 5 },
      },
    ]);
    // Offline, the head registers the absence and enters the grade on the versions they hold.
    await call(
      app,
      'subs.registerAbsence',
      {
        teacherId: absentId,
        startsOn: '2026-11-18',
        endsOn: '2026-11-20',
        pairs: null,
        reason: 'illness',
        documentRef: '№ 7',
      },
      head,
    );
    await call(
      app,
      'journal.setMarks',
      { lessonId: cell.lessonId, marks: [{ studentId: cell.studentId, attendance: 'a', grade: null }] },
      head,
    );
    const refusedIds = Object.fromEntries(
      (
        sql.prepare('SELECT name, mutation_id AS id FROM outbox').all() as Array<{ name: string; id: string }>
      ).map((o) => [o.name, o.id]),
    ) as Record<'absences.register' | 'marks.set', string>;
    const pushed: number[] = [];
    const sync = async () => {
      const r = await app.deps.sync.sync();
      pushed.push(r.pushed);
      return r;
    };
    expect(await sync()).toMatchObject({ pushed: 2, applied: 0, conflicts: 2 });

    // The head sees both, in Russian by default and in Kyrgyz when asked.
    const t = sql
      .prepare('SELECT last_name AS lastName, first_name AS firstName, patronymic FROM teachers WHERE id = ?')
      .get(absentId) as { lastName: string; firstName: string; patronymic: string | null };
    const subject = `${shortName(t)}, ${formatDateShort('2026-11-18')} – ${formatDateShort('2026-11-20')}`;
    const ru = await call<Listing>(app, 'sync.conflicts', {}, head);
    expectListing(ru, 'ru', { subject, cell });
    const ky = await call<Listing>(app, 'sync.conflicts', {}, head, 'ky');
    expectListing(ky, 'ky', { subject, cell });
    expect(ky.items.map((i) => i.reason)).not.toEqual(ru.items.map((i) => i.reason));
    const byName = (name: string) => {
      const c = ru.items.find((i) => i.name === name);
      if (!c) throw new Error(name);
      return c;
    };

    // Another person of this PC sees none of them, only how many wait for others, and cannot resolve them.
    expect(await call<Listing>(app, 'sync.conflicts', {}, teacher)).toEqual({ items: [], others: 2 });
    const before = localCounts(app);
    const foreign = await app.dispatch({
      method: 'sync.resolve',
      input: { conflictId: byName('absences.register').id, resolution: 'keep_theirs' },
      session: teacher,
    });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'SCOPE_FORBIDDEN' } });
    expect(localCounts(app)).toEqual(before);

    // Forged past the desktop: the teacher's resolution of the head's refused mutation, pushed with the
    // teacher's own token. The gateway refuses it; the head's edit stays unresolved there.
    const [forgedId] = queueUnjudged(
      app.db,
      { userId: teacherId, deviceId: app.deps.deviceId, now: DEMO_NOW },
      [
        {
          name: 'conflicts.resolve',
          args: { mutationId: refusedIds['absences.register'], resolution: 'keep_theirs' },
        },
      ],
    );
    expect(await sync()).toMatchObject({ pushed: 1, applied: 0, conflicts: 1 });
    const [forged] = await gw.db.query<{ outcome: string; reason: string; user_id: number }>(
      'SELECT outcome, reason, user_id FROM mutations WHERE mutation_id = $1',
      [forgedId],
    );
    expect(forged).toMatchObject({ outcome: 'FORBIDDEN', user_id: teacherId });
    expect(forged?.reason).toContain('not_author');
    expect(
      sql.prepare('SELECT outcome, code, user_id FROM sync_conflicts WHERE mutation_id = ?').get(forgedId),
    ).toEqual({
      outcome: 'FORBIDDEN',
      code: 'not_author',
      user_id: teacherId,
    });
    const refusedCentrally = () =>
      gw.db.query<{
        mutation_id: string;
        outcome: string;
        resolution: string | null;
        resolved_by: number | null;
      }>(
        'SELECT mutation_id, outcome, resolution, resolved_by FROM mutations WHERE mutation_id = ANY($1) ORDER BY name',
        [[refusedIds['absences.register'], refusedIds['marks.set']]],
      );
    expect(await refusedCentrally()).toEqual([
      {
        mutation_id: refusedIds['absences.register'],
        outcome: 'CONFLICT',
        resolution: null,
        resolved_by: null,
      },
      { mutation_id: refusedIds['marks.set'], outcome: 'CONFLICT', resolution: null, resolved_by: null },
    ]);

    // The head resolves both: the centre's absence kept, the grade entered anew. Each resolution is
    // audited here and queued as `conflicts.resolve`.
    await call(
      app,
      'sync.resolve',
      { conflictId: byName('absences.register').id, resolution: 'keep_theirs' },
      head,
    );
    await call(
      app,
      'sync.resolve',
      { conflictId: byName('marks.set').id, resolution: 'edit', value: { attendance: 'p', grade: 4 } },
      head,
    );
    const audit = sql
      .prepare(
        "SELECT user_id, entity, entity_key, mutation_id FROM audit_log WHERE op = 'resolved' ORDER BY id",
      )
      .all() as Array<{ user_id: number; entity: string; entity_key: string; mutation_id: string | null }>;
    expect(audit.map((a) => [a.user_id, a.entity, JSON.parse(a.entity_key) as unknown])).toEqual([
      [headId, 'sync_conflicts', { mutation_id: refusedIds['absences.register'] }],
      [headId, 'sync_conflicts', { mutation_id: refusedIds['marks.set'] }],
    ]);
    const queued = sql
      .prepare('SELECT mutation_id AS id, name, user_id AS u FROM outbox ORDER BY local_seq')
      .all() as Array<{
      id: string;
      name: string;
      u: number;
    }>;
    expect(queued.map((q) => [q.name, q.u])).toEqual([
      ['conflicts.resolve', headId],
      ['marks.set', headId],
      ['conflicts.resolve', headId],
    ]);
    // The audit rows name the resolutions they queued.
    expect(audit.map((a) => a.mutation_id)).toEqual(
      queued.filter((q) => q.name === 'conflicts.resolve').map((q) => q.id),
    );
    expect(await call<Listing>(app, 'sync.conflicts', {}, head)).toMatchObject({ items: [], others: 1 });

    expect(await sync()).toMatchObject({ pushed: 3, applied: 3, conflicts: 0 });
    expect(await refusedCentrally()).toEqual([
      {
        mutation_id: refusedIds['absences.register'],
        outcome: 'CONFLICT',
        resolution: 'keep_theirs',
        resolved_by: headId,
      },
      {
        mutation_id: refusedIds['marks.set'],
        outcome: 'CONFLICT',
        resolution: 'edited',
        resolved_by: headId,
      },
    ]);
    const resolutions = await gw.db.query<{ entity_key: string; user_id: number; outcome: string }>(
      "SELECT entity_key, user_id, outcome FROM central_audit WHERE entity = 'mutations' ORDER BY id",
    );
    expect(resolutions).toEqual([
      { entity_key: JSON.stringify([refusedIds['absences.register']]), user_id: headId, outcome: 'APPLIED' },
      { entity_key: JSON.stringify([refusedIds['marks.set']]), user_id: headId, outcome: 'APPLIED' },
    ]);
    const [mark] = await gw.db.query<{ attendance: string; grade: number }>(
      'SELECT attendance, grade FROM marks WHERE lesson_id = $1 AND student_id = $2',
      [cell.lessonId, cell.studentId],
    );
    expect(mark).toEqual({ attendance: 'p', grade: 4 });
    const absences = await gw.db.query<{ id: string }>(
      "SELECT id FROM absences WHERE teacher_id = $1 AND starts_on <= '2026-11-20' AND ends_on >= '2026-11-18'",
      [absentId],
    );
    expect(absences).toEqual([{ id: CENTRAL_ABSENCE }]);

    // Every submitted mutation has one outcome, and each is in the central audit with that outcome.
    const submitted = pushed.reduce((s, n) => s + n, 0);
    const o = await centralOutcomes(gw.db, app.deps.deviceId);
    expect(o).toEqual({
      byOutcome: { CONFLICT: 2, FORBIDDEN: 1, APPLIED: 3 },
      audited: submitted,
      total: submitted,
    });
    const { APPLIED = 0, CONFLICT = 0, LOCKED = 0, FORBIDDEN = 0, INVALID = 0 } = o.byOutcome;
    expect(APPLIED + CONFLICT + LOCKED + FORBIDDEN + INVALID).toBe(submitted);
    const audited = await gw.db.query<{ outcome: string; n: number }>(
      `SELECT m.outcome, count(DISTINCT m.mutation_id)::int AS n FROM mutations m
       JOIN central_audit c ON c.mutation_id = m.mutation_id AND c.outcome = m.outcome
       WHERE m.device_id = $1 GROUP BY m.outcome`,
      [app.deps.deviceId],
    );
    expect(Object.fromEntries(audited.map((a) => [a.outcome, a.n]))).toEqual(o.byOutcome);
    await expectReplicaEqualsCentral(app, gw.db, 'department:1');
  });
});
