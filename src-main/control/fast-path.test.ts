import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { boot, type App } from '../boot';
import { generateDemo } from '../demo/generate';
import { bootTiny, DEMO_NOW } from '../../tests/helpers/replica';
import { CONTROL_UNITS, figuresBy, judgeCounts, judgeLesson, tally } from '../../src-shared/domain/control';
import { figuresFromCounts } from './report';
import {
  controlCountedLessons,
  controlFigureCounts,
  controlLessons,
  ensureLessonFill,
  lessonFillFromRows,
} from '../db/control.repo';

/**
 * The weekly control's fast path (per-lesson counters kept by triggers, judged on counts) returns
 * exactly what the pure rule returns on the lessons' lists — on the demo data, and after every kind of
 * change the triggers must follow: marks added and removed, a transfer, a subgroup change, a lesson
 * moved or given to another offering.
 */
const ALL = {
  grants: [{ role: 'studyOffice', scopeKind: 'university', scopeId: null }],
  teacherId: null,
} as const;
const FROM = '2026-09-01';
const TO = '2026-12-31';

const open: App[] = [];
afterAll(() => {
  for (const a of open) a.close();
});

function expectFastEqualsRule(app: App, now: number): number {
  const cached = new Map(
    (
      app.db.$client.prepare('SELECT lesson_id id, members, marked FROM lesson_fill').all() as Array<{
        id: number;
        members: number;
        marked: number;
      }>
    ).map((r) => [r.id, { members: r.members, marked: r.marked }]),
  );
  const rows = lessonFillFromRows(app.db, FROM, TO);
  for (const [id, c] of cached) expect(c, `lesson ${id}`).toEqual(rows.get(id));
  const fast = new Map(
    controlCountedLessons(app.db, ALL, FROM, TO, []).map((r) => [r.lesson.id, judgeCounts(r.lesson, now)]),
  );
  const reference = controlLessons(app.db, ALL, FROM, TO, []);
  expect(fast.size).toBe(reference.length);
  for (const r of reference) {
    const v = judgeLesson(r.lesson, now);
    const figure = v.due
      ? { due: true, state: v.state, responsibleId: v.responsibleId, uncovered: v.uncovered }
      : v;
    expect(fast.get(r.lesson.id), `lesson ${r.lesson.id}`).toEqual(figure);
  }
  // The SQL aggregation (the rule in SQL) gives the figures the pure rule gives, for every kind of unit.
  const judged = reference.map((r) => ({ place: r.place, verdict: judgeLesson(r.lesson, now) }));
  for (const kind of CONTROL_UNITS) {
    const sqlFigures = figuresFromCounts(
      controlFigureCounts(app.db, ALL, [{ from: FROM, to: TO }], [], kind, now),
      0,
    );
    expect(sqlFigures.byUnit, kind).toEqual(figuresBy(kind, judged));
    expect(sqlFigures.total).toEqual(tally(judged.map((j) => j.verdict)));
  }
  return reference.length;
}

