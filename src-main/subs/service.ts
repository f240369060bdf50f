import { randomBytes } from 'node:crypto';
import type {
  AbsenceSummary,
  AffectedLesson,
  CandidateView,
  CoverReport,
} from '../../src-shared/contract/subs.contract';
import { AppError } from '../../src-shared/contract/errors';
import type { AbsenceReason } from '../../src-shared/domain/journal';
import type { RoleGrant } from '../../src-shared/domain/roles';
import {
  absenceCovers,
  coverClashes,
  coverTotals,
  rankCandidates,
  type Clash,
} from '../../src-shared/domain/substitutions';
import { addDays, type IsoDate } from '../../src-shared/domain/time';
import { formatDateShort } from '../../src-shared/i18n/format';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/translate';
import { uuidv7 } from '../../src-shared/ids';
import type { Db } from '../db/open';
import { commitLocal, type Intent, type LocalActor } from '../db/write-path';
import { judged } from '../api/refusals';
import {
  absenceLessons,
  absenceSummaryOf,
  affectedView,
  candidatePool,
  coversOf,
  dayFacts,
  departmentAbsences,
  departmentNames,
  departmentsOf,
  departmentTeachers,
  describeLesson,
  getAbsence,
  lessonRow,
  missedLessons,
  substitutionRow,
  teacherAbsences,
  teacherDepartments,
  teacherName,
  teacherUser,
  type Absence,
  type LessonRow,
} from './repo';

/**
 * Substitutions (regulation §3.4): the department head registers a teacher's absence and assigns
 * substitutes to its lessons; each write goes through the one write path (rows, audit, outbox) and
 * is judged again by the gateway. The clash rule and the ranking are the pure ones of
 * src-shared/domain/substitutions.ts, fed with this replica's facts.
 */

type Session = { grants: readonly RoleGrant[]; teacherId: number | null; user: { id: number } };
type Actor = { deviceId: string; now: number };

const newId = (now: number) => uuidv7(now, randomBytes(10));

/** The session's person and this PC, as the one write path judges them. */
const actorOf = (s: Session, a: Actor): LocalActor => ({
  userId: s.user.id,
  teacherId: s.teacherId,
  grants: s.grants,
  deviceId: a.deviceId,
  now: a.now,
});

/** The head may manage an absence of a teacher of a department they head. */
function mayManage(db: Db, s: Session, teacherId: number): boolean {
  const { headed } = departmentsOf(db, s.grants);
  return teacherDepartments(db, teacherId).some((d) => headed.includes(d));
}

function mayView(db: Db, s: Session, teacherId: number): boolean {
  const { visible } = departmentsOf(db, s.grants);
  return teacherDepartments(db, teacherId).some((d) => visible.includes(d));
}

function loadAbsence(db: Db, s: Session, id: string, field = 'absenceId'): Absence {
  const a = getAbsence(db, id);
  if (!a) throw new AppError('NOT_FOUND', {}, field);
  if (!mayView(db, s, a.teacherId)) throw new AppError('SCOPE_FORBIDDEN', {}, field);
  return a;
}

function pickDepartment(db: Db, s: Session, wanted: number | undefined): number | null {
  const { visible } = departmentsOf(db, s.grants);
  if (wanted !== undefined) {
    if (!visible.includes(wanted)) throw new AppError('SCOPE_FORBIDDEN', {}, 'departmentId');
    return wanted;
  }
  const { headed } = departmentsOf(db, s.grants);
  return headed[0] ?? visible[0] ?? null;
}

export function overview(db: Db, s: Session, departmentId: number | undefined) {
  const { visible, headed } = departmentsOf(db, s.grants);
  const names = departmentNames(db, visible);
  const chosen = pickDepartment(db, s, departmentId);
  return {
    departments: visible.flatMap((id) => {
      const name = names.get(id);
      return name ? [{ id, name }] : [];
    }),
    departmentId: chosen,
    teachers: chosen === null ? [] : departmentTeachers(db, chosen),
    absences: chosen === null ? [] : departmentAbsences(db, chosen).map((a) => absenceSummaryOf(db, a)),
    canAssign: chosen !== null && headed.includes(chosen),
  };
}

