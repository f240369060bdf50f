import {
  isLessonComplete,
  lessonEditRefusal,
  type LessonEditFacts,
} from '../../src-shared/domain/edit-rights';
import {
  closeRefusal,
  UNLOCK_MAX_DAYS,
  type LockFacts,
  type UnlockFacts,
} from '../../src-shared/domain/locks';
import type { LessonStatus } from '../../src-shared/domain/journal';
import { canPrint } from '../../src-shared/domain/roles';
import {
  coverClashes,
  type AbsenceSpan,
  type ActiveSubstitution,
  type SlotLesson,
} from '../../src-shared/domain/substitutions';
import { bishkekInstant, type IsoDate } from '../../src-shared/domain/time';
import { MUTATIONS, type MutationArgs } from '../../src-shared/sync/mutations';
import type { MutationOutcome, Outcome, PushMutation } from '../../src-shared/sync/wire';
import type { CentralDb, Row, Sql } from '../db/client';
import type { Caller } from './auth';
import { lockRow, writeCentral, type CentralChange } from './write';
import { judgeArchive } from './archive';

/**
 * Push (SYNC.md): each mutation in its own transaction with its effect, its audit and the device's
 * `lastLocalSeq`. Checks in order: duplicate id → order → arguments → role and scope → lock → base
 * version. Every permanent outcome counts as processed (or the queue would deadlock) and is stored with
 * the mutation; a repeated id gets the stored outcome again.
 */
export type Verdict = {
  outcome: Exclude<Outcome, 'DUPLICATE' | 'OUT_OF_ORDER'>;
  reason: string | null;
  changes: CentralChange[];
  /**
   * Changes written before `changes` when applied, each list by its own `writeCentral` call (a purge's
   * deletions): a row's scopes are found through its parents after its own call, so rows whose parents
   * are deleted too go in an earlier list than those parents.
   */
  before?: CentralChange[][];
  serverRow: Row | null;
};

type LessonCtx = {
  facts: LessonEditFacts;
  lesson: Row;
  lock: LockFacts | null;
  unlocks: UnlockFacts[];
  members: number[];
  marked: Set<number>;
};

async function lessonContext(q: Sql, lessonId: number): Promise<LessonCtx | null> {
  const lesson = await lockRow(q, 'lessons', { id: lessonId });
  if (!lesson) return null;
  const [o] = await q.query<{
    teacherId: number;
    groupId: number;
    subgroupId: number | null;
    startsAt: string | null;
  }>(
    `SELECT o.teacher_id AS "teacherId", o.group_id AS "groupId", o.subgroup_id AS "subgroupId",
       (SELECT starts_at FROM bell_pairs WHERE number = $2) AS "startsAt" FROM offerings o WHERE o.id = $1`,
    [lesson.offering_id, lesson.pair],
  );
  if (!o) return null;
  const [sub] = await q.query<{ t: number }>(
    'SELECT substitute_teacher_id AS t FROM substitutions WHERE lesson_id = $1 AND cancelled_at IS NULL ORDER BY assigned_at DESC LIMIT 1',
    [lessonId],
  );
  const [lock] = await q.query<LockFacts>(
    'SELECT closed_on AS "closedOn", closed_at AS "closedAt" FROM locks WHERE offering_id = $1',
    [lesson.offering_id],
  );
  const unlocks = await q.query<UnlockFacts>(
    'SELECT lesson_id AS "lessonId", student_id AS "studentId", granted_at AS "grantedAt", expires_at AS "expiresAt" FROM unlocks WHERE offering_id = $1',
    [lesson.offering_id],
  );
  const date = lesson.date as IsoDate;
  const members = (
    o.subgroupId !== null
      ? await q.query<{ id: number }>(
          'SELECT student_id AS id FROM subgroup_members WHERE subgroup_id = $1 AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2)',
          [o.subgroupId, date],
        )
      : await q.query<{ id: number }>(
          'SELECT student_id AS id FROM enrolments WHERE group_id = $1 AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2)',
          [o.groupId, date],
        )
  ).map((r) => r.id);
  const marked = new Set(
    (await q.query<{ s: number }>('SELECT student_id AS s FROM marks WHERE lesson_id = $1', [lessonId])).map(
      (r) => r.s,
    ),
  );
  return {
    facts: {
      id: lessonId,
      date,
      status: lesson.status as LessonStatus,
      beginsAt: bishkekInstant(date, o.startsAt ?? '00:00'),
      offeringTeacherId: o.teacherId,
      substituteTeacherId: sub?.t ?? null,
    },
    lesson,
    lock: lock ?? null,
    unlocks,
    members,
    marked,
  };
}

