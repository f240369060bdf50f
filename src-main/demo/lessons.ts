import type { Attendance, Grade } from '../../src-shared/domain/journal';
import {
  addDays,
  bishkekInstant,
  dayNumber,
  endOfBishkekDay,
  isoWeekday,
  weekParity,
  type IsoDate,
} from '../../src-shared/domain/time';
import { membersOn, slotDates } from '../../src-shared/domain/timetable';
import type { Rng } from './rng';
import { cellOf, type Structure } from './structure';
import type { Offering, Slot } from './timetable';

export type Semester = { id: number; number: number; startsOn: IsoDate; endsOn: IsoDate };
export type Bells = ReadonlyMap<number, { startsAt: string; endsAt: string }>;

export type PlanTopic = { id: number; offeringId: number; ordinal: number; title: string; hours: number };
export type Lesson = {
  id: number;
  offering: Offering;
  date: IsoDate;
  pair: number;
  roomId: number | null;
  slotId: number | null;
  planTopic: PlanTopic | null;
  status: 'scheduled' | 'cancelled' | 'moved';
  origin: 'timetable' | 'extra' | 'moved';
  statusReason: string | null;
  movedFromId: number | null;
  substitution: Substitution | null;
  /** The absent teacher had no substitute for this lesson. */
  uncovered: boolean;
};
export type Absence = {
  id: string;
  teacherId: number;
  startsOn: IsoDate;
  endsOn: IsoDate;
  reason: 'illness' | 'business_trip' | 'training' | 'other';
  documentRef: string;
  createdAt: number;
};
export type Substitution = {
  id: string;
  lessonId: number;
  absenceId: string;
  absentTeacherId: number;
  substituteTeacherId: number;
  assignedAt: number;
};

/** Lessons of each offering generated from its timetable slots, minus the calendar's non-teaching days. */
export function generateLessons(
  rng: Rng,
  offerings: readonly Offering[],
  nonTeaching: ReadonlySet<IsoDate>,
  semester: Semester,
  topicsOf: (o: Offering, count: number) => string[],
  ids: { lesson: number; topic: number },
  now: number,
  bells: Bells,
): { lessons: Lesson[]; topics: PlanTopic[] } {
  const lessons: Lesson[] = [];
  const topics: PlanTopic[] = [];
  const appended: Lesson[] = [];
  for (const o of offerings) {
    if (o.slots.length === 0) continue;
    const dated: Array<{ date: IsoDate; slot: Slot }> = [];
    for (const slot of o.slots)
      for (const date of slotDates(slot, semester.startsOn, nonTeaching)) dated.push({ date, slot });
    dated.sort((a, b) => (a.date === b.date ? a.slot.pair - b.slot.pair : a.date < b.date ? -1 : 1));
    const titles = topicsOf(o, dated.length);
    const plan = titles.map((title, i): PlanTopic => ({
      id: ++ids.topic,
      offeringId: o.id,
      ordinal: i + 1,
      title,
      hours: 2,
    }));
    topics.push(...plan);
    dated.forEach(({ date, slot }, i) => {
      const lesson: Lesson = {
        id: ++ids.lesson,
        offering: o,
        date,
        pair: slot.pair,
        roomId: slot.roomId,
        slotId: slot.id,
        planTopic: plan[i] ?? null,
        status: 'scheduled',
        origin: 'timetable',
        statusReason: null,
        movedFromId: null,
        substitution: null,
        uncovered: false,
      };
      lessons.push(lesson);
      const begun = bishkekInstant(date, bells.get(slot.pair)?.startsAt ?? '08:00') <= now;
      if (!begun) return;
      const roll = rng.next();
      if (roll < 0.006) {
        lesson.status = 'cancelled';
        lesson.statusReason = 'Общеуниверситетское мероприятие';
      } else if (roll < 0.01) {
        lesson.status = 'moved';
        lesson.statusReason = 'Перенос по заявлению преподавателя';
        let to = addDays(date, rng.int(1, 3));
        while (isoWeekday(to) === 7 || nonTeaching.has(to)) to = addDays(to, 1);
        appended.push({
          ...lesson,
          id: 0,
          date: to,
          pair: 6,
          slotId: null,
          status: 'scheduled',
          origin: 'moved',
          statusReason: null,
          movedFromId: lesson.id,
        });
      }
    });
    const past = dated.filter((x) => bishkekInstant(x.date, '18:00') < now);
    if (past.length > 4 && rng.chance(0.03)) {
      const at = rng.pick(past);
      appended.push({
        id: 0,
        offering: o,
        date: at.date,
        pair: 6,
        roomId: at.slot.roomId,
        slotId: null,
        planTopic: null,
        status: 'scheduled',
        origin: 'extra',
        statusReason: 'Дополнительное занятие',
        movedFromId: null,
        substitution: null,
        uncovered: false,
      });
    }
  }
  for (const l of appended) {
    l.id = ++ids.lesson;
    lessons.push(l);
  }
  return { lessons, topics };
}

