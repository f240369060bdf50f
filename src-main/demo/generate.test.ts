import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { generateDemo, academicYearOf } from './generate';
import { CancelledError } from '../jobs/job';
import { tinyReplica } from '../../tests/helpers/replica';

function digest(file: string): string {
  const db = new Database(file, { readonly: true });
  const h = createHash('sha256');
  for (const t of [
    'students',
    'enrolments',
    'offerings',
    'timetable_slots',
    'lessons',
    'marks',
    'substitutions',
    'locks',
  ]) {
    for (const row of db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).raw().iterate())
      h.update(JSON.stringify(row));
  }
  db.close();
  return h.digest('hex');
}

describe('demo university generator', () => {
  const file = tinyReplica();
  const db = new Database(file, { readonly: true });
  const all = <T>(q: string, ...p: unknown[]) => db.prepare(q).all(...p) as T[];
  const one = <T>(q: string, ...p: unknown[]) => db.prepare(q).get(...p) as T;

  it('is deterministic', () => {
    const dir = mkdtempSync(join(tmpdir(), 'avn-demo-'));
    generateDemo(join(dir, 'a.db'), { scale: 'tiny' });
    expect(digest(join(dir, 'a.db'))).toBe(digest(file));
    generateDemo(join(dir, 'b.db'), { scale: 'tiny', seed: 7 });
    expect(digest(join(dir, 'b.db'))).not.toBe(digest(file));
  });

  it('has two faculties with a few groups named like ПИ-1-24, and names with ң ө ү', () => {
    expect(one<{ n: number }>('SELECT count(*) n FROM faculties').n).toBe(2);
    const codes = all<{ code: string }>('SELECT code FROM groups').map((g) => g.code);
    expect(codes.length).toBeGreaterThanOrEqual(4);
    for (const c of codes) expect(c).toMatch(/^[А-ЯЁ]{2,4}-\d-\d{2}$/);
    const names = all<{ n: string }>(
      "SELECT last_name || ' ' || first_name || ' ' || coalesce(patronymic, '') n FROM students UNION ALL SELECT last_name || first_name FROM teachers",
    )
      .map((r) => r.n)
      .join(' ');
    for (const letter of ['ң', 'ө', 'ү']) expect(names).toContain(letter);
  });

  it('stores the demo today and holds the first semester up to it', () => {
    expect(one<{ value: string }>("SELECT value FROM meta WHERE key = 'demo.now'").value).toBe(
      String(Date.parse('2026-11-26T07:30:00Z')),
    );
    const last = one<{ d: string }>(
      'SELECT max(l.date) d FROM lessons l JOIN marks m ON m.lesson_id = l.id',
    ).d;
    expect(last <= '2026-11-26').toBe(true);
    expect(last >= '2026-11-20').toBe(true);
    // Future lessons exist (the semester is stored as rows) and have no marks.
    expect(one<{ n: number }>("SELECT count(*) n FROM lessons WHERE date > '2026-11-26'").n).toBeGreaterThan(
      0,
    );
  });

  it('never schedules a lesson on a holiday or a Sunday, and honours odd/even weeks', () => {
    expect(
      one<{ n: number }>(
        'SELECT count(*) n FROM lessons WHERE date IN (SELECT date FROM calendar_days WHERE kind <> ?)',
        'working_day',
      ).n,
    ).toBe(0);
    expect(one<{ n: number }>("SELECT count(*) n FROM lessons WHERE strftime('%w', date) = '0'").n).toBe(0);
    expect(
      all('SELECT date FROM calendar_days WHERE date IN (?, ?)', '2026-11-07', '2026-11-08'),
    ).toHaveLength(2);
    const parities = all<{ parity: string }>('SELECT DISTINCT parity FROM timetable_slots')
      .map((p) => p.parity)
      .sort();
    expect(parities).toEqual(['all', 'even', 'odd']);
    // An odd-week slot's lessons are two weeks apart.
    const gaps = all<{ gap: number }>(`SELECT julianday(l2.date) - julianday(l1.date) gap FROM lessons l1
      JOIN lessons l2 ON l2.slot_id = l1.slot_id AND l2.date > l1.date
      JOIN timetable_slots s ON s.id = l1.slot_id WHERE s.parity = 'odd'
      AND NOT EXISTS (SELECT 1 FROM lessons l3 WHERE l3.slot_id = l1.slot_id AND l3.date > l1.date AND l3.date < l2.date)`);
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) expect(g.gap % 14).toBe(0);
  });

  it('books no teacher, group or room twice at one pair', () => {
    const clash = (col: string) =>
      one<{ n: number }>(`SELECT count(*) n FROM (SELECT l.date, l.pair, ${col} k, count(*) c FROM lessons l
        JOIN offerings o ON o.id = l.offering_id WHERE l.status = 'scheduled' AND l.pair <= 5
        GROUP BY l.date, l.pair, ${col} HAVING c > 1)`).n;
    expect(clash('o.teacher_id')).toBe(0);
    expect(clash('l.room_id')).toBe(0);
    // A group meets once per pair, except its two subgroups at the same time.
    expect(clash("o.group_id || '/' || coalesce(o.subgroup_id, 0)")).toBe(0);
  });

  it('marks only students who belonged to the lesson’s group or subgroup that day', () => {
    const stray = one<{ n: number }>(`SELECT count(*) n FROM marks m JOIN lessons l ON l.id = m.lesson_id
      JOIN offerings o ON o.id = l.offering_id
      WHERE (o.subgroup_id IS NULL AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.student_id = m.student_id
               AND e.group_id = o.group_id AND e.starts_on <= l.date AND (e.ends_on IS NULL OR e.ends_on >= l.date)))
         OR (o.subgroup_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM subgroup_members s WHERE s.student_id = m.student_id
               AND s.subgroup_id = o.subgroup_id AND s.starts_on <= l.date AND (s.ends_on IS NULL OR s.ends_on >= l.date)))`).n;
    expect(stray).toBe(0);
  });

  it('has the life of a real journal: late and missing fills, substitutions, locks, transfers', () => {
    const due = all<{ state: string; n: number }>(`SELECT CASE WHEN completed_at IS NULL THEN 'missing'
        WHEN completed_at < (julianday(date, '+1 day') - 2440587.5) * 86400000 - 6 * 3600000 THEN 'on_time' ELSE 'late' END state,
        count(*) n FROM lessons WHERE status = 'scheduled' AND date < '2026-11-26' GROUP BY 1`);
    const n = Object.fromEntries(due.map((r) => [r.state, r.n]));
    const total = (n.on_time ?? 0) + (n.late ?? 0) + (n.missing ?? 0);
    expect((n.on_time ?? 0) / total).toBeGreaterThan(0.6);
    expect(n.late ?? 0).toBeGreaterThan(0);
    expect(n.missing ?? 0).toBeGreaterThan(0);
    expect(one<{ n: number }>('SELECT count(*) n FROM substitutions').n).toBeGreaterThan(0);
    expect(one<{ n: number }>('SELECT count(*) n FROM locks').n).toBeGreaterThan(0);
    expect(
      one<{ n: number }>("SELECT count(*) n FROM enrolments WHERE end_reason = 'transfer_out'").n,
    ).toBeGreaterThan(0);
    expect(
      one<{ n: number }>("SELECT count(*) n FROM lessons WHERE status = 'cancelled'").n,
    ).toBeGreaterThanOrEqual(0);
    // Every substituted lesson that was filled was conducted by the substitute.
    expect(
      one<{ n: number }>(`SELECT count(*) n FROM substitutions s JOIN lessons l ON l.id = s.lesson_id
      WHERE l.conducted_by IS NOT NULL AND l.conducted_by <> s.substitute_teacher_id`).n,
    ).toBe(0);
    // A locked offering has a result for every student enrolled on the closing day.
    expect(
      one<{ n: number }>(
        "SELECT count(*) n FROM locks k WHERE NOT EXISTS (SELECT 1 FROM assessments a WHERE a.offering_id = k.offering_id AND a.kind = 'intermediate')",
      ).n,
    ).toBe(0);
  });

  it('refuses dates in the summer break and writes nothing when cancelled', () => {
    expect(() => academicYearOf('2026-07-15')).toThrow(/summer break/);
    const dir = mkdtempSync(join(tmpdir(), 'avn-demo-'));
    const target = join(dir, 'c.db');
    const ctl = new AbortController();
    expect(() =>
      generateDemo(target, {
        scale: 'tiny',
        signal: ctl.signal,
        onProgress: (p) => {
          if (p.phase === 'lessons') ctl.abort();
        },
      }),
    ).toThrow(CancelledError);
    expect(() => new Database(target, { fileMustExist: true })).toThrow();
    expect(() => new Database(`${target}.partial`, { fileMustExist: true })).toThrow();
  });
});