export const refused = (outcome: Verdict['outcome'], reason: string, serverRow: Row | null): Verdict => ({
  outcome,
  reason,
  changes: [],
  serverRow,
});

function refusalVerdict(refusal: string, row: Row | null): Verdict {
  if (refusal === 'locked') return refused('LOCKED', 'the offering is closed (§4.3)', row);
  if (refusal === 'not_responsible')
    return refused('FORBIDDEN', 'the lesson is not the caller’s (own or assigned)', row);
  return refused(
    'INVALID',
    refusal === 'not_held' ? 'the lesson was cancelled or moved' : 'the lesson had not begun',
    row,
  );
}

async function judgeMarksSet(
  q: Sql,
  caller: Caller,
  a: MutationArgs<'marks.set'>,
  base: number | null,
  editTime: number,
): Promise<Verdict> {
  const c = await lessonContext(q, a.lessonId);
  if (!c) return refused('INVALID', 'no such lesson', null);
  const current = await lockRow(q, 'marks', { lesson_id: a.lessonId, student_id: a.studentId });
  if (!caller.grants.some((g) => g.role === 'teacher'))
    return refused('FORBIDDEN', 'only teachers enter marks', current);
  const refusal = lessonEditRefusal(caller.teacherId, c.facts, a.studentId, c.lock, c.unlocks, editTime);
  if (refusal) return refusalVerdict(refusal, current);
  if (!c.members.includes(a.studentId))
    return refused('INVALID', 'the student is not in the group that day', current);
  if (a.grade !== null && a.attendance !== 'p')
    return refused('INVALID', 'a grade needs attendance present', current);
  const currentVersion = current ? Number(current.row_version) : null;
  if (currentVersion !== base)
    return refused(
      'CONFLICT',
      `based on version ${base ?? 'none'}, the centre has ${currentVersion ?? 'none'}`,
      current,
    );
  const changes: CentralChange[] = [
    {
      table: 'marks',
      key: { lesson_id: a.lessonId, student_id: a.studentId },
      set: a.attendance === null ? null : { attendance: a.attendance, grade: a.grade },
    },
  ];
  if (a.attendance === null) c.marked.delete(a.studentId);
  else c.marked.add(a.studentId);
  if (
    c.lesson.completed_at === null &&
    isLessonComplete(c.lesson.topic as string | null, c.members, c.marked)
  ) {
    changes.push({ table: 'lessons', key: { id: a.lessonId }, set: { completed_at: editTime } });
  }
  return { outcome: 'APPLIED', reason: null, changes, serverRow: null };
}

async function judgeSetTopic(
  q: Sql,
  caller: Caller,
  a: MutationArgs<'lessons.setTopic'>,
  base: number | null,
  editTime: number,
): Promise<Verdict> {
  const c = await lessonContext(q, a.lessonId);
  if (!c) return refused('INVALID', 'no such lesson', null);
  if (!caller.grants.some((g) => g.role === 'teacher'))
    return refused('FORBIDDEN', 'only teachers set topics', c.lesson);
  const refusal = lessonEditRefusal(caller.teacherId, c.facts, null, c.lock, c.unlocks, editTime);
  if (refusal) return refusalVerdict(refusal, c.lesson);
  if (Number(c.lesson.row_version) !== base)
    return refused(
      'CONFLICT',
      `based on version ${base ?? 'none'}, the centre has ${String(c.lesson.row_version)}`,
      c.lesson,
    );
  const set: Record<string, unknown> = { topic: a.topic };
  if (c.lesson.conducted_by !== caller.teacherId) set.conducted_by = caller.teacherId;
  if (c.lesson.completed_at === null && isLessonComplete(a.topic, c.members, c.marked))
    set.completed_at = editTime;
  return {
    outcome: 'APPLIED',
    reason: null,
    changes: [{ table: 'lessons', key: { id: a.lessonId }, set }],
    serverRow: null,
  };
}

