import type Database from 'better-sqlite3';
import { controlReport } from '../src-main/control/report';
import { controlFigureCounts } from '../src-main/db/control.repo';
import type { Db } from '../src-main/db/open';
import { bishkekDate } from '../src-shared/domain/time';

type Line = (label: string, value: string, baseline: string, ratio: string) => void;

/**
 * The weekly control on a replica (issue: a week under 50 ms and the semester to date under 500 ms on
 * the university-scale demo), beside a naive single-SQL baseline measured in the same run: one query
 * counting due and filled lessons per faculty with correlated counts of marks and enrolled students.
 */
const NAIVE = `
  SELECT g.faculty_id AS faculty, count(*) AS due, sum(x.filled) AS filled FROM (
    SELECT o.group_id AS groupId,
      (l.topic IS NOT NULL AND l.topic <> ''
        AND (SELECT count(*) FROM marks m WHERE m.lesson_id = l.id) >=
            (SELECT count(*) FROM enrolments e WHERE e.group_id = o.group_id AND e.starts_on <= l.date
              AND (e.ends_on IS NULL OR e.ends_on >= l.date))) AS filled
    FROM lessons l JOIN offerings o ON o.id = l.offering_id
    WHERE l.date BETWEEN ? AND ? AND l.status = 'scheduled' AND o.lesson_kind <> 'self_study'
  ) x JOIN groups g ON g.id = x.groupId GROUP BY g.faculty_id`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export function benchControl(row: Line, db: Db, now: number, semesterStart: string, runs = 3): void {
  const raw: Database.Database = db.$client;
  const viewer = {
    grants: [{ role: 'studyOffice', scopeKind: 'university', scopeId: null }],
    teacherId: null,
  } as const;
  const today = bishkekDate(now);
  const cases = [
    { label: 'last full week', input: {}, from: '', to: '' },
    { label: 'semester to date', input: { from: semesterStart, to: today }, from: semesterStart, to: today },
  ];
  // Cold: the first report after a download computes the cached per-lesson rows of its five weeks.
  raw.prepare('DELETE FROM lesson_fill').run();
  let t0 = performance.now();
  const first = controlReport(db, viewer, { within: [], by: 'faculty' }, now, 'ru');
  row('control report, first after a download (ms)', (performance.now() - t0).toFixed(0), '', '');
  // The week's figures alone (no trend), from the cached rows.
  const alone: number[] = [];
  const naiveWeek: number[] = [];
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    controlFigureCounts(db, viewer, [first.period], [], 'faculty', now);
    alone.push(performance.now() - t0);
    t0 = performance.now();
    raw.prepare(NAIVE).all(first.period.from, first.period.to);
    naiveWeek.push(performance.now() - t0);
  }
  row(
    'control figures, last full week alone (ms)',
    median(alone).toFixed(0),
    `${median(naiveWeek).toFixed(0)} naive SQL`,
    (median(alone) / median(naiveWeek)).toFixed(2),
  );
  for (const c of cases) {
    const ours: number[] = [];
    const naive: number[] = [];
    let period = { from: c.from, to: c.to };
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      const r = controlReport(db, viewer, { ...c.input, within: [], by: 'faculty' }, now, 'ru');
      ours.push(performance.now() - t);
      period = r.period;
      t = performance.now();
      raw.prepare(NAIVE).all(period.from, period.to);
      naive.push(performance.now() - t);
    }
    row(
      `control report, ${c.label} (ms, incl. 4-week trend)`,
      median(ours).toFixed(0),
      `${median(naive).toFixed(0)} naive SQL`,
      (median(ours) / median(naive)).toFixed(2),
    );
  }
}
