import type { LessonKind, Parity } from '../../src-shared/domain/journal';
import { addDays, type IsoDate } from '../../src-shared/domain/time';
import type { Rng } from './rng';
import {
  CELLS,
  newTeacher,
  type Discipline,
  type Group,
  type Structure,
  type Subgroup,
  type Teacher,
} from './structure';
import type { Pattern } from './university-data';

export type Offering = {
  id: number;
  semesterId: number;
  discipline: Discipline;
  departmentId: number;
  teacherId: number;
  group: Group;
  subgroup: Subgroup | null;
  kind: LessonKind;
  /** Taught only in the first half of the semester (these get closed and locked early). */
  short: boolean;
  slots: Slot[];
};
export type Slot = {
  id: number;
  offeringId: number;
  weekday: number;
  pair: number;
  roomId: number;
  parity: Parity;
  startsOn: IsoDate;
  endsOn: IsoDate;
};
export type Room = { id: number; code: string; building: string; capacity: number; busy: Uint8Array };
export type Timetable = { offerings: Offering[]; slots: Slot[]; rooms: Room[] };

type Semester = { id: number; number: number; startsOn: IsoDate; endsOn: IsoDate };

const MAX_LOAD = 18;
const PARITY_BITS: Record<Parity, number> = { all: 3, odd: 1, even: 2 };

/** One teacher-room use of a cell by an offering. */
type Use = { offering: Offering; parity: Parity; prefer?: Offering };

/**
 * Build the semester's teaching load and a conflict-free timetable: no group, teacher or room is in
 * two places at one pair of one week parity. Teachers are taken from the discipline's department;
 * when all are busy the department gets one more (this is how the demo's staff numbers emerge).
 */