async function judgeClose(
  q: Sql,
  caller: Caller,
  a: MutationArgs<'locks.close'>,
  editTime: number,
): Promise<Verdict> {
  const [o] = await q.query<{ teacherId: number; groupId: number; subgroupId: number | null }>(
    'SELECT teacher_id AS "teacherId", group_id AS "groupId", subgroup_id AS "subgroupId" FROM offerings WHERE id = $1 FOR UPDATE',
    [a.offeringId],
  );
  if (!o) return refused('INVALID', 'no such offering', null);
  const [existing] = await q.query('SELECT * FROM locks WHERE offering_id = $1', [a.offeringId]);
  const members = (
    o.subgroupId !== null
      ? await q.query<{ id: number }>(
          'SELECT student_id AS id FROM subgroup_members WHERE subgroup_id = $1 AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2)',
          [o.subgroupId, a.closedOn],
        )
      : await q.query<{ id: number }>(
          'SELECT student_id AS id FROM enrolments WHERE group_id = $1 AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2)',
          [o.groupId, a.closedOn],
        )
  ).map((r) => r.id);
  const withResult = new Set(
    (
      await q.query<{ id: number }>(
        `SELECT student_id AS id FROM assessments WHERE offering_id = $1 AND kind = 'intermediate'
         AND (grade IS NOT NULL OR points IS NOT NULL OR passed IS NOT NULL OR outcome IS NOT NULL)`,
        [a.offeringId],
      )
    ).map((r) => r.id),
  );
  const refusal = closeRefusal(caller.teacherId, o.teacherId, members, withResult, existing !== undefined);
  if (refusal === 'not_yours')
    return refused('FORBIDDEN', 'only the offering’s teacher closes it', existing ?? null);
  if (refusal === 'already_closed')
    return refused('CONFLICT', 'the offering was already closed', existing ?? null);
  if (refusal) return refused('INVALID', refusal.replace('_', ' '), null);
  return {
    outcome: 'APPLIED',
    reason: null,
    changes: [
      {
        table: 'locks',
        key: { id: a.lockId },
        set: {
          offering_id: a.offeringId,
          closed_on: a.closedOn,
          closed_at: editTime,
          closed_by: caller.userId,
        },
      },
    ],
    serverRow: null,
  };
}

async function judgeUnlock(
  q: Sql,
  caller: Caller,
  a: MutationArgs<'unlocks.grant'>,
  editTime: number,
): Promise<Verdict> {
  const [o] = await q.query<{ facultyId: number }>(
    'SELECT g.faculty_id AS "facultyId" FROM offerings o JOIN groups g ON g.id = o.group_id WHERE o.id = $1',
    [a.offeringId],
  );
  if (!o) return refused('INVALID', 'no such offering', null);
  if (
    !caller.grants.some((g) => g.role === 'deanery' && g.scopeKind === 'faculty' && g.scopeId === o.facultyId)
  ) {
    return refused('FORBIDDEN', 'only the deanery of the group’s faculty grants unlocks', null);
  }
  const [lock] = await q.query('SELECT 1 FROM locks WHERE offering_id = $1', [a.offeringId]);
  if (!lock) return refused('INVALID', 'the offering is not closed', null);
  if (a.expiresAt <= editTime || a.expiresAt > editTime + UNLOCK_MAX_DAYS * 86_400_000 + 60_000)
    return refused('INVALID', 'the unlock must end within 14 days', null);
  return {
    outcome: 'APPLIED',
    reason: null,
    changes: [
      {
        table: 'unlocks',
        key: { id: a.unlockId },
        set: {
          offering_id: a.offeringId,
          lesson_id: a.lessonId,
          student_id: a.studentId,
          reason: a.reason,
          granted_by: caller.userId,
          granted_at: editTime,
          expires_at: a.expiresAt,
        },
      },
    ],
    serverRow: null,
  };
}

/**
 * A recorded weekly check (§3.5): the study office records for the university or any faculty, the
 * deanery for its own faculty (DOMAIN.md, Roles: run / record the weekly check).
 */
function judgeCheck(caller: Caller, a: MutationArgs<'checks.record'>, editTime: number): Verdict {
  const allowed = caller.grants.some(
    (g) =>
      g.role === 'studyOffice' ||
      (g.role === 'deanery' &&
        a.unitKind === 'faculty' &&
        g.scopeKind === 'faculty' &&
        g.scopeId === a.unitId),
  );
  if (!allowed)
    return refused('FORBIDDEN', 'only the study office or the unit’s deanery records a check', null);
  if ((a.unitKind === 'university') !== (a.unitId === null))
    return refused('INVALID', 'a university check names no unit id, any other one does', null);
  try {
    JSON.parse(a.snapshot);
  } catch {
    return refused('INVALID', 'the snapshot is not JSON', null);
  }
  return {
    outcome: 'APPLIED',
    reason: null,
    changes: [
      {
        table: 'weekly_checks',
        key: { id: a.checkId },
        set: {
          unit_kind: a.unitKind,
          unit_id: a.unitId,
          period_from: a.periodFrom,
          period_to: a.periodTo,
          week: a.week,
          checked_by: caller.userId,
          checked_at: editTime,
          comment: a.comment,
          snapshot: a.snapshot,
        },
      },
    ],
    serverRow: null,
  };
}

