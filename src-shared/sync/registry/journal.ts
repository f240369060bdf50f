import {
  isLessonComplete,
  lessonEditRefusal,
  type EditRefusal,
  type LessonEditFacts,
} from '../../domain/edit-rights';
import type { LessonStatus } from '../../domain/journal';
import { closeRefusal, isLocked, type LockFacts, type UnlockFacts } from '../../domain/locks';
import { bishkekDate, bishkekInstant, type IsoDate } from '../../domain/time';
import { one, rows, type Load, type StoredRow } from '../facts';
import type { MutationArgs } from '../mutations';
import { define, refuse, type Refusal, type RowChange } from './types';

/**
 * The journal's mutations (§3.4, §4.3): a mark, a topic, the closing of an offering and the deanery's
 * time-limited unlock.
 */

/** Everything an edit of one lesson is judged by (DOMAIN.md, Locks and Filled). */
export type LessonFacts = {
  /** The lesson as stored (null: no such lesson here). */
  lesson: StoredRow | null;
  edit: LessonEditFacts | null;
  lock: LockFacts | null;
  unlocks: UnlockFacts[];
  /** Students of the lesson's group or subgroup on its date. */
  members: number[];
  /** Students who have a mark at the lesson. */
  marked: number[];
};

const num = (v: unknown): number => Number(v);

/** Students of an offering's group (or subgroup) on a date. */
export function* membersOn(groupId: number, subgroupId: number | null, date: IsoDate): Load<number[]> {
  const got =
    subgroupId !== null
      ? yield* rows<{ id: number }>(
          'SELECT student_id AS id FROM subgroup_members WHERE subgroup_id = ? AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?) ORDER BY student_id',
          [subgroupId, date, date],
        )
      : yield* rows<{ id: number }>(
          'SELECT student_id AS id FROM enrolments WHERE group_id = ? AND starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?) ORDER BY student_id',
          [groupId, date, date],
        );
  return got.map((r) => num(r.id));
}

/** The facts of one lesson; the lesson row is locked at the gateway until its transaction ends. */
export function* loadLesson(lessonId: number): Load<LessonFacts> {
  const lesson = yield* one<StoredRow>('SELECT * FROM lessons WHERE id = ?', [lessonId], true);
  const none: LessonFacts = { lesson: null, edit: null, lock: null, unlocks: [], members: [], marked: [] };
  if (!lesson) return none;
  const offeringId = num(lesson.offering_id);
  const o = yield* one<{ teacherId: number; groupId: number; subgroupId: number | null }>(
    'SELECT teacher_id AS "teacherId", group_id AS "groupId", subgroup_id AS "subgroupId" FROM offerings WHERE id = ?',
    [offeringId],
  );
  if (!o) return none;
  const bell = yield* one<{ startsAt: string }>(
    'SELECT starts_at AS "startsAt" FROM bell_pairs WHERE number = ?',
    [lesson.pair],
  );
  const sub = yield* one<{ t: number }>(
    'SELECT substitute_teacher_id AS t FROM substitutions WHERE lesson_id = ? AND cancelled_at IS NULL ORDER BY assigned_at DESC, id DESC LIMIT 1',
    [lessonId],
  );
  const lock = yield* one<LockFacts>(
    'SELECT closed_on AS "closedOn", closed_at AS "closedAt" FROM locks WHERE offering_id = ?',
    [offeringId],
  );
  const unlocks = yield* rows<UnlockFacts>(
    'SELECT lesson_id AS "lessonId", student_id AS "studentId", granted_at AS "grantedAt", expires_at AS "expiresAt" FROM unlocks WHERE offering_id = ? ORDER BY id',
    [offeringId],
  );
  const date = String(lesson.date);
  const members = yield* membersOn(num(o.groupId), o.subgroupId === null ? null : num(o.subgroupId), date);
  const marked = (yield* rows<{ s: number }>(
    'SELECT student_id AS s FROM marks WHERE lesson_id = ? ORDER BY student_id',
    [lessonId],
  )).map((r) => num(r.s));
  return {
    lesson,
    edit: {
      id: lessonId,
      date,
      status: String(lesson.status) as LessonStatus,
      beginsAt: bishkekInstant(date, bell?.startsAt ?? '00:00'),
      offeringTeacherId: num(o.teacherId),
      substituteTeacherId: sub === null ? null : num(sub.t),
    },
    lock: lock === null ? null : { closedOn: lock.closedOn, closedAt: num(lock.closedAt) },
    unlocks: unlocks.map((u) => ({
      lessonId: u.lessonId === null ? null : num(u.lessonId),
      studentId: u.studentId === null ? null : num(u.studentId),
      grantedAt: num(u.grantedAt),
      expiresAt: num(u.expiresAt),
    })),
    members,
    marked,
  };
}