export function buildTimetable(
  rng: Rng,
  s: Structure,
  semester: Semester,
  spec: { specA: number; specB: number; general: Array<'L' | 'PE' | 'C'> },
  state: { offeringId: number; slotId: number; rooms: Room[] },
): Timetable {
  const offerings: Offering[] = [];
  const slots: Slot[] = [];
  const rooms = state.rooms;
  const shortEnd = addDays(semester.startsOn, 7 * 8 - 1);
  const generalByPattern = (p: Pattern, course: number): Discipline => {
    const list = s.disciplines.filter((d) => d.pattern === p && s.departments[d.departmentId - 1]?.general);
    const pick = p === 'C' ? list[Math.min(list.length - 1, course - 1 + (semester.number - 1))] : list[0];
    if (!pick) throw new Error(`no general discipline of pattern ${p}`);
    return pick;
  };

  const mk = (
    discipline: Discipline,
    group: Group,
    subgroup: Subgroup | null,
    kind: LessonKind,
    short: boolean,
  ): Offering => {
    const o: Offering = {
      id: ++state.offeringId,
      semesterId: semester.id,
      discipline,
      departmentId: discipline.departmentId,
      teacherId: 0,
      group,
      subgroup,
      kind,
      short,
      slots: [],
    };
    offerings.push(o);
    return o;
  };

  const roomFree = (room: Room, cell: number, bits: number) => (room.busy[cell] & bits) === 0;
  const teacherFree = (t: Teacher, cell: number, bits: number) =>
    (t.busy[cell] & bits) === 0 && t.load < MAX_LOAD;

  /** Try to place all uses in one cell; commits and returns true on success. */
  const tryCell = (group: Group, cell: number, uses: Use[]): boolean => {
    const chosenTeachers: Teacher[] = [];
    const chosenRooms: Room[] = [];
    for (const u of uses) {
      const bits = PARITY_BITS[u.parity];
      let teacher: Teacher | undefined;
      if (u.offering.teacherId) {
        const t = s.teachers[u.offering.teacherId - 1];
        if ((t.busy[cell] & bits) !== 0 || chosenTeachers.includes(t)) return false;
        teacher = t;
      } else {
        const preferred = u.prefer?.teacherId ? s.teachers[u.prefer.teacherId - 1] : undefined;
        if (preferred && teacherFree(preferred, cell, bits) && !chosenTeachers.includes(preferred)) {
          teacher = preferred;
        } else {
          const dept = s.departments[u.offering.departmentId - 1];
          let best: Teacher | undefined;
          for (const id of dept.teacherIds) {
            const t = s.teachers[id - 1];
            if (!teacherFree(t, cell, bits) || chosenTeachers.includes(t)) continue;
            if (!best || t.load < best.load) best = t;
          }
          teacher = best;
        }
      }
      if (!teacher) return false;
      const start = rng.int(0, rooms.length - 1);
      let room: Room | undefined;
      for (let k = 0; k < rooms.length; k++) {
        const r = rooms[(start + k) % rooms.length];
        if (roomFree(r, cell, bits) && !chosenRooms.includes(r)) {
          room = r;
          break;
        }
      }
      if (!room) return false;
      chosenTeachers.push(teacher);
      chosenRooms.push(room);
    }
    uses.forEach((u, i) => {
      const t = chosenTeachers[i];
      const r = chosenRooms[i];
      const bits = PARITY_BITS[u.parity];
      u.offering.teacherId = t.id;
      t.busy[cell] |= bits;
      t.load += u.parity === 'all' ? 1 : 0.5;
      r.busy[cell] |= bits;
      group.busy[cell] |= bits;
      const slot: Slot = {
        id: ++state.slotId,
        offeringId: u.offering.id,
        weekday: Math.floor(cell / 5) + 1,
        pair: (cell % 5) + 1,
        roomId: r.id,
        parity: u.parity,
        startsOn: semester.startsOn,
        endsOn: u.offering.short ? shortEnd : semester.endsOn,
      };
      u.offering.slots.push(slot);
      slots.push(slot);
    });
    return true;
  };

  /** Try every free cell of the group once, best first; true when the uses were placed. */
  const placeOnce = (group: Group, uses: Use[]): boolean => {
    const bitsNeeded = uses.reduce((b, u) => b | PARITY_BITS[u.parity], 0);
    const perDay = [0, 0, 0, 0, 0, 0];
    for (let c = 0; c < CELLS; c++) if (group.busy[c]) perDay[Math.floor(c / 5)]++;
    const cells: Array<[number, number]> = [];
    for (let c = 0; c < CELLS; c++) {
      if ((group.busy[c] & bitsNeeded) !== 0) continue;
      const pair = (c % 5) + 1;
      const score = (pair <= 3 ? 0 : pair === 4 ? 1.5 : 4) + perDay[Math.floor(c / 5)] * 1.2 + rng.next();
      cells.push([c, score]);
    }
    cells.sort((a, b) => a[1] - b[1]);
    for (const [c] of cells) if (tryCell(group, c, uses)) return true;
    return false;
  };

  const place = (group: Group, uses: Use[]): void => {
    for (let attempt = 0; attempt < 40; attempt++) {
      if (placeOnce(group, uses)) return;
      // Nothing fits: the department hires, or the university opens a room.
      for (const u of uses) if (!u.offering.teacherId) newTeacher(s, rng, u.offering.departmentId);
      if (attempt % 3 === 2) rooms.push(newRoom(rooms, rng));
    }
    throw new Error(`cannot place ${uses[0]?.offering.discipline.ru} for ${group.code}`);
  };

  for (const group of rng.shuffle(s.groups)) {
    const own = s.disciplines.filter((d) => {
      const dept = s.departments[d.departmentId - 1];
      return !dept.general && dept.facultyId === group.facultyId;
    });
    const pickSpec = (p: Pattern, n: number): Discipline[] => {
      const pool = rng.shuffle(own.filter((d) => d.pattern === p));
      pool.sort(
        (a, b) =>
          Number(b.departmentId === group.departmentId) - Number(a.departmentId === group.departmentId),
      );
      return pool.slice(0, n);
    };
    let specA = pickSpec('A', spec.specA);
    let specB = pickSpec('B', spec.specB);
    if (specB.length < spec.specB)
      specA = specA.concat(pickSpec('A', spec.specA + spec.specB - specB.length).slice(specA.length));
    if (specA.length < spec.specA)
      specB = specB.concat(pickSpec('B', spec.specA + spec.specB - specA.length).slice(specB.length));

    let srsDone = false;
    for (const [i, d] of specA.entries()) {
      // Group 1's first discipline is always a short one, so every demo has a locked journal to show.
      const short = rng.chance(0.07) || (group.id === 1 && i === 0);
      const lec = mk(d, group, null, 'lecture', short);
      const pr = mk(d, group, null, 'practice', short);
      place(group, [{ offering: lec, parity: 'all' }]);
      place(group, [{ offering: pr, parity: 'all', prefer: rng.chance(0.7) ? lec : undefined }]);
      if (!srsDone) {
        const srs = mk(d, group, null, 'self_study', short);
        srs.teacherId = lec.teacherId;
        srsDone = true;
      }
    }
    for (const d of specB) {
      const lec = mk(d, group, null, 'lecture', false);
      place(group, [{ offering: lec, parity: 'all' }]);
      const lab1 = mk(d, group, group.lab[0], 'lab', false);
      const lab2 = mk(d, group, group.lab[1], 'lab', false);
      place(group, [
        { offering: lab1, parity: 'all', prefer: lec },
        { offering: lab2, parity: 'all' },
      ]);
    }
    for (const g of spec.general) {
      const d = generalByPattern(g, group.course);
      if (g === 'L') {
        const a = mk(d, group, group.lang[0], 'practice', false);
        const b = mk(d, group, group.lang[1], 'practice', false);
        place(group, [
          { offering: a, parity: 'all' },
          { offering: b, parity: 'all' },
        ]);
        // The second weekly pair: both subgroups at once if their teachers share a free cell, else apart.
        if (
          !placeOnce(group, [
            { offering: a, parity: 'all' },
            { offering: b, parity: 'all' },
          ])
        ) {
          place(group, [{ offering: a, parity: 'all' }]);
          place(group, [{ offering: b, parity: 'all' }]);
        }
      } else if (g === 'PE') {
        place(group, [{ offering: mk(d, group, null, 'practice', false), parity: 'all' }]);
      } else {
        const lec = mk(d, group, null, 'lecture', false);
        const pr = mk(d, group, null, 'practice', false);
        place(group, [
          { offering: lec, parity: 'odd' },
          { offering: pr, parity: 'even', prefer: rng.chance(0.6) ? lec : undefined },
        ]);
      }
    }
  }
  offerings.sort((a, b) => a.id - b.id);
  slots.sort((a, b) => a.id - b.id);
  return { offerings, slots, rooms };
}

/** Rooms for a number of groups (each group uses about half of the week's cells). */
export function initialRooms(rng: Rng, groups: number): Room[] {
  const rooms: Room[] = [];
  const n = Math.ceil((groups * 14) / CELLS) + 3;
  for (let i = 0; i < n; i++) rooms.push(newRoom(rooms, rng));
  return rooms;
}

function newRoom(rooms: Room[], rng: Rng): Room {
  const id = rooms.length + 1;
  const buildings = ['А', 'Б', 'В', 'Г', 'Д'];
  const building = buildings[(id - 1) % buildings.length];
  const number =
    100 * (1 + (Math.floor((id - 1) / buildings.length) % 4)) +
    1 +
    Math.floor((id - 1) / (buildings.length * 4));
  return {
    id,
    code: `${building}-${number}`,
    building,
    capacity: rng.pick([16, 24, 30, 30, 60, 90]),
    busy: new Uint8Array(CELLS),
  };
}
