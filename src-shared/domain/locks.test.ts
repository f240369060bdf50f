import { describe, expect, it } from 'vitest';
import { bishkekInstant } from './time';
import { isLocked, type UnlockFacts } from './locks';

const lock = { closedOn: '2026-10-30', closedAt: bishkekInstant('2026-10-30', '16:00') };
const before = { id: 1, date: '2026-10-27' };
const after = { id: 2, date: '2026-11-03' };
const at = bishkekInstant('2026-11-05', '10:00');

describe('locks (§4.3)', () => {
  it('freezes lessons on or before the closing date, once closed', () => {
    expect(isLocked(before, 7, lock, [], at)).toBe(true);
    expect(isLocked({ id: 3, date: '2026-10-30' }, 7, lock, [], at)).toBe(true);
    expect(isLocked(after, 7, lock, [], at)).toBe(false);
    expect(isLocked(before, 7, null, [], at)).toBe(false);
    // An edit made before the closing time is not locked (DOMAIN.md: offline edits made before the lock).
    expect(isLocked(before, 7, lock, [], lock.closedAt - 1)).toBe(false);
  });

  it('opens for a time-limited unlock of the lesson, the student or the offering, then locks again', () => {
    const granted = bishkekInstant('2026-11-04', '09:00');
    const expires = bishkekInstant('2026-11-07', '09:00');
    const lessonUnlock: UnlockFacts = {
      lessonId: 1,
      studentId: null,
      grantedAt: granted,
      expiresAt: expires,
    };
    const studentUnlock: UnlockFacts = {
      lessonId: null,
      studentId: 7,
      grantedAt: granted,
      expiresAt: expires,
    };
    expect(isLocked(before, 7, lock, [lessonUnlock], at)).toBe(false);
    expect(isLocked(before, null, lock, [lessonUnlock], at)).toBe(false);
    expect(isLocked(before, 7, lock, [studentUnlock], at)).toBe(false);
    expect(isLocked(before, 8, lock, [studentUnlock], at)).toBe(true);
    expect(isLocked(before, null, lock, [studentUnlock], at)).toBe(true);
    expect(isLocked(before, 7, lock, [lessonUnlock], expires)).toBe(true);
    expect(isLocked(before, 7, lock, [lessonUnlock], granted - 1)).toBe(true);
  });
});
