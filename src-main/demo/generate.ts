import { syncedTable } from '../../src-shared/sync/tables';
import { kyrgyzPublicHolidays } from '../../src-shared/domain/calendar';
import type { Role, ScopeKind } from '../../src-shared/domain/roles';
import { addDays, bishkekInstant, isIsoDate, isoWeekday, type IsoDate } from '../../src-shared/domain/time';
import { uuidv7 } from '../../src-shared/ids';
import { hashPassword } from '../auth/password';
import { BulkInsert } from '../db/bulk';
import { META } from '../db/meta';
import { openReplica } from '../db/open';
import { jobContext, writeAtomically, type JobOptions } from '../jobs/job';
import {
  fillLesson,
  generateLessons,
  generateSubstitutions,
  membersOn,
  type Bells,
  type Lesson,
  type Semester,
} from './lessons';
import { personName, phoneNumber } from './names';
import { Rng } from './rng';
import { buildStructure, scaleSpec, type Scale, type Structure, type Teacher } from './structure';
import { buildTimetable, initialRooms, type Offering } from './timetable';
import { TOPIC_STEMS } from './university-data';

/** The demo's "today" unless --today moves it: a Thursday in the first semester of 2026–2027. */
export const DEFAULT_DEMO_DATE = '2026-11-26';
/** The wall time of the demo's "now" on its day (pair 4 has begun, pair 5 has not). */
export const DEMO_TIME = '13:30';
export const DEMO_PASSWORD = 'demo';
export const DEFAULT_SEED = 20260901;

export type DemoOptions = JobOptions & { scale?: Scale; today?: IsoDate; seed?: number };
export type DemoSummary = {
  scale: Scale;
  today: IsoDate;
  now: number;
  rows: number;
  counts: Record<string, number>;
  seconds: number;
};

/** The demo accounts, one per role the app serves (password `demo`). */
export const DEMO_ACCOUNTS = [
  'admin',
  'study',
  'dean',
  'dean2',
  'head',
  'teacher',
  'curator',
  'archivist',
] as const;

const BELLS: Array<[number, string, string]> = [
  [1, '08:00', '09:20'],
  [2, '09:30', '10:50'],
  [3, '11:00', '12:20'],
  [4, '12:50', '14:10'],
  [5, '14:20', '15:40'],
  [6, '15:50', '17:10'],
  [7, '17:20', '18:40'],
];

type Semesters = Array<Semester & { teachingEnds: IsoDate }>;

/** The academic year containing `today` and its semesters; throws a clear message outside Sep–Jun. */
export function academicYearOf(today: IsoDate): {
  year: number;
  startsOn: IsoDate;
  endsOn: IsoDate;
  semesters: Semesters;
} {
  if (!isIsoDate(today)) throw new Error(`--today must be a date YYYY-MM-DD, got "${today}"`);
  const month = Number(today.slice(5, 7));
  if (month === 7 || month === 8)
    throw new Error(`--today ${today} is in the summer break: choose a date from September to June`);
  const y = month >= 9 ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) - 1;
  let s2 = `${y + 1}-02-01`;
  while (isoWeekday(s2) !== 1) s2 = addDays(s2, 1);
  return {
    year: y,
    startsOn: `${y}-09-01`,
    endsOn: `${y + 1}-08-31`,
    semesters: [
      { id: 1, number: 1, startsOn: `${y}-09-01`, endsOn: `${y + 1}-01-31`, teachingEnds: `${y}-12-26` },
      { id: 2, number: 2, startsOn: s2, endsOn: `${y + 1}-06-30`, teachingEnds: `${y + 1}-05-29` },
    ],
  };
}

function topicTitles(o: Offering, count: number): string[] {
  const stems = TOPIC_STEMS[o.discipline.field][o.group.language];
  const ky = o.group.language === 'ky';
  const out: string[] = [];
  for (let i = 1; i <= count; i++) {
    const stem = stems[(i - 1) % stems.length] ?? '';
    const cont = i > stems.length ? (ky ? ' (уландысы)' : ' (продолжение)') : '';
    const head =
      o.kind === 'lab'
        ? ky
          ? `${i}-лабораториялык иш`
          : `Лабораторная работа № ${i}`
        : o.kind === 'practice'
          ? ky
            ? `${i}-практикалык сабак`
            : `Практическое занятие ${i}`
          : o.kind === 'self_study'
            ? ky
              ? `${i}-өз алдынча иш`
              : `Самостоятельная работа ${i}`
            : ky
              ? `${i}-тема`
              : `Тема ${i}`;
    out.push(`${head}. ${stem}${cont}`);
  }
  return out;
}

