import { describe, expect, it } from 'vitest';
import { ky } from './ky';
import { ru } from './ru';
import { formatDateLong, formatDayMonth, formatNumber, formatWeekdayShort } from './format';
import { pluralCategory, translate } from './translate';

describe('catalogues', () => {
  it('Kyrgyz has exactly the Russian keys, none empty', () => {
    expect(Object.keys(ky).sort()).toEqual(Object.keys(ru).sort());
    for (const [k, v] of Object.entries(ky)) expect(v.trim(), k).not.toBe('');
  });

  it('keeps the same {{placeholders}} in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(ru) as Array<keyof typeof ru>)
      expect(names(ky[key]), key).toEqual(names(ru[key]));
  });
});

describe('plurals', () => {
  it('Russian one/few/many, Kyrgyz one/other', () => {
    expect([1, 2, 5, 11, 21, 22, 25, 111].map((n) => pluralCategory('ru', n))).toEqual([
      'one',
      'few',
      'many',
      'many',
      'one',
      'few',
      'many',
      'many',
    ]);
    expect(translate('ru', 'journal.students', { count: 21 })).toBe('21 студент');
    expect(translate('ru', 'journal.students', { count: 3 })).toBe('3 студента');
    expect(translate('ru', 'journal.students', { count: 12 })).toBe('12 студентов');
    expect(translate('ky', 'journal.students', { count: 12 })).toBe('12 студент');
  });

  it('interpolates and falls back to the key', () => {
    expect(translate('ru', 'error.UNKNOWN_METHOD', { method: 'x.y' })).toBe('Неизвестный метод «x.y»');
    expect(translate('ky', 'no.such.key')).toBe('no.such.key');
  });
});

describe('dates without Intl (Chromium lacks Kyrgyz)', () => {
  it('formats as Node ICU does for Kyrgyz, and in Russian', () => {
    expect(formatDayMonth('ky', '2026-01-15')).toBe('15-январь');
    expect(formatDateLong('ky', '2026-11-30')).toBe('2026-ж., 30-ноябрь, дүйшөмбү');
    expect(formatDateLong('ru', '2026-11-26')).toBe('четверг, 26 ноября 2026 г.');
    expect(formatWeekdayShort('ky', '2026-11-26')).toBe('бейш.');
    expect(formatNumber(1234567.891, 1)).toBe('1\u00a0234\u00a0567,9');
  });
});
