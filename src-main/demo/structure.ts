import { addDays, type IsoDate } from '../../src-shared/domain/time';
import { personName, type PersonName } from './names';
import type { Rng } from './rng';
import {
  FACULTIES,
  GENERAL_DEPARTMENTS,
  type DepartmentDef,
  type FacultyDef,
  type Field,
  type Pattern,
} from './university-data';

/** The three sizes of the demo university (issue: tests, the default faculty, the whole university). */
export const SCALES = ['tiny', 'faculty', 'university'] as const;
export type Scale = (typeof SCALES)[number];

type ScaleSpec = {
  faculties: string[];
  /** Groups per faculty, in the order of `faculties`. */
  groups: number[];
  students: [number, number];
  /** Speciality disciplines of each group, by pattern. */
  specA: number;
  specB: number;
  general: Array<'L' | 'PE' | 'C'>;
};

const SPECS: Record<Scale, ScaleSpec> = {
  tiny: {
    faculties: ['ФМИТ', 'ФИЛ'],
    groups: [3, 3],
    students: [9, 12],
    specA: 1,
    specB: 1,
    general: ['L', 'C', 'PE'],
  },
  faculty: {
    faculties: ['ФМИТ'],
    groups: [80],
    students: [22, 28],
    specA: 3,
    specB: 2,
    general: ['L', 'C', 'PE'],
  },
  university: {
    faculties: FACULTIES.map((f) => f.code),
    groups: [90, 90, 90, 60, 110, 90, 50, 80, 70, 70],
    students: [22, 28],
    specA: 3,
    specB: 2,
    general: ['L', 'C', 'PE'],
  },
};

export function scaleSpec(scale: Scale): ScaleSpec {
  return SPECS[scale];
}

export type Faculty = { id: number; def: FacultyDef };
export type Department = {
  id: number;
  facultyId: number;
  def: DepartmentDef;
  general: boolean;
  teacherIds: number[];
};
export type Discipline = {
  id: number;
  departmentId: number;
  ru: string;
  ky: string;
  pattern: Pattern;
  field: Field;
};
export type FillProfile = 'punctual' | 'late' | 'negligent';
export type Teacher = {
  id: number;
  name: PersonName;
  position: 'professor' | 'docent' | 'senior_lecturer' | 'lecturer' | 'assistant';
  departmentId: number;
  secondDepartmentId: number | null;
  profile: FillProfile;
  /** Weekly cells taught (odd and even weeks count half each). */
  load: number;
  /** Timetable occupancy per cell (weekday 1–6 × pair 1–5): bit 1 odd weeks, bit 2 even weeks. */
  busy: Uint8Array;
};
export type Interval = { studentId: number; from: IsoDate; to: IsoDate | null };
export type Subgroup = {
  id: number;
  groupId: number;
  kind: 'lab' | 'language';
  name: string;
  members: Interval[];
};
export type Group = {
  id: number;
  facultyId: number;
  departmentId: number;
  speciality: string;
  code: string;
  admissionYear: number;
  course: number;
  language: 'ru' | 'ky';
  curatorTeacherId: number | null;
  enrolled: Interval[];
  lab: [Subgroup, Subgroup];
  lang: [Subgroup, Subgroup];
  busy: Uint8Array;
};
export type Student = {
  id: number;
  name: PersonName;
  recordBookNo: string;
  birthDate: IsoDate;
  /** Chance of missing a lesson. */
  absenceRate: number;
  /** Mean grade the student earns (2.6–4.9). */
  ability: number;
};
export type Enrolment = {
  studentId: number;
  groupId: number;
  from: IsoDate;
  to: IsoDate | null;
  startReason: 'admission' | 'transfer_in' | 'reinstated';
  endReason: 'transfer_out' | 'expelled' | null;
};
export type SubgroupMembership = { studentId: number; subgroupId: number; from: IsoDate; to: IsoDate | null };

export type Structure = {
  faculties: Faculty[];
  departments: Department[];
  disciplines: Discipline[];
  teachers: Teacher[];
  groups: Group[];
  subgroups: Subgroup[];
  students: Student[];
  enrolments: Enrolment[];
  subgroupMemberships: SubgroupMembership[];
};

export const CELLS = 30; // 6 weekdays × 5 pairs
export const cellOf = (weekday: number, pair: number): number => (weekday - 1) * 5 + (pair - 1);

const POSITIONS: ReadonlyArray<readonly [Teacher['position'], number]> = [
  ['professor', 1],
  ['docent', 3],
  ['senior_lecturer', 4],
  ['lecturer', 4],
  ['assistant', 1],
];