/** Whether the caller heads a department the teacher belongs to (§3.4: the head assigns substitutes). */
async function headsTeacher(q: Sql, caller: Caller, teacherId: number): Promise<boolean> {
  const headed = caller.grants
    .filter((g) => g.role === 'departmentHead' && g.scopeKind === 'department' && g.scopeId !== null)
    .map((g) => g.scopeId as number);
  if (headed.length === 0) return false;
  const rows = await q.query<{ d: number }>(
    'SELECT department_id AS d FROM teacher_departments WHERE teacher_id = $1',
    [teacherId],
  );
  return rows.some((r) => headed.includes(r.d));
}

const spanOf = (r: Row): AbsenceSpan => ({
  id: String(r.id),
  teacherId: Number(r.teacher_id),
  startsOn: r.starts_on as IsoDate,
  endsOn: r.ends_on as IsoDate,
  pairs: typeof r.pairs === 'string' ? (JSON.parse(r.pairs) as number[]) : null,
});

/** An absence registered by the head of one of the teacher's departments; overlapping ones are refused. */
async function judgeAbsence(q: Sql, caller: Caller, a: MutationArgs<'absences.register'>): Promise<Verdict> {
  // The teacher's row serializes registrations and assignments concerning them.
  const [t] = await q.query('SELECT id FROM teachers WHERE id = $1 FOR UPDATE', [a.teacherId]);
  if (!t) return refused('INVALID', 'no such teacher', null);
  if (!(await headsTeacher(q, caller, a.teacherId)))
    return refused('FORBIDDEN', 'only the head of the teacher’s department registers an absence', null);
  if (a.startsOn > a.endsOn) return refused('INVALID', 'the absence ends before it starts', null);
  const others = await q.query(
    'SELECT * FROM absences WHERE teacher_id = $1 AND starts_on <= $3 AND ends_on >= $2',
    [a.teacherId, a.startsOn, a.endsOn],
  );
  const clash = others
    .map(spanOf)
    .find((o) => o.pairs === null || a.pairs === null || o.pairs.some((p) => a.pairs?.includes(p)));
  if (clash) return refused('CONFLICT', `the teacher is already absent then (${clash.id})`, null);
  return {
    outcome: 'APPLIED',
    reason: null,
    changes: [
      {
        table: 'absences',
        key: { id: a.absenceId },
        set: {
          teacher_id: a.teacherId,
          starts_on: a.startsOn,
          ends_on: a.endsOn,
          pairs: a.pairs === null ? null : JSON.stringify(a.pairs),
          reason: a.reason,
          document_ref: a.documentRef,
          created_by: caller.userId,
        },
      },
    ],
    serverRow: null,
  };
}

/**
 * A substitute assigned to one lesson of an absence: by the head of the absent teacher's department, to
 * a lesson the absence covers that has no substitute yet, and only when the substitute is free at that
 * pair across the whole university — no own lesson, no other substitution, not absent (the pure clash
 * rule on every lesson the centre holds). The substitute's teacher row is locked, so two heads cannot
 * book one person twice at the same pair concurrently.
 */