/** The edit rule's refusal as the registry states it. */
function editRefusal(r: EditRefusal, field: string): Refusal {
  if (r === 'locked') return refuse('LOCKED', 'locked', field);
  if (r === 'not_responsible') return refuse('FORBIDDEN', 'not_responsible', field);
  return refuse('INVALID', r, field);
}

/** Whether the lesson's row (its topic) or one student's cell is locked at `at` (for flags and tests). */
export function lessonLockedAt(f: LessonFacts, studentId: number | null, at: number): boolean {
  return f.edit !== null && isLocked(f.edit, studentId, f.lock, f.unlocks, at);
}

/** The lesson's first completion, when this edit completes it (the time is kept afterwards). */
function completion(f: LessonFacts, topic: unknown, marked: ReadonlySet<number>): boolean {
  return (
    f.lesson !== null &&
    f.lesson.completed_at === null &&
    isLessonComplete(typeof topic === 'string' ? topic : null, f.members, marked)
  );
}

type MarkFacts = LessonFacts & { mark: StoredRow | null };

/** Set (or clear) one student's mark at one lesson: only the responsible teacher, unlocked (§3.4, §4.3). */
export const marksSet = define<MutationArgs<'marks.set'>, MarkFacts>({
  action: () => 'fillJournals',
  target: (a) => ({
    row: { table: 'marks', key: { lesson_id: a.lessonId, student_id: a.studentId } },
    creates: null,
    names: { lessonId: 'lesson', studentId: 'student' },
  }),
  *load(a) {
    const f = yield* loadLesson(a.lessonId);
    const mark = yield* one<StoredRow>(
      'SELECT * FROM marks WHERE lesson_id = ? AND student_id = ?',
      [a.lessonId, a.studentId],
      true,
    );
    return { ...f, mark };
  },
  refusal(a, f, j) {
    if (!f.edit) return refuse('INVALID', 'no_lesson', 'lessonId');
    const r = lessonEditRefusal(j.actor.teacherId, f.edit, a.studentId, f.lock, f.unlocks, j.at);
    if (r) return editRefusal(r, 'lessonId');
    if (!f.members.includes(a.studentId)) return refuse('INVALID', 'not_member', 'studentId');
    if (a.grade !== null && a.attendance !== 'p') return refuse('INVALID', 'grade_needs_presence', 'grade');
    return null;
  },
  version: (f) => (f.mark === null ? null : num(f.mark.row_version)),
  stored: (f) => f.mark,
  effect(a, f, j) {
    if (!f.lesson) return [];
    const changes: RowChange[] = [
      {
        table: 'marks',
        key: { lesson_id: a.lessonId, student_id: a.studentId },
        set: a.attendance === null ? null : { attendance: a.attendance, grade: a.grade },
      },
    ];
    const marked = new Set(f.marked);
    if (a.attendance === null) marked.delete(a.studentId);
    else marked.add(a.studentId);
    if (completion(f, f.lesson.topic, marked))
      changes.push({ table: 'lessons', key: { id: a.lessonId }, set: { completed_at: j.at } });
    return changes;
  },
});

/**
 * Set (or clear) a lesson's topic: the responsible teacher, unlocked; whoever sets it is who conducted
 * the lesson (a substitute too, also when the absent teacher had been recorded).
 */