/** Make a teacher of a department (also used when the timetable needs one more). */
export function newTeacher(s: Structure, rng: Rng, departmentId: number): Teacher {
  const t: Teacher = {
    id: s.teachers.length + 1,
    name: personName(rng, 0.75),
    position: rng.weighted(POSITIONS),
    departmentId,
    secondDepartmentId: null,
    profile: rng.weighted<FillProfile>([
      ['punctual', 72],
      ['late', 20],
      ['negligent', 8],
    ]),
    load: 0,
    busy: new Uint8Array(CELLS),
  };
  s.teachers.push(t);
  const dept = s.departments[departmentId - 1];
  if (!dept) throw new Error(`no department ${departmentId}`);
  dept.teacherIds.push(t.id);
  return t;
}

/**
 * Build the university's people and units: faculties, departments, disciplines, groups with their
 * subgroups and students, and the enrolment history of the year (admissions on the first day; a few
 * transfers, expulsions and late returns during the semester, before `now`).
 */
export function buildStructure(
  rng: Rng,
  scale: Scale,
  yearStart: IsoDate,
  semesterEnd: IsoDate,
  today: IsoDate,
): Structure {
  const spec = SPECS[scale];
  const s: Structure = {
    faculties: [],
    departments: [],
    disciplines: [],
    teachers: [],
    groups: [],
    subgroups: [],
    students: [],
    enrolments: [],
    subgroupMemberships: [],
  };
  const year = Number(yearStart.slice(0, 4));

  const addDepartment = (facultyId: number, def: DepartmentDef, general: boolean): Department => {
    const dept: Department = { id: s.departments.length + 1, facultyId, def, general, teacherIds: [] };
    s.departments.push(dept);
    for (const dd of def.disciplines) {
      s.disciplines.push({
        id: s.disciplines.length + 1,
        departmentId: dept.id,
        ru: dd.ru,
        ky: dd.ky,
        pattern: dd.pattern,
        field: def.field,
      });
    }
    return dept;
  };

  const chosen = spec.faculties.map((code) => {
    const def = FACULTIES.find((f) => f.code === code);
    if (!def) throw new Error(`unknown faculty ${code}`);
    return def;
  });
  for (const def of chosen) {
    const f: Faculty = { id: s.faculties.length + 1, def };
    s.faculties.push(f);
    for (const dd of def.departments) addDepartment(f.id, dd, false);
  }
  // General departments: at their host faculty when it is generated, else at the last faculty (so at
  // tiny scale faculty 2 teaches faculty 1's groups: a department's scope crosses faculties).
  const lastFaculty = s.faculties[s.faculties.length - 1];
  if (!lastFaculty) throw new Error('no faculties');
  for (const g of GENERAL_DEPARTMENTS) {
    const host = s.faculties.find((f) => f.def.code === g.host) ?? lastFaculty;
    addDepartment(host.id, g, true);
  }

  // Groups and students.
  const rngPeople = rng.fork(1);
  chosen.forEach((def, fi) => {
    const faculty = s.faculties[fi];
    const count = spec.groups[fi] ?? 0;
    const courses = def.kind === 'college' ? 3 : def.code === 'МФ' ? 5 : 4;
    const perSpecCourse = new Map<string, number>();
    for (let gi = 0; gi < count; gi++) {
      const sp = def.specialities[gi % def.specialities.length];
      if (!sp) throw new Error('faculty without specialities');
      const course = 1 + (Math.floor(gi / def.specialities.length) % courses);
      const key = `${sp.code}/${course}`;
      const n = (perSpecCourse.get(key) ?? 0) + 1;
      perSpecCourse.set(key, n);
      const admissionYear = year - course + 1;
      const dept = s.departments.find((d) => d.facultyId === faculty.id && d.def.code === sp.department);
      if (!dept) throw new Error(`no department ${sp.department}`);
      const groupId = s.groups.length + 1;
      const mkSub = (kind: 'lab' | 'language', name: string): Subgroup => {
        const sg: Subgroup = { id: s.subgroups.length + 1, groupId, kind, name, members: [] };
        s.subgroups.push(sg);
        return sg;
      };
      const lab: [Subgroup, Subgroup] = [mkSub('lab', '1'), mkSub('lab', '2')];
      const lang: [Subgroup, Subgroup] = [mkSub('language', 'A'), mkSub('language', 'B')];
      const g: Group = {
        id: groupId,
        facultyId: faculty.id,
        departmentId: dept.id,
        speciality: sp.code,
        code: `${sp.code}-${n}-${String(admissionYear % 100).padStart(2, '0')}`,
        admissionYear,
        course,
        language: rngPeople.chance(def.kyGroups) ? 'ky' : 'ru',
        curatorTeacherId: null,
        enrolled: [],
        lab,
        lang,
        busy: new Uint8Array(CELLS),
      };
      s.groups.push(g);
      const size = rngPeople.int(spec.students[0], spec.students[1]);
      for (let k = 0; k < size; k++) {
        const st = newStudent(s, rngPeople, g, admissionYear, g.language === 'ky' ? 0.85 : 0.55);
        enrol(s, st.id, g, k < size / 2 ? 0 : 1, rngPeople.chance(0.5) ? 0 : 1, yearStart, null, 'admission');
      }
    }
  });

  // Movements during the semester, all before today: transfers within a faculty and course,
  // expulsions, and students returning from academic leave.
  const rngMove = rng.fork(2);
  const lastMoveDay = addDays(today, -2) < semesterEnd ? addDays(today, -2) : semesterEnd;
  const moveFrom = addDays(yearStart, 21);
  if (lastMoveDay > moveFrom) {
    const span = (Date.parse(lastMoveDay) - Date.parse(moveFrom)) / 86_400_000;
    const moveDay = () => addDays(moveFrom, rngMove.int(0, Math.max(0, Math.floor(span))));
    const initial = s.enrolments.slice();
    for (const e of initial) {
      if (e.to !== null) continue;
      const from = s.groups[e.groupId - 1];
      const roll = rngMove.next();
      if (roll < 0.012) {
        const targets = s.groups.filter(
          (g) => g.facultyId === from.facultyId && g.course === from.course && g.id !== from.id,
        );
        if (targets.length === 0) continue;
        const to = rngMove.pick(targets);
        const day = moveDay();
        leave(s, e, from, addDays(day, -1), 'transfer_out');
        enrol(s, e.studentId, to, rngMove.int(0, 1), rngMove.int(0, 1), day, null, 'transfer_in');
      } else if (roll < 0.018) {
        leave(s, e, from, moveDay(), 'expelled');
      }
    }
    // Returning students: enrolled from a later day.
    for (const g of s.groups) {
      if (!rngMove.chance(scale === 'tiny' ? 1 : 0.25)) continue;
      const st = newStudent(s, rngMove, g, g.admissionYear - 1, 0.8);
      enrol(s, st.id, g, rngMove.int(0, 1), rngMove.int(0, 1), moveDay(), null, 'reinstated');
      if (scale === 'tiny') break;
    }
  }
  return s;
}

