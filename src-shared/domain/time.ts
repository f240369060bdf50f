/**
 * Time in the university's zone. Asia/Bishkek is UTC+6 all year (no DST since 2005), so local dates are
 * computed by offset arithmetic: no Intl, no time-zone database, identical in Node and Chromium.
 * Dates travel as ISO strings 'YYYY-MM-DD' (a local Bishkek date); instants as epoch milliseconds.
 */

/** Asia/Bishkek offset from UTC in milliseconds. */
export const BISHKEK_OFFSET_MS = 6 * 3600_000;
const DAY_MS = 86_400_000;

/** An ISO calendar date, 'YYYY-MM-DD'. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is a real calendar date in 'YYYY-MM-DD' form. */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** Days since 1970-01-01 of a calendar date (no zone involved). */
export function dayNumber(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not an ISO date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

/** The calendar date of a day number. */
export function fromDayNumber(n: number): IsoDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** `date` moved by `days` (may be negative). */
export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return dayNumber(b) - dayNumber(a);
}

/** ISO weekday: Monday = 1 … Sunday = 7. */
export function isoWeekday(date: IsoDate): number {
  const d = (dayNumber(date) + 3) % 7; // 1970-01-01 was a Thursday (ISO 4)
  return (d < 0 ? d + 7 : d) + 1;
}

/** The Bishkek calendar date of an instant. */
export function bishkekDate(ms: number): IsoDate {
  return new Date(ms + BISHKEK_OFFSET_MS).toISOString().slice(0, 10);
}

/** The Bishkek wall time 'HH:MM' of an instant. */
export function bishkekTime(ms: number): string {
  return new Date(ms + BISHKEK_OFFSET_MS).toISOString().slice(11, 16);
}

/** The instant of a Bishkek wall time ('HH:MM' or 'HH:MM:SS') on a date. */
export function bishkekInstant(date: IsoDate, time: string): number {
  const [h = 0, m = 0, s = 0] = time.split(':').map(Number);
  return dayNumber(date) * DAY_MS + ((h * 60 + m) * 60 + s) * 1000 - BISHKEK_OFFSET_MS;
}

/** The first instant after the Bishkek day `date` ends (its next midnight). */
export function endOfBishkekDay(date: IsoDate): number {
  return bishkekInstant(addDays(date, 1), '00:00');
}

/** An instant written as Bishkek local time with its offset, e.g. 2026-11-26T13:30:00+06:00. */
export function formatBishkekInstant(ms: number): string {
  return new Date(ms + BISHKEK_OFFSET_MS).toISOString().slice(0, 19) + '+06:00';
}

/** An instant as people read it on screens and paper: Bishkek local 'YYYY-MM-DD HH:MM'. */
export function formatBishkekStamp(ms: number): string {
  return formatBishkekInstant(ms).slice(0, 16).replace('T', ' ');
}

/** An ISO week: the Monday–Sunday week numbered by ISO 8601. */
export type IsoWeek = { year: number; week: number };

/** The ISO week of a date (the week containing its Thursday decides the year). */
export function isoWeekOf(date: IsoDate): IsoWeek {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const jan1 = dayNumber(`${year}-01-01`);
  return { year, week: Math.floor((dayNumber(thursday) - jan1) / 7) + 1 };
}

/** '2026-W47' for an ISO week. */
export function formatIsoWeek(w: IsoWeek): string {
  return `${w.year}-W${String(w.week).padStart(2, '0')}`;
}

/** The Monday and Sunday of an ISO week given as '2026-W47'; null when malformed or out of range. */
export function isoWeekRange(s: string): { from: IsoDate; to: IsoDate } | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(s);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  const jan4 = `${year}-01-04`;
  const monday1 = addDays(jan4, 1 - isoWeekday(jan4));
  const from = addDays(monday1, (week - 1) * 7);
  if (week < 1 || isoWeekOf(from).year !== year) return null;
  return { from, to: addDays(from, 6) };
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let n = dayNumber(from), end = dayNumber(to); n <= end; n++) out.push(fromDayNumber(n));
  return out;
}

/**
 * Week parity (числитель/знаменатель) of a date in a semester: week 1 is the week containing the
 * semester's first day and is odd (DOMAIN.md, Time units).
 */
export function weekParity(date: IsoDate, semesterStart: IsoDate): 'odd' | 'even' {
  return semesterWeek(date, semesterStart) % 2 === 1 ? 'odd' : 'even';
}

/** The teaching week number of a date, counting the week of `semesterStart` as week 1. */
export function semesterWeek(date: IsoDate, semesterStart: IsoDate): number {
  const monday0 = dayNumber(semesterStart) - (isoWeekday(semesterStart) - 1);
  return Math.floor((dayNumber(date) - monday0) / 7) + 1;
}