/**
 * Teacher absences and their substitutions: a few teachers ill or away for some days in the past
 * (most of their lessons covered by a free colleague of the same department, some left uncovered),
 * and one absence starting tomorrow, already covered.
 */
export function generateSubstitutions(
  rng: Rng,
  s: Structure,
  lessons: readonly Lesson[],
  semester: Semester,
  today: IsoDate,
  uuid: (ms: number) => string,
  nonTeaching: ReadonlySet<IsoDate>,
): { absences: Absence[]; substitutions: Substitution[] } {
  const absences: Absence[] = [];
  const substitutions: Substitution[] = [];
  const byTeacher = new Map<number, Lesson[]>();
  for (const l of lessons) {
    if (l.status !== 'scheduled') continue;
    const list = byTeacher.get(l.offering.teacherId) ?? [];
    list.push(l);
    byTeacher.set(l.offering.teacherId, list);
  }
  const teaching = s.teachers.filter((t) => byTeacher.has(t.id));
  if (teaching.length < 3) return { absences, substitutions };
  const busyAt = new Set<string>();
  const absentOn = new Set<string>();
  const count = Math.max(3, Math.round(teaching.length * 0.02));
  const chosen = rng.shuffle(teaching).slice(0, count);
  const earliest = addDays(semester.startsOn, 14);
  const latest = addDays(today, -3);
  chosen.forEach((t, i) => {
    const future = i === 0;
    let start: IsoDate;
    if (future) start = addDays(today, 1);
    else {
      if (latest <= earliest) return;
      start = addDays(earliest, rng.int(0, dayNumber(latest) - dayNumber(earliest)));
    }
    while (isoWeekday(start) === 7 || nonTeaching.has(start)) start = addDays(start, 1);
    const end = addDays(start, rng.int(1, 3));
    const createdAt = bishkekInstant(addDays(start, future ? -1 : 0), '08:10');
    const absence: Absence = {
      id: uuid(createdAt),
      teacherId: t.id,
      startsOn: start,
      endsOn: end,
      reason: rng.weighted<Absence['reason']>([
        ['illness', 70],
        ['business_trip', 15],
        ['training', 10],
        ['other', 5],
      ]),
      documentRef: `№ ${rng.int(10, 480)}-к`,
      createdAt,
    };
    absences.push(absence);
    for (let d = start; d <= end; d = addDays(d, 1)) absentOn.add(`${t.id}|${d}`);
  });
  for (const a of absences) {
    const own = (byTeacher.get(a.teacherId) ?? []).filter((l) => l.date >= a.startsOn && l.date <= a.endsOn);
    const teacher = s.teachers[a.teacherId - 1];
    for (const l of own) {
      if (!rng.chance(a.startsOn > today ? 1 : 0.78)) {
        l.uncovered = true;
        continue;
      }
      const bit = weekParity(l.date, semester.startsOn) === 'odd' ? 1 : 2;
      const cell = l.pair <= 5 ? cellOf(isoWeekday(l.date), l.pair) : -1;
      const candidates = s.departments[teacher.departmentId - 1].teacherIds
        .map((id) => s.teachers[id - 1])
        .filter(
          (c) =>
            c.id !== teacher.id &&
            (cell < 0 || (c.busy[cell] & bit) === 0) &&
            !absentOn.has(`${c.id}|${l.date}`) &&
            !busyAt.has(`${c.id}|${l.date}|${l.pair}`),
        )
        .sort((x, y) => x.load - y.load || x.id - y.id);
      const sub = candidates[0];
      if (!sub) {
        l.uncovered = true;
        continue;
      }
      busyAt.add(`${sub.id}|${l.date}|${l.pair}`);
      // Usually assigned before the lesson; now and then only after its day (DOMAIN.md edge case).
      const assignedAt =
        rng.chance(0.1) && a.startsOn <= today
          ? bishkekInstant(addDays(l.date, 1), '10:00')
          : Math.max(a.createdAt + 20 * 60_000, bishkekInstant(l.date, '07:30') - 86_400_000);
      const subst: Substitution = {
        id: uuid(assignedAt),
        lessonId: l.id,
        absenceId: a.id,
        absentTeacherId: a.teacherId,
        substituteTeacherId: sub.id,
        assignedAt,
      };
      l.substitution = subst;
      substitutions.push(subst);
    }
  }
  return { absences, substitutions };
}

