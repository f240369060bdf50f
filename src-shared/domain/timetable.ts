import type { Parity } from './journal';
import { addDays, isoWeekday, weekParity, type IsoDate } from './time';

/**
 * The timetable's rules (DOMAIN.md, Due lessons and Time units): which dates a slot gives lessons on,
 * and who belongs to a group or subgroup on a date. The semester's lesson rows are generated with them,
 * and the control counts students with them.
 */

/** What dating a slot needs: ISO weekday (Monday = 1), week parity, and its date range. */
export type SlotDating = { weekday: number; parity: Parity; startsOn: IsoDate; endsOn: IsoDate };

/**
 * The dates of a timetable slot: every week's `weekday` within its range whose week parity matches
 * (week 1 of the semester is odd), minus the non-teaching days of the university calendar.
 */
export function slotDates(
  slot: SlotDating,
  semesterStart: IsoDate,
  nonTeaching: ReadonlySet<IsoDate>,
): IsoDate[] {
  const out: IsoDate[] = [];
  const first = addDays(slot.startsOn, (slot.weekday - isoWeekday(slot.startsOn) + 7) % 7);
  for (let d = first; d <= slot.endsOn; d = addDays(d, 7)) {
    if (nonTeaching.has(d)) continue;
    if (slot.parity !== 'all' && weekParity(d, semesterStart) !== slot.parity) continue;
    out.push(d);
  }
  return out;
}

/** A stretch of membership in a group or subgroup; both ends included, `to` null while it lasts. */
export type Membership = { studentId: number; from: IsoDate; to: IsoDate | null };

/** Members on a date (a transfer or expulsion ends one stretch; past journals keep their members). */
export function membersOn(intervals: readonly Membership[], date: IsoDate): number[] {
  const out: number[] = [];
  for (const iv of intervals)
    if (iv.from <= date && (iv.to === null || iv.to >= date)) out.push(iv.studentId);
  return out;
}
