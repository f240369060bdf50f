/**
 * Verification checksums (SYNC.md, Verification): per (scope, table) a row count and the sum, modulo
 * 2^64, of a 64-bit hash of each row's canonical content — primary key, rowVersion and every synced
 * column, in the catalogue's fixed order. Additive, so either side can add and remove rows from a
 * running total, and partitions can be compared piece by piece. Pure: the desktop, the gateway and
 * the tests compute it the same way.
 */
export type Cell = string | number | null;

/** The canonical text of a row: values in column order, typed so that 1 and "1" differ. */
export function canonicalRow(values: readonly Cell[]): string {
  let out = '';
  for (const v of values) {
    if (v === null) out += '\u0000n';
    else if (typeof v === 'number') out += `\u0000d${Number.isInteger(v) ? v.toString() : v.toPrecision(17)}`;
    else out += `\u0000s${v}`;
  }
  return out;
}

/** Two independent 32-bit hashes (FNV-1a and a murmur-style mix) of a string's UTF-16 code units. */
function hash64(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  b ^= b >>> 16;
  return [a >>> 0, b >>> 0];
}

/** A running checksum: count and a 64-bit sum held as two 32-bit halves. */
export class Checksum {
  count = 0;
  private lo = 0;
  private hi = 0;

  add(values: readonly Cell[]): void {
    const [l, h] = hash64(canonicalRow(values));
    const lo = this.lo + l;
    this.lo = lo >>> 0;
    this.hi = (this.hi + h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    this.count++;
  }

  remove(values: readonly Cell[]): void {
    const [l, h] = hash64(canonicalRow(values));
    const lo = this.lo - l;
    this.lo = lo >>> 0;
    this.hi = (this.hi - h - (lo < 0 ? 1 : 0)) >>> 0;
    this.count--;
  }

  /** The sum as 16 hex digits. */
  get sum(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }

  equals(other: { count: number; sum: string }): boolean {
    return this.count === other.count && this.sum === other.sum;
  }
}

/** The partition of a row for repairs: rows are grouped by their first key value. */
export function partitionOf(firstKey: string | number): string {
  return typeof firstKey === 'number' ? `n${Math.floor(firstKey / 1024)}` : `s${firstKey.slice(0, 2)}`;
}