function lessonsView(db: Db, a: Absence): AffectedLesson[] {
  const lessons = absenceLessons(db, a);
  const covers = coversOf(
    db,
    lessons.map((l) => l.lessonId),
  );
  return lessons.map((l) => affectedView(l, covers.get(l.lessonId)));
}

export function absenceDetail(db: Db, s: Session, absenceId: string) {
  const a = loadAbsence(db, s, absenceId);
  return {
    absence: absenceSummaryOf(db, a),
    lessons: lessonsView(db, a),
    canAssign: mayManage(db, s, a.teacherId),
  };
}

/** A clash in words that name it: the lesson it is, the other substitution, the absence. */
export function clashText(db: Db, c: Clash, locale: Locale): string {
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
  switch (c.kind) {
    case 'same_teacher':
    case 'not_in_absence':
      return t(`subs.clash.${c.kind}`);
    case 'own_lesson':
    case 'other_substitution': {
      const l = describeLesson(db, c.lessonId);
      return t(`subs.clash.${c.kind}`, {
        lesson: l ? `${l.discipline[locale]}, ${l.group}` : `#${c.lessonId}`,
      });
    }
    case 'absent': {
      const a = getAbsence(db, c.absenceId);
      return t('subs.clash.absent', {
        reason: a ? t(`absence.${a.reason}`) : '',
        from: a ? formatDateShort(a.startsOn) : '',
        to: a ? formatDateShort(a.endsOn) : '',
      });
    }
  }
}

/** Register an absence of a teacher of the head's department (refused when it overlaps another one). */
export function registerAbsence(
  db: Db,
  s: Session,
  input: {
    teacherId: number;
    startsOn: IsoDate;
    endsOn: IsoDate;
    pairs: number[] | null;
    reason: AbsenceReason;
    documentRef: string | null;
  },
  actor: Actor,
  locale: Locale,
): { absence: AbsenceSummary; lessons: AffectedLesson[] } {
  if (teacherName(db, input.teacherId) === null) throw new AppError('NOT_FOUND', {}, 'teacherId');
  if (!mayManage(db, s, input.teacherId)) throw new AppError('SCOPE_FORBIDDEN', {}, 'teacherId');
  const pairs = input.pairs === null ? null : [...new Set(input.pairs)].sort((a, b) => a - b);
  for (const other of teacherAbsences(db, input.teacherId, input.startsOn, input.endsOn)) {
    const overlap = other.pairs === null || pairs === null || other.pairs.some((p) => pairs.includes(p));
    if (overlap)
      throw new AppError(
        'CLASH',
        {
          clash: translate(locale, 'subs.clash.alreadyAbsent', {
            reason: translate(locale, `absence.${other.reason}`),
            from: formatDateShort(other.startsOn),
            to: formatDateShort(other.endsOn),
          }),
        },
        'startsOn',
      );
  }
  const absenceId = newId(actor.now);
  const args = {
    absenceId,
    teacherId: input.teacherId,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    pairs,
    reason: input.reason,
    documentRef: input.documentRef || null,
  };
  judged(locale, () => commitLocal(db, actorOf(s, actor), [{ name: 'absences.register', args }]));
  const a = getAbsence(db, absenceId);
  if (!a) throw new Error('the registered absence was not stored');
  return { absence: absenceSummaryOf(db, a), lessons: lessonsView(db, a) };
}

function monthOf(date: IsoDate): { from: IsoDate; to: IsoDate } {
  const from = `${date.slice(0, 7)}-01`;
  const next = addDays(from, 32);
  return { from, to: addDays(`${next.slice(0, 7)}-01`, -1) };
}

function affectedLesson(db: Db, lessonId: number, field: string): LessonRow {
  const l = lessonRow(db, lessonId);
  if (!l) throw new AppError('NOT_FOUND', {}, field);
  return l;
}

