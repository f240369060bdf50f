import { describe, expect, it } from 'vitest';
import { layoutChar, parseMark, parsePaste, sameMark, startsMark } from './entry';

describe('journal entry notation', () => {
  it('reads +, н/нб, у/нб(у), grades and empty; refuses the rest', () => {
    expect(parseMark('+')).toEqual({ attendance: 'p', grade: null });
    for (const s of ['н', 'Н', 'нб', 'НБ', ' нб '])
      expect(parseMark(s), s).toEqual({ attendance: 'a', grade: null });
    for (const s of ['у', 'У', 'нб(у)', 'НБ(У)', 'нб (у)'])
      expect(parseMark(s), s).toEqual({ attendance: 'e', grade: null });
    expect(parseMark('5')).toEqual({ attendance: 'p', grade: 5 });
    expect(parseMark('2')).toEqual({ attendance: 'p', grade: 2 });
    expect(parseMark('')).toBeNull();
    expect(parseMark('  ')).toBeNull();
    for (const s of ['1', '6', '55', 'x', 'n', '+5', 'нб(у']) expect(parseMark(s), s).toBe('invalid');
  });

  it('compares cell values', () => {
    expect(sameMark(null, undefined)).toBe(true);
    expect(sameMark({ attendance: 'p', grade: 5 }, { attendance: 'p', grade: 5 })).toBe(true);
    expect(sameMark({ attendance: 'p', grade: 5 }, { attendance: 'p', grade: null })).toBe(false);
    expect(sameMark({ attendance: 'a', grade: null }, null)).toBe(false);
  });

  it('splits spreadsheet text into rows and cells, without the trailing line break', () => {
    expect(parsePaste('+\nн\n5\n')).toEqual([['+'], ['н'], ['5']]);
    expect(parsePaste('+\t5\r\nнб(у)\t\r\n')).toEqual([
      ['+', '5'],
      ['нб(у)', ''],
    ]);
    expect(parsePaste('')).toEqual([['']]);
  });

  it('starts a mark on the keys that begin one; н and у work from the English layout too', () => {
    expect(['+', 'н', 'Н', 'у', '5', '2'].every(startsMark)).toBe(true);
    expect(['1', 'a', 'б', ' '].some(startsMark)).toBe(false);
    expect(layoutChar('y', 'KeyY')).toBe('н');
    expect(layoutChar('Y', 'KeyY')).toBe('Н');
    expect(layoutChar('e', 'KeyE')).toBe('у');
    expect(layoutChar('н', 'KeyY')).toBe('н');
    expect(layoutChar('+', 'Equal')).toBe('+');
    expect(layoutChar('h', 'KeyH')).toBe('h');
  });
});