async function judgeAssign(
  q: Sql,
  caller: Caller,
  a: MutationArgs<'substitutions.assign'>,
  editTime: number,
): Promise<Verdict> {
  const [absence] = await q.query('SELECT * FROM absences WHERE id = $1', [a.absenceId]);
  if (!absence) return refused('INVALID', 'no such absence', null);
  const span = spanOf(absence);
  if (!(await headsTeacher(q, caller, span.teacherId)))
    return refused('FORBIDDEN', 'only the head of the absent teacher’s department assigns substitutes', null);
  const [sub] = await q.query('SELECT id FROM teachers WHERE id = $1 FOR UPDATE', [a.substituteTeacherId]);
  if (!sub) return refused('INVALID', 'no such substitute', null);
  const [l] = await q.query<SlotLesson>(
    `SELECT l.id AS "lessonId", o.teacher_id AS "teacherId", l.date, l.pair, l.status
     FROM lessons l JOIN offerings o ON o.id = l.offering_id WHERE l.id = $1 FOR UPDATE OF l`,
    [a.lessonId],
  );
  if (!l) return refused('INVALID', 'no such lesson', null);
  const [current] = await q.query(
    'SELECT * FROM substitutions WHERE lesson_id = $1 AND cancelled_at IS NULL ORDER BY assigned_at DESC LIMIT 1',
    [a.lessonId],
  );
  if (current) return refused('CONFLICT', 'the lesson already has a substitute', current);
  const lessons = await q.query<SlotLesson>(
    `SELECT l.id AS "lessonId", o.teacher_id AS "teacherId", l.date, l.pair, l.status
     FROM lessons l JOIN offerings o ON o.id = l.offering_id WHERE l.date = $1 AND l.pair = $2`,
    [l.date, l.pair],
  );
  const substitutions = await q.query<ActiveSubstitution>(
    `SELECT s.lesson_id AS "lessonId", s.substitute_teacher_id AS "substituteId", l.date, l.pair
     FROM substitutions s JOIN lessons l ON l.id = s.lesson_id
     WHERE s.cancelled_at IS NULL AND l.date = $1 AND l.pair = $2`,
    [l.date, l.pair],
  );
  const absences = (
    await q.query('SELECT * FROM absences WHERE starts_on <= $1 AND ends_on >= $1', [l.date])
  ).map(spanOf);
  const clashes = coverClashes(a.substituteTeacherId, l, span, { lessons, substitutions, absences });
  if (l.status !== 'scheduled') clashes.unshift({ kind: 'not_in_absence' });
  const first = clashes[0];
  if (first)
    return refused(
      first.kind === 'not_in_absence' || first.kind === 'same_teacher' ? 'INVALID' : 'CONFLICT',
      `the substitute cannot cover it: ${first.kind}${'lessonId' in first ? ` (lesson ${first.lessonId})` : ''}`,
      null,
    );
  return {
    outcome: 'APPLIED',
    reason: null,
    changes: [
      {
        table: 'substitutions',
        key: { id: a.substitutionId },
        set: {
          lesson_id: a.lessonId,
          absence_id: a.absenceId,
          absent_teacher_id: span.teacherId,
          substitute_teacher_id: a.substituteTeacherId,
          assigned_by: caller.userId,
          assigned_at: editTime,
          cancelled_at: null,
        },
      },
    ],
    serverRow: null,
  };
}

/** An assignment cancelled by the head of the absent teacher's department. */
async function judgeCancelSubstitution(
  q: Sql,
  caller: Caller,
  a: MutationArgs<'substitutions.cancel'>,
  editTime: number,
): Promise<Verdict> {
  const row = await lockRow(q, 'substitutions', { id: a.substitutionId });
  if (!row) return refused('INVALID', 'no such substitution', null);
  if (!(await headsTeacher(q, caller, Number(row.absent_teacher_id))))
    return refused(
      'FORBIDDEN',
      'only the head of the absent teacher’s department cancels a substitution',
      row,
    );
  if (row.cancelled_at !== null) return refused('CONFLICT', 'the substitution was already cancelled', row);
  return {
    outcome: 'APPLIED',
    reason: null,
    changes: [{ table: 'substitutions', key: { id: a.substitutionId }, set: { cancelled_at: editTime } }],
    serverRow: null,
  };
}

/**
 * Who may keep a paper journal's register entry (DOMAIN.md, Roles: print journals, paper register):
 * the study office; the deanery or a faculty archivist of the group's faculty; the head or a department
 * archivist of the offering's department; a university archivist.
 */
async function mayKeepPaper(q: Sql, caller: Caller, offeringId: number): Promise<boolean | null> {
  const [o] = await q.query<{ faculty: number; department: number }>(
    'SELECT g.faculty_id AS faculty, o.department_id AS department FROM offerings o JOIN groups g ON g.id = o.group_id WHERE o.id = $1',
    [offeringId],
  );
  if (!o) return null;
  return canPrint(caller.grants, o);
}