/** Ranked candidates for one lesson of an absence. */
export function candidates(
  db: Db,
  s: Session,
  input: { absenceId: string; lessonId: number },
  locale: Locale,
): CandidateView[] {
  const a = loadAbsence(db, s, input.absenceId);
  if (!mayManage(db, s, a.teacherId)) throw new AppError('SCOPE_FORBIDDEN', {}, 'absenceId');
  const l = affectedLesson(db, input.lessonId, 'lessonId');
  const month = monthOf(l.date);
  const pool = candidatePool(db, l, month.from, month.to);
  const ranked = rankCandidates(l, a, pool, dayFacts(db, l.date, l.pair));
  const byId = new Map(pool.map((p) => [p.teacherId, p]));
  const deps = departmentNames(db, [...new Set(pool.flatMap((p) => p.departmentIds))]);
  return ranked.slice(0, 60).map((r) => {
    const p = byId.get(r.teacherId);
    return {
      teacher: { id: r.teacherId, name: p?.name ?? `#${r.teacherId}` },
      departments: (p?.departmentIds ?? []).flatMap((d) => {
        const n = deps.get(d);
        return n ? [n] : [];
      }),
      free: r.free,
      clashes: r.clashes.map((c) => ({ kind: c.kind, text: clashText(db, c, locale) })),
      sameDepartment: r.reasons.some((x) => x.kind === 'same_department'),
      taughtDiscipline: r.reasons.some((x) => x.kind === 'taught_discipline'),
      taughtGroup: r.reasons.some((x) => x.kind === 'taught_group'),
      coversThisMonth: p?.coversThisMonth ?? 0,
    };
  });
}

function lessonLine(l: LessonRow, locale: Locale): string {
  return translate(locale, 'subs.msg.line', {
    date: formatDateShort(l.date),
    pair: l.pair,
    time: l.startsAt ?? '',
    discipline: l.discipline[locale],
    group: l.group,
  });
}

/**
 * Assign a substitute to lessons of an absence, all or nothing: each lesson must be one the absence
 * covers, and the substitute free at its pair (no own lesson, no other substitution, not absent) —
 * otherwise the whole call is refused naming the clash. A lesson covered by someone else changes
 * hands (the old assignment is cancelled). With `notify`, a message to the substitute is queued.
 */
export function assign(
  db: Db,
  s: Session,
  input: { absenceId: string; lessonIds: number[]; substituteId: number; notify: boolean },
  actor: Actor,
  locale: Locale,
): { assigned: number; changed: number; messages: number } {
  const a = loadAbsence(db, s, input.absenceId);
  if (!mayManage(db, s, a.teacherId)) throw new AppError('SCOPE_FORBIDDEN', {}, 'absenceId');
  if (teacherName(db, input.substituteId) === null) throw new AppError('NOT_FOUND', {}, 'substituteId');
  const lessonIds = [...new Set(input.lessonIds)];
  const covers = coversOf(db, lessonIds);
  const mutations: Intent[] = [];
  const assignedRows: LessonRow[] = [];
  const batch: Array<{ lessonId: number; substituteId: number; date: IsoDate; pair: number }> = [];
  let changed = 0;
  lessonIds.forEach((lessonId, i) => {
    const field = `lessonIds.${i}`;
    const l = affectedLesson(db, lessonId, field);
    const current = covers.get(lessonId);
    if (current?.substituteId === input.substituteId) return;
    const day = dayFacts(db, l.date, l.pair);
    const clashes = coverClashes(input.substituteId, l, a, {
      ...day,
      // The old cover of this lesson goes; the ones assigned earlier in this call count.
      substitutions: [...day.substitutions.filter((x) => x.lessonId !== lessonId), ...batch],
    });
    if (l.status !== 'scheduled' || !absenceCovers(a, l.date, l.pair))
      clashes.unshift({ kind: 'not_in_absence' });
    const first = clashes[0];
    if (first)
      throw new AppError(
        'CLASH',
        {
          clash: `${formatDateShort(l.date)}, ${l.pair}: ${clashText(db, first, locale)}`,
        },
        field,
      );
    if (current) {
      changed++;
      mutations.push({ name: 'substitutions.cancel', args: { substitutionId: current.id } });
    }
    mutations.push({
      name: 'substitutions.assign',
      args: {
        substitutionId: newId(actor.now),
        lessonId,
        absenceId: a.id,
        substituteTeacherId: input.substituteId,
      },
    });
    batch.push({ lessonId, substituteId: input.substituteId, date: l.date, pair: l.pair });
    assignedRows.push(l);
  });
  let messages = 0;
  const user = input.notify && assignedRows.length > 0 ? teacherUser(db, input.substituteId) : null;
  if (user) {
    const to = user.locale;
    const head = translate(to, 'subs.msg.body', {
      teacher: a.teacherName,
      reason: translate(to, `absence.${a.reason}`),
    });
    let body = head;
    for (const l of assignedRows) {
      const line = `\n${lessonLine(l, to)}`;
      if (body.length + line.length > 3900) {
        body += '\n…';
        break;
      }
      body += line;
    }
    mutations.push({
      name: 'messages.send',
      args: {
        messageId: newId(actor.now),
        toUserId: user.id,
        kind: 'substitution',
        subject: translate(to, 'subs.msg.subject', { teacher: a.teacherName }).slice(0, 200),
        body,
      },
    });
    messages = 1;
  }
  if (mutations.length > 0) judged(locale, () => commitLocal(db, actorOf(s, actor), mutations));
  return { assigned: assignedRows.length, changed, messages };
}