export const lessonsSetTopic = define<MutationArgs<'lessons.setTopic'>, LessonFacts>({
  action: () => 'fillJournals',
  target: (a) => ({
    row: { table: 'lessons', key: { id: a.lessonId } },
    creates: null,
    names: { lessonId: 'lesson' },
  }),
  load: (a) => loadLesson(a.lessonId),
  refusal(_a, f, j) {
    if (!f.edit) return refuse('INVALID', 'no_lesson', 'lessonId');
    const r = lessonEditRefusal(j.actor.teacherId, f.edit, null, f.lock, f.unlocks, j.at);
    return r ? editRefusal(r, 'lessonId') : null;
  },
  version: (f) => (f.lesson === null ? null : num(f.lesson.row_version)),
  stored: (f) => f.lesson,
  effect(a, f, j) {
    if (!f.lesson) return [];
    const set: { topic: string | null; conducted_by?: number; completed_at?: number } = { topic: a.topic };
    const teacher = j.actor.teacherId;
    if (teacher !== null && f.lesson.conducted_by !== teacher) set.conducted_by = teacher;
    if (completion(f, a.topic, new Set(f.marked))) set.completed_at = j.at;
    return [{ table: 'lessons', key: { id: a.lessonId }, set }];
  },
});

type OfferingFacts = {
  offering: {
    teacherId: number;
    groupId: number;
    subgroupId: number | null;
    facultyId: number;
    departmentId: number;
  } | null;
};

/** An offering's teacher, group, faculty and department; the offering row is locked at the gateway. */
export function* loadOffering(offeringId: number): Load<OfferingFacts['offering']> {
  const o = yield* one<{
    teacherId: number;
    groupId: number;
    subgroupId: number | null;
    departmentId: number;
  }>(
    'SELECT teacher_id AS "teacherId", group_id AS "groupId", subgroup_id AS "subgroupId", department_id AS "departmentId" FROM offerings WHERE id = ?',
    [offeringId],
    true,
  );
  if (!o) return null;
  const g = yield* one<{ f: number }>('SELECT faculty_id AS f FROM groups WHERE id = ?', [o.groupId]);
  if (!g) return null;
  return {
    teacherId: num(o.teacherId),
    groupId: num(o.groupId),
    subgroupId: o.subgroupId === null ? null : num(o.subgroupId),
    departmentId: num(o.departmentId),
    facultyId: num(g.f),
  };
}

type CloseFacts = OfferingFacts & {
  lock: StoredRow | null;
  members: number[];
  withResult: number[];
};

/**
 * Close an offering's intermediate assessment (§4.3): its own teacher, once, when every student of the
 * group (or subgroup) on the closing day has an intermediate result. The closing day is the day the
 * edit happened, in Asia/Bishkek — never a date the client names.
 */
export const locksClose = define<MutationArgs<'locks.close'>, CloseFacts>({
  action: () => 'closeJournal',
  target: (a) => ({
    row: { table: 'locks', key: { id: a.lockId } },
    creates: { ref: { table: 'locks', key: { id: a.lockId } }, arg: 'lockId' },
    names: { offeringId: 'offering' },
  }),
  *load(a, env) {
    const offering = yield* loadOffering(a.offeringId);
    if (!offering) return { offering, lock: null, members: [], withResult: [] };
    const lock = yield* one<StoredRow>('SELECT * FROM locks WHERE offering_id = ?', [a.offeringId]);
    const members = yield* membersOn(offering.groupId, offering.subgroupId, bishkekDate(env.at));
    const withResult = (yield* rows<{ id: number }>(
      `SELECT student_id AS id FROM assessments WHERE offering_id = ? AND kind = 'intermediate'
         AND (grade IS NOT NULL OR points IS NOT NULL OR passed IS NOT NULL OR outcome IS NOT NULL)`,
      [a.offeringId],
    )).map((r) => num(r.id));
    return { offering, lock, members, withResult };
  },
  refusal(_a, f, j) {
    if (!f.offering) return refuse('INVALID', 'no_offering', 'offeringId');
    const r = closeRefusal(
      j.actor.teacherId,
      f.offering.teacherId,
      f.members,
      new Set(f.withResult),
      f.lock !== null,
    );
    if (r === 'not_yours') return refuse('FORBIDDEN', 'not_yours', 'offeringId');
    if (r === 'already_closed') return refuse('CONFLICT', 'already_closed', 'offeringId');
    return r ? refuse('INVALID', r, 'offeringId') : null;
  },
  stored: (f) => f.lock,
  effect(a, f, j) {
    if (!f.offering || f.lock) return [];
    return [
      {
        table: 'locks',
        key: { id: a.lockId },
        set: {
          offering_id: a.offeringId,
          closed_on: bishkekDate(j.at),
          closed_at: j.at,
          closed_by: j.actor.userId,
        },
      },
    ];
  },
});