/**
 * Generate the demo university into `file` (replaced atomically). Deterministic for a given scale,
 * today and seed. Bulk-loads with prepared multi-row statements in one transaction.
 */
export function generateDemo(file: string, opts: DemoOptions = {}): DemoSummary {
  const t0 = performance.now();
  const scale = opts.scale ?? 'faculty';
  const today = opts.today ?? DEFAULT_DEMO_DATE;
  const seed = opts.seed ?? DEFAULT_SEED;
  const ay = academicYearOf(today);
  const now = bishkekInstant(today, DEMO_TIME);
  const ctx = jobContext(opts);
  const rng = new Rng(seed);
  const loadTime = bishkekInstant(`${ay.year}-08-25`, '10:00');
  const uuidRng = rng.fork(99);
  const uuid = (ms: number) =>
    uuidv7(
      ms,
      Array.from({ length: 10 }, () => uuidRng.int(0, 255)),
    );

  // Calendar.
  const holidays = [...kyrgyzPublicHolidays(ay.year), ...kyrgyzPublicHolidays(ay.year + 1)].filter(
    (h) => h.date >= ay.startsOn && h.date <= ay.endsOn,
  );
  const declared = {
    date: `${ay.year}-10-16`,
    nameRu: 'День университета (приказ ректора)',
    nameKy: 'Университеттин күнү (ректордун буйругу)',
  };
  const nonTeaching = new Set<IsoDate>([...holidays.map((h) => h.date), declared.date]);
  for (let d = ay.startsOn; d <= ay.endsOn; d = addDays(d, 1)) if (isoWeekday(d) === 7) nonTeaching.add(d);
  const bells: Bells = new Map(BELLS.map(([n, a, b]) => [n, { startsAt: a, endsAt: b }]));

  ctx.progress('structure', 0, 1);
  const semesters = ay.semesters.filter((s) => s.startsOn <= today);
  const firstSem = ay.semesters[0];
  const s = buildStructure(rng.fork(1), scale, ay.startsOn, firstSem.teachingEnds, today);
  const spec = scaleSpec(scale);
  const ttState = { offeringId: 0, slotId: 0, rooms: initialRooms(rng.fork(2), s.groups.length) };
  const ids = { lesson: 0, topic: 0 };
  const perSemester = semesters.map((sem) => {
    ctx.checkCancelled();
    ctx.progress('timetable', sem.number - 1, semesters.length);
    const semForSlots = { ...sem, endsOn: sem.teachingEnds };
    const tt = buildTimetable(rng.fork(10 + sem.number), s, semForSlots, spec, ttState);
    const { lessons, topics } = generateLessons(
      rng.fork(20 + sem.number),
      tt.offerings,
      nonTeaching,
      sem,
      topicTitles,
      ids,
      now,
      bells,
    );
    // Self-study offerings have a КТП but no lessons.
    for (const o of tt.offerings) {
      if (o.kind !== 'self_study') continue;
      topicTitles(o, 6).forEach((title, i) =>
        topics.push({ id: ++ids.topic, offeringId: o.id, ordinal: i + 1, title, hours: 6 }),
      );
    }
    const subs = generateSubstitutions(rng.fork(30 + sem.number), s, lessons, sem, today, uuid, nonTeaching);
    return { sem, tt, lessons, topics, ...subs };
  });

  const accounts = chooseDemoAccounts(
    s,
    perSemester.flatMap((p) => p.substitutions),
    perSemester[0]?.tt.offerings ?? [],
  );

  return writeAtomically(file, (tmp) => {
    const db = openReplica(tmp, { bulkLoad: true });
    const sqlite = db.$client;
    sqlite.pragma('foreign_keys = OFF');
    let rows = 0;
    const counts: Record<string, number> = {};
    // Every synced table's columns in schema order, from the one catalogue (rows are added by position).
    const ins = (table: string, cols: readonly string[] = syncedTable(table)?.columns ?? []) =>
      new BulkInsert(sqlite, table, cols);
    const done = (...inserters: BulkInsert[]) => {
      for (const i of inserters) {
        i.finish();
        rows += i.count;
      }
    };
    const ref = [1, loadTime, null] as const;

    sqlite.transaction(() => {
      ctx.progress('reference', 0, 1);
      const years = ins('academic_years');
      years.add([1, `${ay.year}–${ay.year + 1}`, ay.startsOn, ay.endsOn, ...ref]);
      const sems = ins('semesters');
      for (const sem of ay.semesters) sems.add([sem.id, 1, sem.number, sem.startsOn, sem.endsOn, ...ref]);
      const cal = ins('calendar_days');
      holidays.forEach((h, i) => cal.add([i + 1, h.date, 'holiday', h.nameRu, h.nameKy, ...ref]));
      cal.add([holidays.length + 1, declared.date, 'non_teaching', declared.nameRu, declared.nameKy, ...ref]);
      const bellRows = ins('bell_pairs');
      for (const [n, a, b] of BELLS) bellRows.add([n, n, a, b, ...ref]);
      done(years, sems, cal, bellRows);

      const fac = ins('faculties');
      for (const f of s.faculties) fac.add([f.id, f.def.code, f.def.kind, f.def.ru, f.def.ky, ...ref]);
      const teachers = ins('teachers');
      for (const t of s.teachers)
        teachers.add([t.id, t.name.lastName, t.name.firstName, t.name.patronymic, t.position, ...ref]);
      const depts = ins('departments');
      for (const d of s.departments)
        depts.add([
          d.id,
          d.facultyId,
          d.def.code,
          d.def.ru,
          d.def.ky,
          accounts.heads.get(d.id) ?? null,
          ...ref,
        ]);
      const td = ins('teacher_departments');
      const tdRng = rng.fork(40);
      let tdId = 0;
      for (const t of s.teachers) {
        td.add([++tdId, t.id, t.departmentId, tdRng.pick([1, 1, 1, 0.75, 0.5]), 1, ...ref]);
        if (tdRng.chance(0.08) && s.departments.length > 1) {
          const other = tdRng.pick(s.departments.filter((d) => d.id !== t.departmentId));
          td.add([++tdId, t.id, other.id, 0.25, 0, ...ref]);
        }
      }
      const disc = ins('disciplines');
      for (const d of s.disciplines)
        disc.add([d.id, d.departmentId, `Б${String(d.id).padStart(3, '0')}`, d.ru, d.ky, ...ref]);
      const rooms = ins('rooms');
      for (const r of ttState.rooms)
        rooms.add([r.id, r.code, r.building, r.capacity, `AVN-ROOM-${r.code}`, ...ref]);
      done(fac, teachers, depts, td, disc, rooms);

      ctx.progress('students', 0, 1);
      const groups = ins('groups');
      for (const g of s.groups) {
        groups.add([
          g.id,
          g.facultyId,
          g.departmentId,
          g.code,
          g.admissionYear,
          g.course,
          g.language,
          accounts.curators.get(g.id) ?? null,
          ...ref,
        ]);
      }
      const subgroups = ins('subgroups');
      for (const sg of s.subgroups) subgroups.add([sg.id, sg.groupId, sg.kind, sg.name, ...ref]);
      const students = ins('students');
      for (const st of s.students) {
        students.add([
          st.id,
          st.recordBookNo,
          st.name.lastName,
          st.name.firstName,
          st.name.patronymic,
          st.name.gender,
          st.birthDate,
          ...ref,
        ]);
      }
      const enr = ins('enrolments');
      s.enrolments.forEach((e, i) =>
        enr.add([i + 1, e.studentId, e.groupId, e.from, e.to, e.startReason, e.endReason, ...ref]),
      );
      const sgm = ins('subgroup_members');
      s.subgroupMemberships.forEach((m, i) =>
        sgm.add([i + 1, m.studentId, m.subgroupId, m.from, m.to, ...ref]),
      );
      const parents = ins('parent_contacts');
      const pRng = rng.fork(41);
      let pId = 0;
      for (const st of s.students) {
        const mother = personName(pRng, 0.8);
        parents.add([
          ++pId,
          st.id,
          `${mother.lastName.endsWith('а') ? mother.lastName : `${mother.lastName}а`} ${mother.firstName}`,
          'mother',
          phoneNumber(pRng),
          ...ref,
        ]);
        if (pRng.chance(0.45)) {
          const father = personName(pRng, 0.8);
          parents.add([
            ++pId,
            st.id,
            `${st.name.gender === 'm' ? st.name.lastName : st.name.lastName.replace(/а$/, '')} ${father.firstName}`,
            'father',
            phoneNumber(pRng),
            ...ref,
          ]);
        }
      }
      done(groups, subgroups, students, enr, sgm, parents);

      // Accounts: every teacher has a user (id = teacher id; central login only), plus the demo accounts.
      const users = ins('users');
      const roles = ins('user_roles');
      const saltRng = rng.fork(42);
      const demoHash = () =>
        hashPassword(DEMO_PASSWORD, Buffer.from(Array.from({ length: 16 }, () => saltRng.int(0, 255))));
      let roleId = 0;
      const grant = (userId: number, role: Role, scopeKind: ScopeKind, scopeId: number | null) =>
        roles.add([++roleId, userId, role, scopeKind, scopeId, ...ref]);
      const loginOf = new Map<number, string>([
        [accounts.head, 'head'],
        [accounts.teacher, 'teacher'],
        [accounts.curator, 'curator'],
      ]);
      for (const t of s.teachers) {
        const login = loginOf.get(t.id);
        const full = `${t.name.lastName} ${t.name.firstName}${t.name.patronymic ? ` ${t.name.patronymic}` : ''}`;
        users.add([
          t.id,
          login ?? `t${String(t.id).padStart(4, '0')}`,
          full,
          t.id,
          null,
          login ? demoHash() : null,
          'ru',
          1,
          ...ref,
        ]);
        grant(t.id, 'teacher', 'own', null);
      }
      for (const [deptId, teacherId] of accounts.heads)
        grant(teacherId, 'departmentHead', 'department', deptId);
      for (const [groupId, teacherId] of accounts.curators) grant(teacherId, 'curator', 'group', groupId);
      let userId = s.teachers.length;
      const staff = (login: string, role: Role, scopeKind: ScopeKind, scopeId: number | null) => {
        const p = personName(pRng, 0.8);
        users.add([
          ++userId,
          login,
          `${p.lastName} ${p.firstName}${p.patronymic ? ` ${p.patronymic}` : ''}`,
          null,
          null,
          demoHash(),
          'ru',
          1,
          ...ref,
        ]);
        grant(userId, role, scopeKind, scopeId);
      };
      staff('admin', 'admin', 'university', null);
      staff('study', 'studyOffice', 'university', null);
      staff('dean', 'deanery', 'faculty', 1);
      if (s.faculties.length > 1) staff('dean2', 'deanery', 'faculty', 2);
      staff('archivist', 'archivist', 'faculty', 1);
      done(users, roles);

      // Teaching: offerings, timetable, КТП, lessons and marks, assessments, locks, substitutions.
      const offs = ins('offerings');
      const slots = ins('timetable_slots');
      const topics = ins('plan_topics');
      const lessonRows = ins('lessons');
      const markRows = ins('marks');
      const assess = ins('assessments');
      const locks = ins('locks');
      const absRows = ins('absences');
      const subRows = ins('substitutions');
      const fillRng = rng.fork(50);
      const assessRng = rng.fork(51);
      let assessId = 0;
      const totalLessons = perSemester.reduce((n, p) => n + p.lessons.length, 0);
      let lessonsDone = 0;
      for (const p of perSemester) {
        const topicCount = new Map<number, number>();
        for (const t of p.topics) topicCount.set(t.offeringId, (topicCount.get(t.offeringId) ?? 0) + t.hours);
        for (const o of p.tt.offerings) {
          offs.add([
            o.id,
            o.semesterId,
            o.discipline.id,
            o.departmentId,
            o.teacherId,
            o.group.id,
            o.subgroup?.id ?? null,
            o.kind,
            topicCount.get(o.id) ?? 0,
            ...ref,
          ]);
        }
        for (const sl of p.tt.slots)
          slots.add([
            sl.id,
            sl.offeringId,
            sl.weekday,
            sl.pair,
            sl.roomId,
            sl.parity,
            sl.startsOn,
            sl.endsOn,
            ...ref,
          ]);
        for (const t of p.topics) topics.add([t.id, t.offeringId, t.ordinal, t.title, t.hours, ...ref]);
        for (const l of p.lessons) {
          if ((++lessonsDone & 1023) === 0) {
            ctx.checkCancelled();
            ctx.progress('lessons', lessonsDone, totalLessons);
          }
          const { lesson: f, marks } = fillLesson(fillRng, s, l, now, bells, loadTime);
          lessonRows.add([
            l.id,
            l.offering.id,
            l.date,
            l.pair,
            l.roomId,
            l.slotId,
            l.planTopic?.id ?? null,
            f.topic,
            f.conductedBy,
            l.status,
            l.origin,
            l.statusReason,
            l.movedFromId,
            f.completedAt,
            f.rowVersion,
            f.updatedAt,
            f.updatedBy,
          ]);
          marks.sort((a, b) => a.studentId - b.studentId);
          for (const m of marks)
            markRows.add([l.id, m.studentId, m.attendance, m.grade, m.version, m.at, f.updatedBy]);
        }
        const r = writeAssessments(
          assessRng,
          s,
          p.lessons,
          p.tt.offerings,
          p.sem,
          now,
          { assess, locks },
          { assessId },
          uuid,
        );
        assessId = r.assessId;
        for (const a of p.absences) {
          absRows.add([
            a.id,
            a.teacherId,
            a.startsOn,
            a.endsOn,
            null,
            a.reason,
            a.documentRef,
            accounts.headUserOf(a.teacherId),
            1,
            a.createdAt,
            accounts.headUserOf(a.teacherId),
          ]);
        }
        for (const sb of p.substitutions) {
          const by = accounts.headUserOf(sb.absentTeacherId);
          subRows.add([
            sb.id,
            sb.lessonId,
            sb.absenceId,
            sb.absentTeacherId,
            sb.substituteTeacherId,
            by,
            sb.assignedAt,
            null,
            1,
            sb.assignedAt,
            by,
          ]);
        }
      }
      ctx.progress('lessons', totalLessons, totalLessons);
      ctx.checkCancelled();
      done(offs, slots, topics, lessonRows, markRows, assess, locks, absRows, subRows);

      const metaRows = ins('meta', ['key', 'value']);
      const deviceId = uuid(now);
      const scope = scale === 'faculty' ? { kind: 'faculty', id: 1 } : { kind: 'university', id: null };
      for (const [k, v] of [
        [META.scope, JSON.stringify(scope)],
        [META.deviceId, deviceId],
        [META.demoNow, String(now)],
        [META.demoScale, scale],
        [META.demoSeed, String(seed)],
        [META.createdAt, String(now)],
      ] as const) {
        metaRows.add([k, v]);
      }
      done(metaRows);
      for (const [name, i] of Object.entries({
        offerings: offs,
        lessons: lessonRows,
        marks: markRows,
        students,
        teachers,
        groups,
        assessments: assess,
        locks,
        substitutions: subRows,
      }))
        counts[name] = i.count;
    })();

    ctx.progress('checking', 0, 1);
    const violations = sqlite.pragma('foreign_key_check') as unknown[];
    if (violations.length > 0)
      throw new Error(`demo generator wrote ${violations.length} rows with broken references`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.exec('ANALYZE');
    sqlite.pragma('journal_mode = WAL');
    sqlite.close();
    ctx.progress('checking', 1, 1);
    return { scale, today, now, rows, counts, seconds: (performance.now() - t0) / 1000 };
  });
}

type DemoAccounts = {
  head: number;
  teacher: number;
  curator: number;
  heads: Map<number, number>;
  curators: Map<number, number>;
  headUserOf: (teacherId: number) => number | null;
};

/**
 * Pick the teachers behind the demo accounts: the head of faculty 1's first department (who also
 * teaches), a teacher of faculty 1 who also substitutes for a colleague, and the curator of group 1.
 */
function chooseDemoAccounts(
  s: Structure,
  subs: ReadonlyArray<{ substituteTeacherId: number }>,
  offerings: readonly Offering[],
): DemoAccounts {
  const teaches = new Map<number, number>();
  for (const o of offerings) teaches.set(o.teacherId, (teaches.get(o.teacherId) ?? 0) + 1);
  const heads = new Map<number, number>();
  for (const d of s.departments) {
    const ranked = d.teacherIds
      .map((id) => s.teachers[id - 1])
      .filter((t) => teaches.has(t.id))
      .sort((a, b) => rankPosition(a) - rankPosition(b) || a.id - b.id);
    const head = ranked[0];
    if (head) heads.set(d.id, head.id);
  }
  const head = heads.get(1);
  if (!head) throw new Error('department 1 has no teacher');
  const substitutes = new Set(subs.map((x) => x.substituteTeacherId));
  const f1 = (t: Teacher) => {
    const d = s.departments[t.departmentId - 1];
    return d.facultyId === 1 && !d.general;
  };
  const candidates = s.teachers.filter((t) => t.id !== head && teaches.has(t.id) && f1(t));
  const teacher = (candidates.find((t) => substitutes.has(t.id)) ?? candidates[0])?.id;
  if (!teacher) throw new Error('faculty 1 has no teacher for the demo account');
  const curators = new Map<number, number>();
  const cRng = new Rng(7);
  for (const g of s.groups) {
    const pool = s.departments[g.departmentId - 1].teacherIds.filter((id) => id !== head && id !== teacher);
    if (pool.length > 0) curators.set(g.id, cRng.pick(pool));
  }
  const curator = curators.get(1);
  if (!curator) throw new Error('group 1 has no curator');
  const headByDept = heads;
  return {
    head,
    teacher,
    curator,
    heads,
    curators,
    headUserOf: (teacherId) => headByDept.get(s.teachers[teacherId - 1]?.departmentId ?? 0) ?? null,
  };
}

function rankPosition(t: Teacher): number {
  return ['professor', 'docent', 'senior_lecturer', 'lecturer', 'assistant'].indexOf(t.position);
}

/**
 * Module results (рубежный контроль, week 8) of lecture offerings, and for the short offerings the
 * intermediate results and — for most of them — the closing that locks their lessons (§4.3).
 */
function writeAssessments(
  rng: Rng,
  s: Structure,
  lessons: readonly Lesson[],
  offerings: readonly Offering[],
  sem: Semester,
  now: number,
  out: { assess: BulkInsert; locks: BulkInsert },
  ids: { assessId: number },
  uuid: (ms: number) => string,
): { assessId: number } {
  let { assessId } = ids;
  const byOffering = new Map<number, Lesson[]>();
  for (const l of lessons) {
    if (l.status !== 'scheduled') continue;
    const list = byOffering.get(l.offering.id) ?? [];
    list.push(l);
    byOffering.set(l.offering.id, list);
  }
  const week8 = addDays(sem.startsOn, 7 * 7 - (isoWeekday(sem.startsOn) - 1));
  const shortEnd = addDays(sem.startsOn, 7 * 8 - 1);
  const points = (ability: number) =>
    Math.max(0, Math.min(100, Math.round(((ability - 2) / 3) * 60 + 38 + (rng.next() - 0.5) * 30)));
  const ability = (studentId: number) => s.students[studentId - 1]?.ability ?? 3.5;
  const grade = (ability: number) => Math.max(2, Math.min(5, Math.round(ability + (rng.next() - 0.5) * 1.4)));
  for (const o of offerings) {
    const intervals = o.subgroup ? o.subgroup.members : o.group.enrolled;
    const teacherUser = o.teacherId;
    if (o.kind === 'lecture' && !o.short) {
      const at = (byOffering.get(o.id) ?? []).find((l) => l.date >= week8);
      if (at && bishkekInstant(at.date, '18:00') <= now) {
        const ts = bishkekInstant(at.date, '18:00') + rng.int(0, 3 * 3600) * 1000;
        for (const studentId of membersOn(intervals, at.date)) {
          const noShow = rng.chance(0.03);
          out.assess.add([
            ++assessId,
            o.id,
            studentId,
            'module',
            1,
            at.date,
            null,
            noShow ? null : points(ability(studentId)),
            null,
            noShow ? 'no_show' : null,
            1,
            ts,
            teacherUser,
          ]);
        }
      }
    }
    if (o.short) {
      let closedOn = addDays(shortEnd, rng.int(3, 8));
      while (isoWeekday(closedOn) === 7) closedOn = addDays(closedOn, 1);
      const closedAt = bishkekInstant(closedOn, '16:00') + rng.int(0, 7200) * 1000;
      if (closedAt > now) continue;
      const members = membersOn(intervals, closedOn);
      const close = rng.chance(0.85) || o.group.id === 1;
      members.forEach((studentId, i) => {
        if (!close && i === members.length - 1) return; // one result missing: the teacher cannot close yet
        const outcome = rng.chance(0.03) ? rng.pick(['no_show', 'not_admitted'] as const) : null;
        out.assess.add([
          ++assessId,
          o.id,
          studentId,
          'intermediate',
          1,
          closedOn,
          outcome ? null : grade(ability(studentId)),
          null,
          null,
          outcome,
          1,
          closedAt,
          teacherUser,
        ]);
      });
      if (close)
        out.locks.add([uuid(closedAt), o.id, closedOn, closedAt, teacherUser, 1, closedAt, teacherUser]);
    }
  }
  return { assessId };
}