async function judgePaper(
  q: Sql,
  caller: Caller,
  name: 'paper.printed' | 'paper.signed' | 'paper.archived',
  args: unknown,
  editTime: number,
): Promise<Verdict> {
  if (name === 'paper.printed') {
    const a = args as MutationArgs<'paper.printed'>;
    const may = await mayKeepPaper(q, caller, a.offeringId);
    if (may === null) return refused('INVALID', 'no such offering', null);
    if (!may) return refused('FORBIDDEN', 'the offering is outside the caller’s print scope', null);
    return {
      outcome: 'APPLIED',
      reason: null,
      changes: [
        {
          table: 'paper_journals',
          key: { id: a.paperId },
          set: {
            offering_id: a.offeringId,
            number: a.number,
            code: a.code,
            locale: a.locale,
            pages: a.pages,
            printed_at: editTime,
            printed_by: caller.userId,
            signed_on: null,
            archived_on: null,
            transfer_act: null,
          },
        },
      ],
      serverRow: null,
    };
  }
  const a = args as MutationArgs<'paper.signed'> | MutationArgs<'paper.archived'>;
  const row = await lockRow(q, 'paper_journals', { id: a.paperId });
  if (!row) return refused('INVALID', 'no such paper journal', null);
  if (!(await mayKeepPaper(q, caller, Number(row.offering_id))))
    return refused('FORBIDDEN', 'the paper journal is outside the caller’s scope', row);
  const set =
    'signedOn' in a ? { signed_on: a.signedOn } : { archived_on: a.archivedOn, transfer_act: a.transferAct };
  return {
    outcome: 'APPLIED',
    reason: null,
    changes: [{ table: 'paper_journals', key: { id: a.paperId }, set }],
    serverRow: null,
  };
}

/** Messages go to the central mailbox for AVN to deliver (not a synced table). */
async function applyMessage(
  q: Sql,
  caller: Caller,
  a: MutationArgs<'messages.send'>,
  editTime: number,
  now: number,
): Promise<Verdict> {
  const [to] = await q.query('SELECT 1 FROM users WHERE id = $1 AND active = 1', [a.toUserId]);
  if (!to) return refused('INVALID', 'no such recipient', null);
  await q.query(
    `INSERT INTO messages (id, from_user_id, to_user_id, kind, subject, body, related, created_at, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8) ON CONFLICT (id) DO NOTHING`,
    [a.messageId, caller.userId, a.toUserId, a.kind, a.subject, a.body, editTime, now],
  );
  return { outcome: 'APPLIED', reason: null, changes: [], serverRow: null };
}

/**
 * The time an edit happened (DOMAIN.md, Time): the device's time corrected by the offset measured at
 * its previous sync, never later than the gateway's receipt.
 */
export function editTimeOf(createdAt: number, offsetMs: number, receivedAt: number): number {
  return Math.min(createdAt + offsetMs, receivedAt);
}