export type FilledLesson = {
  topic: string | null;
  conductedBy: number | null;
  completedAt: number | null;
  updatedAt: number;
  updatedBy: number | null;
  rowVersion: number;
};
export type MarkRow = {
  studentId: number;
  attendance: Attendance;
  grade: Grade | null;
  at: number;
  version: number;
};

export { membersOn };

const GRADE_CHANCE: Record<string, number> = { lecture: 0.08, practice: 0.45, lab: 0.4, self_study: 0 };

/**
 * How a lesson's journal was filled, by the responsible teacher's habits (DOMAIN.md, Filled): most
 * fill on the lesson's day, some late, a few never — and some leave a lesson half done.
 */
export function fillLesson(
  rng: Rng,
  s: Structure,
  l: Lesson,
  now: number,
  bells: Bells,
  loadTime: number,
): { lesson: FilledLesson; marks: MarkRow[] } {
  const empty: FilledLesson = {
    topic: null,
    conductedBy: null,
    completedAt: null,
    updatedAt: loadTime,
    updatedBy: null,
    rowVersion: 1,
  };
  const bell = bells.get(l.pair);
  if (l.status !== 'scheduled' || !bell || bishkekInstant(l.date, bell.startsAt) > now)
    return { lesson: empty, marks: [] };
  const responsible = l.substitution?.substituteTeacherId ?? l.offering.teacherId;
  const profile = l.uncovered ? 'negligent' : s.teachers[responsible - 1].profile;
  const [same, late] = l.uncovered
    ? [0.05, 0.15]
    : profile === 'punctual'
      ? [0.95, 0.04]
      : profile === 'late'
        ? [0.5, 0.44]
        : [0.35, 0.35];
  const roll = rng.next();
  const lessonEnd = bishkekInstant(l.date, bell.endsAt);
  const dayEnd = endOfBishkekDay(l.date);
  let at: number;
  let complete = true;
  if (roll < same) {
    at = Math.min(lessonEnd + rng.int(5, 300) * 60_000, dayEnd - rng.int(1, 300) * 1000);
  } else if (roll < same + late) {
    at = bishkekInstant(
      addDays(l.date, rng.int(1, 8)),
      `${rng.int(8, 21)}:${String(rng.int(0, 59)).padStart(2, '0')}`,
    );
    if (rng.chance(0.04)) at = dayEnd + rng.int(1, 120) * 1000; // just after midnight
  } else {
    at = lessonEnd + rng.int(10, 600) * 60_000;
    complete = false;
  }
  if (at > now) return { lesson: empty, marks: [] };
  const intervals = l.offering.subgroup ? l.offering.subgroup.members : l.offering.group.enrolled;
  const members = membersOn(intervals, l.date);
  let withTopic = true;
  let skip = new Set<number>();
  if (!complete) {
    const variant = rng.next();
    if (variant < 0.4) return { lesson: empty, marks: [] };
    if (variant < 0.55 && members.length > 0) skip = new Set([rng.pick(members)]);
    else if (variant < 0.8) skip = new Set(members.filter(() => rng.chance(0.5)));
    else withTopic = false;
  }
  const gradeChance = GRADE_CHANCE[l.offering.kind] ?? 0;
  const marks: MarkRow[] = [];
  for (const studentId of members) {
    if (skip.has(studentId)) continue;
    const st = s.students[studentId - 1];
    let attendance: Attendance = 'p';
    if (rng.chance(st.absenceRate)) attendance = rng.chance(0.25) ? 'e' : 'a';
    let grade: Grade | null = null;
    if (attendance === 'p' && rng.chance(gradeChance)) {
      const g = Math.round(st.ability + (rng.next() + rng.next() - 1) * 1.2);
      grade = Math.min(5, Math.max(2, g)) as Grade;
    }
    // Now and then a mark is corrected a day or two later.
    const corrected = rng.chance(0.01) && at + 2 * 86_400_000 < now;
    marks.push({
      studentId,
      attendance,
      grade,
      at: corrected ? at + rng.int(1, 2) * 86_400_000 : at,
      version: corrected ? 2 : 1,
    });
  }
  const isComplete = withTopic && skip.size === 0 && members.length > 0;
  return {
    lesson: {
      topic: withTopic
        ? (l.planTopic?.title ?? 'Дополнительное занятие: консультация и разбор заданий')
        : null,
      conductedBy: responsible,
      completedAt: isComplete ? at : null,
      updatedAt: at,
      updatedBy: responsible,
      rowVersion: 2,
    },
    marks,
  };
}
