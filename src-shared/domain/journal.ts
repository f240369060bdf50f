/**
 * The journal's vocabulary (DOMAIN.md, Glossary and Results; regulation §3.4): lesson kinds, the
 * attendance codes and grades of a mark, lesson statuses and assessment kinds. Stored values are these
 * codes; people see them through the catalogues.
 */

export const LESSON_KINDS = ['lecture', 'practice', 'lab', 'self_study'] as const;
/** Вид занятия. Self-study (СРС) offerings have no timetabled lessons. */
export type LessonKind = (typeof LESSON_KINDS)[number];

/** Attendance of one student at one lesson: present, `нб` (absent), `нб(у)` (absent, excused). */
export const ATTENDANCE = ['p', 'a', 'e'] as const;
export type Attendance = (typeof ATTENDANCE)[number];

/** A lesson grade on the five-point scale (§3.4: "5", "4", "3", "2"). */
export const GRADES = [2, 3, 4, 5] as const;
export type Grade = (typeof GRADES)[number];

/**
 * A lesson row's status. Lessons are generated from the timetable and then edited: `cancelled` and
 * `moved` lessons are not due on their date (a moved lesson has a new row with origin `moved`).
 */
export const LESSON_STATUSES = ['scheduled', 'cancelled', 'moved'] as const;
export type LessonStatus = (typeof LESSON_STATUSES)[number];

/** Where a lesson row came from. */
export const LESSON_ORIGINS = ['timetable', 'extra', 'moved'] as const;
export type LessonOrigin = (typeof LESSON_ORIGINS)[number];

/** Week parity of a timetable slot (числитель/знаменатель). */
export const PARITIES = ['all', 'odd', 'even'] as const;
export type Parity = (typeof PARITIES)[number];

/** Assessment kinds (§2.4): current, module (рубежный контроль), intermediate, final exam. */
export const ASSESSMENT_KINDS = ['current', 'module', 'intermediate', 'exam'] as const;
export type AssessmentKind = (typeof ASSESSMENT_KINDS)[number];

/** Outcomes of an assessment that count as failing. */
export const ASSESSMENT_OUTCOMES = ['no_show', 'not_admitted'] as const;
export type AssessmentOutcome = (typeof ASSESSMENT_OUTCOMES)[number];

/** Reasons for a teacher's absence. */
export const ABSENCE_REASONS = ['illness', 'business_trip', 'training', 'other'] as const;
export type AbsenceReason = (typeof ABSENCE_REASONS)[number];

/** Per-student totals of a journal: absences, excused absences, mean of grades (DOMAIN.md, Results). */
export type StudentTotals = {
  absent: number;
  excused: number;
  present: number;
  gradeCount: number;
  average: number | null;
};

/** Totals of one student's marks. */
export function studentTotals(
  marks: ReadonlyArray<{ attendance: Attendance; grade: Grade | null }>,
): StudentTotals {
  let absent = 0;
  let excused = 0;
  let present = 0;
  let sum = 0;
  let gradeCount = 0;
  for (const m of marks) {
    if (m.attendance === 'a') absent++;
    else if (m.attendance === 'e') excused++;
    else present++;
    if (m.grade !== null) {
      sum += m.grade;
      gradeCount++;
    }
  }
  return { absent, excused, present, gradeCount, average: gradeCount ? sum / gradeCount : null };
}
