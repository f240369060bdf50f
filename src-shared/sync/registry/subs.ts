import {
  coverClashes,
  type AbsenceSpan,
  type ActiveSubstitution,
  type DayFacts,
  type SlotLesson,
} from '../../domain/substitutions';
import { isoWeekday, weekParity, type IsoDate } from '../../domain/time';
import { one, rows, type Load, type StoredRow } from '../facts';
import type { MutationArgs } from '../mutations';
import { define, refuse, type Actor } from './types';

/**
 * Absences and substitutions (§3.4): registered and assigned by the head of a department the absent
 * teacher belongs to; a substitute must be free at the lesson's pair across the whole university.
 */

const num = (v: unknown): number => Number(v);

/** Departments of a teacher. */
function* departmentsOf(teacherId: number): Load<number[]> {
  return (yield* rows<{ d: number }>(
    'SELECT department_id AS d FROM teacher_departments WHERE teacher_id = ? ORDER BY department_id',
    [teacherId],
  )).map((r) => num(r.d));
}

/** Whether the actor heads one of these departments (§3.4: the head assigns substitutes). */
function heads(actor: Actor, departments: readonly number[]): boolean {
  return actor.grants.some(
    (g) =>
      g.role === 'departmentHead' &&
      g.scopeKind === 'department' &&
      g.scopeId !== null &&
      departments.includes(g.scopeId),
  );
}

/** An absence row as the clash rule takes it. */
export function spanOf(r: StoredRow): AbsenceSpan {
  return {
    id: String(r.id),
    teacherId: num(r.teacher_id),
    startsOn: String(r.starts_on),
    endsOn: String(r.ends_on),
    pairs: typeof r.pairs === 'string' ? (JSON.parse(r.pairs) as number[]) : null,
  };
}

/**
 * What the clash rule needs of a date and pair: every scheduled lesson then, whoever teaches it — the
 * lesson rows, and for offerings whose lessons are not held here (a department replica holds only its
 * own department's) their timetable slots, which every replica has (DOMAIN.md, Scopes); centrally every
 * offering has its lessons, so only rows count there — the substitutions in force then and the absences
 * of that date. A slot-derived lesson has the id `-offeringId`.
 */
export function* loadDay(date: IsoDate, pair: number): Load<DayFacts> {
  const lessons: SlotLesson[] = (yield* rows<{ lessonId: number; teacherId: number; status: string }>(
    `SELECT l.id AS "lessonId", o.teacher_id AS "teacherId", l.status FROM lessons l
       JOIN offerings o ON o.id = l.offering_id WHERE l.date = ? AND l.pair = ? ORDER BY l.id`,
    [date, pair],
  )).map((l) => ({
    lessonId: num(l.lessonId),
    teacherId: num(l.teacherId),
    date,
    pair,
    status: l.status === 'scheduled' ? 'scheduled' : 'cancelled',
  }));
  const holiday = yield* one<{ n: number }>(
    `SELECT count(*) AS n FROM calendar_days WHERE date = ? AND kind IN ('holiday', 'non_teaching')`,
    [date],
  );
  if (num(holiday?.n ?? 0) === 0) {
    const slots = yield* rows<{
      offeringId: number;
      teacherId: number;
      parity: string;
      semesterStart: string;
    }>(
      `SELECT ts.offering_id AS "offeringId", o.teacher_id AS "teacherId", ts.parity, se.starts_on AS "semesterStart"
       FROM timetable_slots ts JOIN offerings o ON o.id = ts.offering_id JOIN semesters se ON se.id = o.semester_id
       WHERE ts.weekday = ? AND ts.pair = ? AND ts.starts_on <= ? AND ts.ends_on >= ?
         AND NOT EXISTS (SELECT 1 FROM lessons l WHERE l.offering_id = ts.offering_id)
       ORDER BY ts.id`,
      [isoWeekday(date), pair, date, date],
    );
    for (const s of slots) {
      if (s.parity !== 'all' && weekParity(date, s.semesterStart) !== s.parity) continue;
      lessons.push({
        lessonId: -num(s.offeringId),
        teacherId: num(s.teacherId),
        date,
        pair,
        status: 'scheduled',
      });
    }
  }
  const substitutions: ActiveSubstitution[] = (yield* rows<{ lessonId: number; substituteId: number }>(
    `SELECT s.lesson_id AS "lessonId", s.substitute_teacher_id AS "substituteId"
       FROM substitutions s JOIN lessons l ON l.id = s.lesson_id
       WHERE s.cancelled_at IS NULL AND l.date = ? AND l.pair = ? ORDER BY s.id`,
    [date, pair],
  )).map((s) => ({ lessonId: num(s.lessonId), substituteId: num(s.substituteId), date, pair }));
  const absences = (yield* rows<StoredRow>(
    'SELECT * FROM absences WHERE starts_on <= ? AND ends_on >= ? ORDER BY id',
    [date, date],
  )).map(spanOf);
  return { lessons, substitutions, absences };
}