function newStudent(s: Structure, rng: Rng, g: Group, admissionYear: number, kyrgyzShare: number): Student {
  const id = s.students.length + 1;
  const st: Student = {
    id,
    name: personName(rng, kyrgyzShare),
    recordBookNo: `${String(admissionYear % 100).padStart(2, '0')}${String(g.facultyId).padStart(2, '0')}-${String(id).padStart(5, '0')}`,
    birthDate: `${admissionYear - rng.int(17, 19)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
    absenceRate: rng.weighted<number>([
      [0.03, 50],
      [0.08, 30],
      [0.18, 15],
      [0.35, 5],
    ]),
    ability: 2.6 + rng.next() * 2.3,
  };
  s.students.push(st);
  return st;
}

function enrol(
  s: Structure,
  studentId: number,
  g: Group,
  labIndex: number,
  langIndex: number,
  from: IsoDate,
  to: IsoDate | null,
  startReason: Enrolment['startReason'],
): void {
  s.enrolments.push({ studentId, groupId: g.id, from, to, startReason, endReason: null });
  g.enrolled.push({ studentId, from, to });
  for (const sg of [g.lab[labIndex], g.lang[langIndex]]) {
    sg.members.push({ studentId, from, to });
    s.subgroupMemberships.push({ studentId, subgroupId: sg.id, from, to });
  }
}

function leave(
  s: Structure,
  e: Enrolment,
  g: Group,
  lastDay: IsoDate,
  reason: 'transfer_out' | 'expelled',
): void {
  e.to = lastDay;
  e.endReason = reason;
  for (const iv of g.enrolled) if (iv.studentId === e.studentId && iv.to === null) iv.to = lastDay;
  for (const sg of [...g.lab, ...g.lang]) {
    for (const iv of sg.members) if (iv.studentId === e.studentId && iv.to === null) iv.to = lastDay;
  }
  for (const m of s.subgroupMemberships) {
    if (m.studentId === e.studentId && m.to === null && s.subgroups[m.subgroupId - 1].groupId === g.id)
      m.to = lastDay;
  }
}
