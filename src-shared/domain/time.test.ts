import { describe, expect, it } from 'vitest';
import {
  addDays,
  bishkekDate,
  bishkekInstant,
  bishkekTime,
  endOfBishkekDay,
  formatIsoWeek,
  isIsoDate,
  isoWeekday,
  isoWeekOf,
  isoWeekRange,
  semesterWeek,
  weekParity,
} from './time';

describe('Bishkek time', () => {
  it('is UTC+6 all year: 23:59 and 00:01 local fall on different days', () => {
    const late = bishkekInstant('2026-11-23', '23:59');
    const early = bishkekInstant('2026-11-24', '00:01');
    expect(new Date(late).toISOString()).toBe('2026-11-23T17:59:00.000Z');
    expect(bishkekDate(late)).toBe('2026-11-23');
    expect(bishkekDate(early)).toBe('2026-11-24');
    expect(bishkekTime(early)).toBe('00:01');
    expect(late < endOfBishkekDay('2026-11-23')).toBe(true);
    expect(early >= endOfBishkekDay('2026-11-23')).toBe(true);
    // No DST: a summer date has the same offset.
    expect(new Date(bishkekInstant('2027-06-15', '12:00')).toISOString()).toBe('2027-06-15T06:00:00.000Z');
  });

  it('validates calendar dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('26-11-2026')).toBe(false);
  });

  it('knows weekdays and moves dates across months and years', () => {
    expect(isoWeekday('2026-11-26')).toBe(4); // Thursday
    expect(isoWeekday('2026-11-29')).toBe(7);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('ISO weeks', () => {
  it('numbers weeks by ISO 8601, including year edges', () => {
    expect(formatIsoWeek(isoWeekOf('2026-11-16'))).toBe('2026-W47');
    expect(formatIsoWeek(isoWeekOf('2026-11-22'))).toBe('2026-W47');
    expect(formatIsoWeek(isoWeekOf('2027-01-01'))).toBe('2026-W53');
    expect(formatIsoWeek(isoWeekOf('2024-12-30'))).toBe('2025-W01');
  });

  it('turns a week name into its Monday–Sunday range and rejects nonsense', () => {
    expect(isoWeekRange('2026-W47')).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    expect(isoWeekRange('2026-W53')).toEqual({ from: '2026-12-28', to: '2027-01-03' });
    expect(isoWeekRange('2025-W53')).toBeNull();
    expect(isoWeekRange('2026-47')).toBeNull();
  });
});

describe('week parity', () => {
  it('counts the semester start week as week 1, odd', () => {
    // 2026-09-01 is a Tuesday: that whole week is week 1.
    expect(semesterWeek('2026-08-31', '2026-09-01')).toBe(1);
    expect(weekParity('2026-09-05', '2026-09-01')).toBe('odd');
    expect(weekParity('2026-09-07', '2026-09-01')).toBe('even');
    expect(weekParity('2026-11-26', '2026-09-01')).toBe('odd'); // week 13
    expect(semesterWeek('2026-11-26', '2026-09-01')).toBe(13);
  });
});