/** Cancel assignments; the substitute's rights to those lessons end with it. */
export function cancel(
  db: Db,
  s: Session,
  input: { substitutionIds: string[] },
  actor: Actor,
  locale: Locale,
): { cancelled: number } {
  const mutations: Intent[] = [];
  [...new Set(input.substitutionIds)].forEach((id, i) => {
    const field = `substitutionIds.${i}`;
    const row = substitutionRow(db, id);
    if (!row) throw new AppError('NOT_FOUND', {}, field);
    if (!mayManage(db, s, row.absentTeacherId)) throw new AppError('SCOPE_FORBIDDEN', {}, field);
    if (row.cancelledAt !== null) return;
    mutations.push({ name: 'substitutions.cancel', args: { substitutionId: id } });
  });
  if (mutations.length > 0) judged(locale, () => commitLocal(db, actorOf(s, actor), mutations));
  return { cancelled: mutations.length };
}

/** The month's cover report of a department: per substitute, per absent teacher and reason, by reason. */
export function coverReport(
  db: Db,
  s: Session,
  input: { month: string; departmentId?: number },
): CoverReport {
  const departmentId = pickDepartment(db, s, input.departmentId);
  if (departmentId === null) throw new AppError('SCOPE_FORBIDDEN', {}, 'departmentId');
  const { from, to } = monthOf(`${input.month}-01`);
  const missed = missedLessons(db, departmentId, from, to);
  const totals = coverTotals(
    missed.map((m) => ({
      lessonId: m.lessonId,
      absentTeacherId: m.absentTeacherId,
      reason: m.reason,
      substituteId: m.cover?.substituteId ?? null,
    })),
  );
  const name = (id: number) => ({ id, name: teacherName(db, id) ?? `#${id}` });
  const byName = (x: { teacher: { name: string } }, y: { teacher: { name: string } }) =>
    x.teacher.name.localeCompare(y.teacher.name, 'ru');
  return {
    month: input.month,
    from,
    to,
    department: {
      id: departmentId,
      name: departmentNames(db, [departmentId]).get(departmentId) ?? {
        ru: `#${departmentId}`,
        ky: `#${departmentId}`,
      },
    },
    substitutes: totals.substitutes
      .map((x) => ({
        teacher: name(x.teacherId),
        lessons: x.lessons,
        hours: x.hours,
        byReason: [...x.byReason].map(([reason, lessons]) => ({ reason, lessons })),
      }))
      .sort(byName),
    absent: totals.absent
      .map((x) => ({
        teacher: name(x.teacherId),
        reason: x.reason,
        missed: x.missed,
        covered: x.covered,
        uncovered: x.uncovered,
        hoursCovered: x.hoursCovered,
      }))
      .sort(byName),
    byReason: totals.byReason,
    total: totals.total,
  };
}

/** The lessons of an absence with their covers, for the printed order. */
export function orderData(db: Db, s: Session, absenceId: string) {
  const a = loadAbsence(db, s, absenceId);
  const lessons = absenceLessons(db, a);
  const covers = coversOf(
    db,
    lessons.map((l) => l.lessonId),
  );
  const deps = teacherDepartments(db, a.teacherId);
  const { visible } = departmentsOf(db, s.grants);
  const dep = deps.find((d) => visible.includes(d)) ?? deps[0];
  return {
    absence: a,
    departmentId: dep ?? null,
    department: dep === undefined ? null : (departmentNames(db, [dep]).get(dep) ?? null),
    lessons: lessons.map((l) => ({ lesson: l, cover: covers.get(l.lessonId) ?? null })),
  };
}