type UnlockGrantFacts = OfferingFacts & {
  locked: boolean;
  /** The offering of the named lesson (null: none named or no such lesson). */
  lessonOffering: number | null;
  /** Whether the named student ever belonged to the offering's group or subgroup. */
  studentMember: boolean;
};

/**
 * A time-limited unlock (DOMAIN.md, Locks): the deanery of the group's faculty, of a closed offering,
 * naming (optionally) one of its lessons and one of its students, for at most UNLOCK_MAX_DAYS from the
 * time it is granted.
 */
export const unlocksGrant = define<MutationArgs<'unlocks.grant'>, UnlockGrantFacts>({
  action: () => 'unlock',
  target: (a) => ({
    row: { table: 'unlocks', key: { id: a.unlockId } },
    creates: { ref: { table: 'unlocks', key: { id: a.unlockId } }, arg: 'unlockId' },
    names: { offeringId: 'offering', lessonId: 'lesson', studentId: 'student' },
  }),
  *load(a) {
    const offering = yield* loadOffering(a.offeringId);
    const lock = yield* one<{ id: string }>('SELECT id FROM locks WHERE offering_id = ?', [a.offeringId]);
    const lesson =
      a.lessonId === null
        ? null
        : yield* one<{ o: number }>('SELECT offering_id AS o FROM lessons WHERE id = ?', [a.lessonId]);
    let studentMember = a.studentId === null;
    if (offering && a.studentId !== null) {
      const n =
        offering.subgroupId !== null
          ? yield* one<{ n: number }>(
              'SELECT count(*) AS n FROM subgroup_members WHERE subgroup_id = ? AND student_id = ?',
              [offering.subgroupId, a.studentId],
            )
          : yield* one<{ n: number }>(
              'SELECT count(*) AS n FROM enrolments WHERE group_id = ? AND student_id = ?',
              [offering.groupId, a.studentId],
            );
      studentMember = num(n?.n ?? 0) > 0;
    }
    return {
      offering,
      locked: lock !== null,
      lessonOffering: lesson === null ? null : num(lesson.o),
      studentMember,
    };
  },
  refusal(a, f, j) {
    if (!f.offering) return refuse('INVALID', 'no_offering', 'offeringId');
    const faculty = f.offering.facultyId;
    if (
      !j.actor.grants.some((g) => g.role === 'deanery' && g.scopeKind === 'faculty' && g.scopeId === faculty)
    )
      return refuse('FORBIDDEN', 'out_of_scope', 'offeringId');
    if (!f.locked) return refuse('INVALID', 'not_locked', 'offeringId');
    if (a.lessonId !== null && f.lessonOffering !== a.offeringId)
      return refuse('INVALID', 'lesson_elsewhere', 'lessonId');
    if (!f.studentMember) return refuse('INVALID', 'not_member', 'studentId');
    return null;
  },
  stored: () => null,
  effect(a, f, j) {
    if (!f.offering) return [];
    return [
      {
        table: 'unlocks',
        key: { id: a.unlockId },
        set: {
          offering_id: a.offeringId,
          lesson_id: a.lessonId,
          student_id: a.studentId,
          reason: a.reason,
          granted_by: j.actor.userId,
          granted_at: j.at,
          expires_at: j.at + a.days * 86_400_000,
        },
      },
    ];
  },
});
