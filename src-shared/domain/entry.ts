import type { Attendance, Grade } from './journal';

/**
 * Journal entry as a teacher types or pastes it (DOMAIN.md, Results; §3.4): the notation of the paper
 * journal — `+` present, `нб` absent, `нб(у)` excused, 5/4/3/2 a grade of a present student — read
 * from text. The entry screen and its tests share these rules.
 */

/** What a cell holds; null in an edit clears the cell (attendance not recorded). */
export type MarkValue = { attendance: Attendance; grade: Grade | null };

const ABSENT = new Set(['н', 'нб', 'н/б', 'нб.']);
const EXCUSED = new Set(['у', 'нбу', 'нб(у)', 'нб/у', 'н/б(у)', 'ув', 'ув.']);

/**
 * The mark a piece of text means: `+`; `н`, `нб` (absent); `у`, `нб(у)` (excused); `5` `4` `3` `2`
 * (present with that grade); empty clears. Case and spaces do not matter. 'invalid' for anything else.
 */
export function parseMark(text: string): MarkValue | null | 'invalid' {
  const s = text.toLocaleLowerCase('ru').replace(/\s+/g, '');
  if (s === '') return null;
  if (s === '+') return { attendance: 'p', grade: null };
  if (ABSENT.has(s)) return { attendance: 'a', grade: null };
  if (EXCUSED.has(s)) return { attendance: 'e', grade: null };
  if (s === '5' || s === '4' || s === '3' || s === '2') return { attendance: 'p', grade: Number(s) as Grade };
  return 'invalid';
}

/** Whether two cell values are the same (null: no mark). */
export function sameMark(a: MarkValue | null | undefined, b: MarkValue | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.attendance === b.attendance && a.grade === b.grade;
}

/**
 * Text copied from a spreadsheet (Excel, LibreOffice, Google Sheets): rows by line, cells by tab. The
 * line break a spreadsheet puts after the last row is not a row.
 */
export function parsePaste(text: string): string[][] {
  const rows = text.replace(/\r\n?/g, '\n').split('\n');
  if (rows.length > 1 && rows[rows.length - 1] === '') rows.pop();
  return rows.map((r) => r.split('\t'));
}

/** Characters that begin a mark when typed into a cell. */
export function startsMark(ch: string): boolean {
  return /^[+нНуУ2-5]$/.test(ch);
}

/**
 * The physical keys of `н` and `у` on the Russian and Kyrgyz layouts (ЙЦУКЕН: Y and E), so a teacher
 * whose keyboard is switched to English still types them. Other keys keep their character.
 */
export function layoutChar(key: string, code: string): string {
  if (/^[a-z]$/i.test(key)) {
    if (code === 'KeyY') return key === key.toUpperCase() ? 'Н' : 'н';
    if (code === 'KeyE') return key === key.toUpperCase() ? 'У' : 'у';
  }
  return key;
}