async function processOne(
  db: CentralDb,
  caller: Caller,
  m: PushMutation,
  now: number,
): Promise<MutationOutcome> {
  return db.tx(async (q) => {
    const [stored] = await q.query<{
      outcome: Outcome;
      seq: number | null;
      reason: string | null;
      serverRow: Row | null;
    }>('SELECT outcome, seq, reason, server_row AS "serverRow" FROM mutations WHERE mutation_id = $1', [
      m.mutationId,
    ]);
    if (stored)
      return {
        mutationId: m.mutationId,
        outcome: 'DUPLICATE',
        stored: stored.outcome,
        seq: stored.seq,
        reason: stored.reason,
        serverRow: stored.serverRow,
      };
    const [device] = await q.query<{ last: number; offset: number }>(
      'SELECT last_local_seq AS last, clock_offset_ms AS "offset" FROM devices WHERE id = $1 FOR UPDATE',
      [caller.deviceId],
    );
    if (!device)
      return {
        mutationId: m.mutationId,
        outcome: 'OUT_OF_ORDER',
        seq: null,
        reason: 'unknown device',
        serverRow: null,
      };
    if (m.localSeq !== device.last + 1) {
      return {
        mutationId: m.mutationId,
        outcome: 'OUT_OF_ORDER',
        seq: null,
        reason: `expected localSeq ${device.last + 1}`,
        serverRow: null,
      };
    }
    const editTime = editTimeOf(m.createdAt, device.offset, now);
    let verdict: Verdict;
    const parsed = MUTATIONS[m.name].safeParse(m.args);
    if (!parsed.success)
      verdict = refused('INVALID', parsed.error.issues[0]?.message ?? 'invalid arguments', null);
    else if (m.name === 'marks.set')
      verdict = await judgeMarksSet(
        q,
        caller,
        parsed.data as MutationArgs<'marks.set'>,
        m.baseVersion,
        editTime,
      );
    else if (m.name === 'lessons.setTopic')
      verdict = await judgeSetTopic(
        q,
        caller,
        parsed.data as MutationArgs<'lessons.setTopic'>,
        m.baseVersion,
        editTime,
      );
    else if (m.name === 'locks.close')
      verdict = await judgeClose(q, caller, parsed.data as MutationArgs<'locks.close'>, editTime);
    else if (m.name === 'unlocks.grant')
      verdict = await judgeUnlock(q, caller, parsed.data as MutationArgs<'unlocks.grant'>, editTime);
    else if (m.name === 'checks.record')
      verdict = judgeCheck(caller, parsed.data as MutationArgs<'checks.record'>, editTime);
    else if (m.name === 'absences.register')
      verdict = await judgeAbsence(q, caller, parsed.data as MutationArgs<'absences.register'>);
    else if (m.name === 'substitutions.assign')
      verdict = await judgeAssign(q, caller, parsed.data as MutationArgs<'substitutions.assign'>, editTime);
    else if (m.name === 'paper.printed' || m.name === 'paper.signed' || m.name === 'paper.archived')
      verdict = await judgePaper(q, caller, m.name, parsed.data, editTime);
    else if (m.name === 'archive.registered' || m.name === 'archive.verified' || m.name === 'archive.purge')
      verdict = await judgeArchive(q, caller, m.name, parsed.data, editTime, now);
    else if (m.name === 'substitutions.cancel')
      verdict = await judgeCancelSubstitution(
        q,
        caller,
        parsed.data as MutationArgs<'substitutions.cancel'>,
        editTime,
      );
    else verdict = await applyMessage(q, caller, parsed.data as MutationArgs<'messages.send'>, editTime, now);
    let seq: number | null = null;
    const meta = {
      at: now,
      userId: caller.userId,
      deviceId: caller.deviceId,
      mutationId: m.mutationId,
      editTime,
    };
    if (verdict.outcome === 'APPLIED') {
      for (const changes of verdict.before ?? []) await writeCentral(q, changes, meta);
      const w = await writeCentral(q, verdict.changes, meta);
      seq = w.seqEnd || null;
    } else {
      await q.query(
        `INSERT INTO central_audit (at, edit_time, user_id, device_id, mutation_id, outcome, entity, entity_key, new_value, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          now,
          editTime,
          caller.userId,
          caller.deviceId,
          m.mutationId,
          verdict.outcome,
          m.name,
          null,
          JSON.stringify(m.args),
          verdict.reason,
        ],
      );
    }
    await q.query(
      `INSERT INTO mutations (mutation_id, device_id, local_seq, user_id, name, args, base_version, outcome, seq, reason, server_row, received_at, edit_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        m.mutationId,
        caller.deviceId,
        m.localSeq,
        caller.userId,
        m.name,
        JSON.stringify(m.args),
        m.baseVersion,
        verdict.outcome,
        seq,
        verdict.reason,
        verdict.serverRow === null ? null : JSON.stringify(verdict.serverRow),
        now,
        editTime,
      ],
    );
    await q.query('UPDATE devices SET last_local_seq = $2, last_seen_at = $3 WHERE id = $1', [
      caller.deviceId,
      m.localSeq,
      now,
    ]);
    return {
      mutationId: m.mutationId,
      outcome: verdict.outcome,
      seq,
      reason: verdict.reason,
      serverRow: verdict.serverRow,
    };
  });
}

/** Process a batch in order; stops at the first OUT_OF_ORDER. */
export async function push(
  db: CentralDb,
  caller: Caller,
  mutations: readonly PushMutation[],
  now: () => number,
): Promise<{ outcomes: MutationOutcome[]; lastLocalSeq: number }> {
  const outcomes: MutationOutcome[] = [];
  for (const m of mutations) {
    const o = await processOne(db, caller, m, now());
    outcomes.push(o);
    if (o.outcome === 'OUT_OF_ORDER') break;
  }
  const [d] = await db.query<{ last: number }>('SELECT last_local_seq AS last FROM devices WHERE id = $1', [
    caller.deviceId,
  ]);
  return { outcomes, lastLocalSeq: d?.last ?? 0 };
}