type AbsenceFacts = {
  teacher: boolean;
  departments: number[];
  overlapping: AbsenceSpan[];
};

/**
 * A teacher's absence registered by the head of one of their departments: whole days, or the named
 * pairs of those days; one that overlaps an absence already registered is a conflict.
 */
export const absencesRegister = define<MutationArgs<'absences.register'>, AbsenceFacts>({
  action: () => 'substitutions',
  target: (a) => ({
    row: { table: 'absences', key: { id: a.absenceId } },
    creates: { ref: { table: 'absences', key: { id: a.absenceId } }, arg: 'absenceId' },
    names: { teacherId: 'teacher' },
  }),
  *load(a) {
    // The teacher's row serializes registrations and assignments concerning them (at the gateway).
    const t = yield* one<{ id: number }>('SELECT id FROM teachers WHERE id = ?', [a.teacherId], true);
    if (!t) return { teacher: false, departments: [], overlapping: [] };
    const departments = yield* departmentsOf(a.teacherId);
    const overlapping = (yield* rows<StoredRow>(
      'SELECT * FROM absences WHERE teacher_id = ? AND starts_on <= ? AND ends_on >= ? ORDER BY id',
      [a.teacherId, a.endsOn, a.startsOn],
    )).map(spanOf);
    return { teacher: true, departments, overlapping };
  },
  refusal(a, f, j) {
    if (!f.teacher) return refuse('INVALID', 'no_teacher', 'teacherId');
    if (!heads(j.actor, f.departments)) return refuse('FORBIDDEN', 'out_of_scope', 'teacherId');
    if (a.startsOn > a.endsOn) return refuse('INVALID', 'ends_before_start', 'endsOn');
    const clash = f.overlapping.find(
      (o) => o.pairs === null || a.pairs === null || o.pairs.some((p) => a.pairs?.includes(p)),
    );
    return clash ? refuse('CONFLICT', 'already_absent', 'startsOn', { absenceId: clash.id }) : null;
  },
  stored: () => null,
  effect(a, f, j) {
    if (!f.teacher) return [];
    const pairs = a.pairs === null ? null : [...new Set(a.pairs)].sort((x, y) => x - y);
    return [
      {
        table: 'absences',
        key: { id: a.absenceId },
        set: {
          teacher_id: a.teacherId,
          starts_on: a.startsOn,
          ends_on: a.endsOn,
          pairs: pairs === null ? null : JSON.stringify(pairs),
          reason: a.reason,
          document_ref: a.documentRef,
          created_by: j.actor.userId,
        },
      },
    ];
  },
});

type AssignFacts = {
  absence: AbsenceSpan | null;
  departments: number[];
  substitute: boolean;
  lesson: SlotLesson | null;
  cover: StoredRow | null;
  day: DayFacts | null;
};

/**
 * A substitute assigned to one lesson of an absence: by the head of the absent teacher's department,
 * to a scheduled lesson of that teacher the absence covers that has no substitute yet, when the
 * substitute is free at that pair — no own lesson, no other substitution, not absent (the pure clash
 * rule on every lesson of the day). The substitute's teacher row and the lesson row are locked at the
 * gateway, so two heads cannot book one person twice at the same pair concurrently.
 */
