/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Rows a desktop creates offline get one
 * (ARCHITECTURE.md, Ids); being time-ordered, they index well. Pure: the caller supplies the time and
 * ten random bytes, so the desktop uses crypto randomness and the demo its seeded generator.
 */
export function uuidv7(ms: number, random: ArrayLike<number>): string {
  if (random.length < 10) throw new Error('uuidv7 needs 10 random bytes');
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const time = hex(Math.floor(ms), 12);
  const b = (i: number) => (random[i] ?? 0) & 0xff;
  const randA = ((b(0) << 4) | (b(1) >> 4)) & 0x0fff;
  const randB0 = (b(2) & 0x3f) | 0x80;
  const tail = Array.from({ length: 7 }, (_, i) => hex(b(3 + i), 2)).join('');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(randA, 3)}-${hex(randB0, 2)}${tail.slice(0, 2)}-${tail.slice(2)}`;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** True for a well-formed lowercase UUIDv7. */
export function isUuidV7(s: string): boolean {
  return UUID_V7.test(s);
}
