import { describe, expect, it } from 'vitest';
import { canonicalRow, Checksum, partitionOf } from './checksum';

describe('sync checksums', () => {
  it('are additive and order-independent, and removing a row undoes adding it', () => {
    const rows = [
      [1, 5, 'p', null, 1],
      [1, 6, 'a', null, 2],
      [2, 5, 'p', 4, 1],
    ];
    const a = new Checksum();
    rows.forEach((r) => a.add(r));
    const b = new Checksum();
    [...rows].reverse().forEach((r) => b.add(r));
    expect(b.equals(a)).toBe(true);
    b.add([9, 9, 'p', 5, 1]);
    expect(b.equals(a)).toBe(false);
    b.remove([9, 9, 'p', 5, 1]);
    expect(b.equals(a)).toBe(true);
    expect(a.count).toBe(3);
    expect(a.sum).toMatch(/^[0-9a-f]{16}$/);
  });

  it('tells apart values that print alike, and any single change', () => {
    expect(canonicalRow([1])).not.toBe(canonicalRow(['1']));
    expect(canonicalRow([null])).not.toBe(canonicalRow(['']));
    expect(canonicalRow(['a', 'b'])).not.toBe(canonicalRow(['ab', '']));
    const base = new Checksum();
    base.add([1, 'Өмүров', 3]);
    for (const changed of [
      [1, 'Омуров', 3],
      [1, 'Өмүров', 4],
      [2, 'Өмүров', 3],
    ]) {
      const c = new Checksum();
      c.add(changed);
      expect(c.equals(base)).toBe(false);
    }
  });

  it('wraps around 2^64 consistently', () => {
    const c = new Checksum();
    for (let i = 0; i < 20000; i++) c.add([i, 'x']);
    for (let i = 0; i < 20000; i++) c.remove([i, 'x']);
    expect(c.sum).toBe('0000000000000000');
    expect(c.count).toBe(0);
  });

  it('partitions numeric keys by ranges of 1024 and text keys by prefix', () => {
    expect(partitionOf(1023)).toBe('n0');
    expect(partitionOf(1024)).toBe('n1');
    expect(partitionOf('01a2-…')).toBe('s01');
  });
});