describe('the control fast path equals the pure rule', () => {
  it('on the tiny demo, through marks, transfers, subgroup changes and moved lessons', () => {
    const app = bootTiny();
    open.push(app);
    const sql = app.db.$client;
    expect(ensureLessonFill(app.db, FROM, TO)).toBeGreaterThan(0);
    expect(expectFastEqualsRule(app, DEMO_NOW)).toBeGreaterThan(100);

    // Marks removed and added (through plain SQL and REPLACE, as pulls and imports write them).
    const full = sql
      .prepare(
        `SELECT l.id FROM lessons l JOIN lesson_fill f ON f.lesson_id = l.id WHERE f.members > 0 AND f.marked = f.members
         AND l.topic IS NOT NULL ORDER BY l.id LIMIT 3`,
      )
      .all() as Array<{ id: number }>;
    for (const l of full)
      sql
        .prepare('DELETE FROM marks WHERE rowid IN (SELECT rowid FROM marks WHERE lesson_id = ? LIMIT 1)')
        .run(l.id);
    const lesson = full[0]?.id ?? 0;
    const student = (
      sql.prepare('SELECT student_id s FROM marks WHERE lesson_id = ? LIMIT 1').get(lesson) as { s: number }
    ).s;
    sql
      .prepare(
        "INSERT OR REPLACE INTO marks (lesson_id, student_id, attendance, row_version, updated_at) VALUES (?, ?, 'a', 2, 0)",
      )
      .run(lesson, student);
    expectFastEqualsRule(app, DEMO_NOW);

    // A student transferred mid-semester to another group.
    const e = sql
      .prepare(
        'SELECT id, student_id s, group_id g FROM enrolments WHERE ends_on IS NULL ORDER BY id LIMIT 1',
      )
      .get() as { id: number; s: number; g: number };
    const other = (
      sql.prepare('SELECT id FROM groups WHERE id <> ? ORDER BY id LIMIT 1').get(e.g) as { id: number }
    ).id;
    sql
      .prepare("UPDATE enrolments SET ends_on = '2026-10-15', end_reason = 'transfer_out' WHERE id = ?")
      .run(e.id);
    sql
      .prepare(
        "INSERT INTO enrolments (id, student_id, group_id, starts_on, start_reason, row_version, updated_at) VALUES (?, ?, ?, '2026-10-16', 'transfer_in', 1, 0)",
      )
      .run(900001, e.s, other);
    expectFastEqualsRule(app, DEMO_NOW);

    // A subgroup member leaves; a lesson moves to another date; a lesson is given to another offering.
    sql
      .prepare(
        "UPDATE subgroup_members SET ends_on = '2026-10-01' WHERE id = (SELECT min(id) FROM subgroup_members)",
      )
      .run();
    sql
      .prepare("UPDATE lessons SET date = '2026-11-02' WHERE id = (SELECT min(lesson_id) FROM lesson_fill)")
      .run();
    const l2 = sql.prepare('SELECT id, offering_id o FROM lessons ORDER BY id DESC LIMIT 1').get() as {
      id: number;
      o: number;
    };
    const o2 = (
      sql.prepare('SELECT id FROM offerings WHERE id <> ? ORDER BY id LIMIT 1').get(l2.o) as { id: number }
    ).id;
    sql.prepare('UPDATE lessons SET offering_id = ? WHERE id = ?').run(o2, l2.id);
    ensureLessonFill(app.db, FROM, TO);
    expectFastEqualsRule(app, DEMO_NOW);

    // Everything else the rule reads: a topic, a status, a completion time, a substitution, an absence,
    // a declared holiday, the bells.
    const some = sql
      .prepare('SELECT lesson_id id FROM lesson_fill ORDER BY lesson_id LIMIT 6')
      .all() as Array<{ id: number }>;
    const [a, b, c, d] = some.map((x) => x.id);
    sql.prepare('UPDATE lessons SET topic = NULL WHERE id = ?').run(a);
    sql.prepare("UPDATE lessons SET status = 'cancelled' WHERE id = ?").run(b);
    sql.prepare('UPDATE lessons SET completed_at = ? WHERE id = ?').run(DEMO_NOW - 1, c);
    const t = sql
      .prepare(
        'SELECT o.teacher_id t, l.date FROM lessons l JOIN offerings o ON o.id = l.offering_id WHERE l.id = ?',
      )
      .get(d) as { t: number; date: string };
    const substitute = (
      sql.prepare('SELECT id FROM teachers WHERE id <> ? LIMIT 1').get(t.t) as { id: number }
    ).id;
    sql
      .prepare(
        `INSERT INTO substitutions (id, lesson_id, absent_teacher_id, substitute_teacher_id, assigned_at, row_version, updated_at)
         VALUES ('0192d0a0-0000-7000-8000-00000000aaaa', ?, ?, ?, 0, 1, 0)`,
      )
      .run(d, t.t, substitute);
    expectFastEqualsRule(app, DEMO_NOW);
    sql
      .prepare(
        `INSERT INTO absences (id, teacher_id, starts_on, ends_on, reason, row_version, updated_at)
         VALUES ('0192d0a0-0000-7000-8000-00000000bbbb', ?, ?, ?, 'illness', 1, 0)`,
      )
      .run(t.t, t.date, t.date);
    expectFastEqualsRule(app, DEMO_NOW);
    // A day with lessons already held (so the holiday changes verdicts).
    const lastDay = (
      sql
        .prepare(
          "SELECT max(date) d FROM lesson_fill WHERE starts_at < ? AND origin = 'timetable' AND status = 'scheduled'",
        )
        .get(DEMO_NOW) as { d: string }
    ).d;
    sql
      .prepare(
        "INSERT INTO calendar_days (id, date, kind, name_ru, name_ky, row_version, updated_at) VALUES (99001, ?, 'non_teaching', 'x', 'x', 1, 0)",
      )
      .run(lastDay);
    expectFastEqualsRule(app, DEMO_NOW);
    sql.prepare("UPDATE bell_pairs SET starts_at = '08:30' WHERE number = 1").run();
    expectFastEqualsRule(app, DEMO_NOW);
  });

  it('on the faculty demo', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'avn-fast-')), 'faculty.db');
    generateDemo(file, { scale: 'faculty' });
    const app = boot({ dbPath: file, demoIfMissing: null, log: () => undefined });
    open.push(app);
    const n = expectFastEqualsRule(app, app.deps.clock.now());
    expect(n).toBeGreaterThan(10_000);
  }, 120_000);
});
