import { studentTotals, type Attendance, type Grade } from './journal';

/**
 * The printed semester journal (regulation §1.7, §2.6, §5.4–5.7) as data: exactly what goes on paper,
 * in a canonical text form whose digest is the verification code printed on every page. Anything that
 * changes a printed cell, topic, name or result changes the code; nothing else does.
 */

export type PrintedStudent = { id: number; name: string; recordBookNo: string };
export type PrintedLesson = {
  id: number;
  date: string;
  pair: number;
  topic: string;
  hours: number;
  conductedBy: string;
  /** Conducted by a substitute (§3.4), marked on the lessons page. */
  substitute: boolean;
};
export type PrintedMark = {
  lessonId: number;
  studentId: number;
  attendance: Attendance;
  grade: Grade | null;
};
export type PrintedResult = { studentId: number; kind: string; text: string };

export type PrintedJournal = {
  offeringId: number;
  subgroup: string | null;
  university: string;
  faculty: string;
  department: string;
  group: string;
  discipline: string;
  kind: string;
  teacher: string;
  head: string;
  dean: string;
  semester: string;
  year: string;
  plannedHours: number;
  students: PrintedStudent[];
  lessons: PrintedLesson[];
  marks: PrintedMark[];
  results: PrintedResult[];
};

/** What a cell shows on paper: +, нб, нб(у), or the grade of a present student; empty when not recorded. */
export function cellText(m: { attendance: Attendance; grade: Grade | null } | undefined): string {
  if (!m) return '';
  if (m.attendance === 'a') return 'нб';
  if (m.attendance === 'e') return 'нб(у)';
  return m.grade === null ? '+' : String(m.grade);
}

/** Per-student totals as printed: absences, excused, mean grade with one decimal (or —). */
export function printedTotals(
  j: PrintedJournal,
): Map<number, { absent: number; excused: number; mean: string }> {
  const byStudent = new Map<number, PrintedMark[]>();
  for (const m of j.marks) {
    const list = byStudent.get(m.studentId);
    if (list) list.push(m);
    else byStudent.set(m.studentId, [m]);
  }
  const out = new Map<number, { absent: number; excused: number; mean: string }>();
  for (const s of j.students) {
    const t = studentTotals(byStudent.get(s.id) ?? []);
    out.set(s.id, {
      absent: t.absent,
      excused: t.excused,
      mean: t.average === null ? '—' : t.average.toFixed(1).replace('.', ','),
    });
  }
  return out;
}

/** The marks of a journal by lesson and student, without a string key per cell. */
export function markIndex(
  marks: readonly PrintedMark[],
): (lessonId: number, studentId: number) => PrintedMark | undefined {
  const byLesson = new Map<number, Map<number, PrintedMark>>();
  for (const m of marks) {
    let row = byLesson.get(m.lessonId);
    if (!row) byLesson.set(m.lessonId, (row = new Map<number, PrintedMark>()));
    row.set(m.studentId, m);
  }
  return (lessonId, studentId) => byLesson.get(lessonId)?.get(studentId);
}

const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\|/g, '\\|');

/**
 * The canonical text of a printed journal: one line per printed fact, in a fixed order (header fields,
 * students by row, lessons by column, non-empty cells by lesson then student, totals, results). Its
 * digest is the verification code; a verifier rebuilds it from the replica and compares line by line.
 */
export function canonicalLines(j: PrintedJournal): string[] {
  const lines = [
    'avn-journal|1',
    `offering|${j.offeringId}|${esc(j.subgroup ?? '')}`,
    `head|${esc(j.university)}|${esc(j.faculty)}|${esc(j.department)}|${esc(j.group)}`,
    `course|${esc(j.discipline)}|${esc(j.kind)}|${esc(j.teacher)}|${esc(j.semester)}|${esc(j.year)}|${j.plannedHours}`,
    `signers|${esc(j.head)}|${esc(j.dean)}`,
  ];
  for (const s of j.students) lines.push(`student|${s.id}|${esc(s.name)}|${esc(s.recordBookNo)}`);
  for (const l of j.lessons)
    lines.push(
      `lesson|${l.id}|${l.date}|${l.pair}|${l.hours}|${esc(l.topic)}|${esc(l.conductedBy)}|${l.substitute ? 1 : 0}`,
    );
  const markAt = markIndex(j.marks);
  for (const l of j.lessons)
    for (const s of j.students) {
      const text = cellText(markAt(l.id, s.id));
      if (text) lines.push(`cell|${l.id}|${s.id}|${text}`);
    }
  const totals = printedTotals(j);
  for (const s of j.students) {
    const t = totals.get(s.id);
    if (t) lines.push(`total|${s.id}|${t.absent}|${t.excused}|${t.mean}`);
  }
  for (const r of j.results) lines.push(`result|${r.studentId}|${esc(r.kind)}|${esc(r.text)}`);
  return lines;
}

/** Crockford's base32 (no I, L, O, U: nothing to misread on paper). */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The verification code from a digest: its first 60 bits as 12 base32 characters, XXXX-XXXX-XXXX. */
export function verificationCode(digest: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 12) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length >= 12) break;
  }
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}`;
}

/** A code as typed by a person: case, spaces and the letters people confuse with digits forgiven. */
export function normalizeCode(typed: string): string | null {
  const s = typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(s)) return null;
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
}

/** The text of the QR code on the paper: what to verify and the code. */
export function qrText(docNumber: string, code: string): string {
  return `AVN-JOURNAL ${docNumber} ${code}`;
}