export const substitutionsAssign = define<MutationArgs<'substitutions.assign'>, AssignFacts>({
  action: () => 'substitutions',
  target: (a) => ({
    row: { table: 'substitutions', key: { id: a.substitutionId } },
    creates: { ref: { table: 'substitutions', key: { id: a.substitutionId } }, arg: 'substitutionId' },
    names: { lessonId: 'lesson', absenceId: 'absence', substituteTeacherId: 'teacher' },
  }),
  *load(a) {
    const none: AssignFacts = {
      absence: null,
      departments: [],
      substitute: false,
      lesson: null,
      cover: null,
      day: null,
    };
    const row = yield* one<StoredRow>('SELECT * FROM absences WHERE id = ?', [a.absenceId]);
    if (!row) return none;
    const absence = spanOf(row);
    const departments = yield* departmentsOf(absence.teacherId);
    const sub = yield* one<{ id: number }>(
      'SELECT id FROM teachers WHERE id = ?',
      [a.substituteTeacherId],
      true,
    );
    const l = yield* one<StoredRow>('SELECT * FROM lessons WHERE id = ?', [a.lessonId], true);
    const o =
      l === null
        ? null
        : yield* one<{ t: number }>('SELECT teacher_id AS t FROM offerings WHERE id = ?', [l.offering_id]);
    const lesson: SlotLesson | null =
      l === null || o === null
        ? null
        : {
            lessonId: a.lessonId,
            teacherId: num(o.t),
            date: String(l.date),
            pair: num(l.pair),
            status: l.status === 'scheduled' ? 'scheduled' : l.status === 'moved' ? 'moved' : 'cancelled',
          };
    const cover = yield* one<StoredRow>(
      'SELECT * FROM substitutions WHERE lesson_id = ? AND cancelled_at IS NULL ORDER BY assigned_at DESC, id DESC LIMIT 1',
      [a.lessonId],
    );
    const day = lesson === null ? null : yield* loadDay(lesson.date, lesson.pair);
    return { absence, departments, substitute: sub !== null, lesson, cover, day };
  },
  refusal(a, f, j) {
    if (!f.absence) return refuse('INVALID', 'no_absence', 'absenceId');
    if (!heads(j.actor, f.departments)) return refuse('FORBIDDEN', 'out_of_scope', 'absenceId');
    if (!f.substitute) return refuse('INVALID', 'no_substitute', 'substituteTeacherId');
    if (!f.lesson || !f.day) return refuse('INVALID', 'no_lesson', 'lessonId');
    if (f.cover) return refuse('CONFLICT', 'already_covered', 'lessonId');
    const clashes = coverClashes(a.substituteTeacherId, f.lesson, f.absence, f.day);
    if (f.lesson.status !== 'scheduled') clashes.unshift({ kind: 'not_in_absence' });
    const first = clashes[0];
    if (!first) return null;
    const params: Record<string, string | number> | undefined =
      'lessonId' in first
        ? { lessonId: first.lessonId }
        : 'absenceId' in first
          ? { absenceId: first.absenceId }
          : undefined;
    return refuse(
      first.kind === 'same_teacher' || first.kind === 'not_in_absence' ? 'INVALID' : 'CONFLICT',
      first.kind,
      first.kind === 'not_in_absence' ? 'lessonId' : 'substituteTeacherId',
      params,
    );
  },
  stored: (f) => f.cover,
  effect(a, f, j) {
    if (!f.absence || !f.lesson) return [];
    return [
      {
        table: 'substitutions',
        key: { id: a.substitutionId },
        set: {
          lesson_id: a.lessonId,
          absence_id: a.absenceId,
          absent_teacher_id: f.absence.teacherId,
          substitute_teacher_id: a.substituteTeacherId,
          assigned_by: j.actor.userId,
          assigned_at: j.at,
          cancelled_at: null,
        },
      },
    ];
  },
});

type CancelFacts = { row: StoredRow | null; departments: number[] };

/** An assignment cancelled by the head of the absent teacher's department: the substitute's rights end. */
export const substitutionsCancel = define<MutationArgs<'substitutions.cancel'>, CancelFacts>({
  action: () => 'substitutions',
  target: (a) => ({
    row: { table: 'substitutions', key: { id: a.substitutionId } },
    creates: null,
    names: { substitutionId: 'substitution' },
  }),
  *load(a) {
    const row = yield* one<StoredRow>('SELECT * FROM substitutions WHERE id = ?', [a.substitutionId], true);
    const departments = row === null ? [] : yield* departmentsOf(num(row.absent_teacher_id));
    return { row, departments };
  },
  refusal(_a, f, j) {
    if (!f.row) return refuse('INVALID', 'no_substitution', 'substitutionId');
    if (!heads(j.actor, f.departments)) return refuse('FORBIDDEN', 'out_of_scope', 'substitutionId');
    if (f.row.cancelled_at !== null) return refuse('CONFLICT', 'already_cancelled', 'substitutionId');
    return null;
  },
  stored: (f) => f.row,
  effect(a, f, j) {
    if (!f.row || f.row.cancelled_at !== null) return [];
    return [{ table: 'substitutions', key: { id: a.substitutionId }, set: { cancelled_at: j.at } }];
  },
});
