import { describe, expect, it } from 'vitest';
import { isUuidV7, uuidv7 } from './ids';

describe('UUIDv7', () => {
  it('carries the time in its first 48 bits and sorts by time', () => {
    const bytes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const a = uuidv7(Date.parse('2026-11-26T07:30:00Z'), bytes);
    const b = uuidv7(Date.parse('2026-11-26T07:30:00.001Z'), bytes);
    expect(isUuidV7(a)).toBe(true);
    expect(parseInt(a.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2026-11-26T07:30:00Z'));
    expect(a < b).toBe(true);
    expect(isUuidV7('not-a-uuid')).toBe(false);
  });
});
