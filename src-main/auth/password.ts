import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { formatScrypt, parseScrypt, SCRYPT, scryptMaxmem } from '../../src-shared/auth/password-format';

/** Password hashes: scrypt from node:crypto, in the stored form both sides share (password-format.ts). */
export function hashPassword(password: string, salt: Buffer = randomBytes(SCRYPT.saltLength)): string {
  const hash = scryptSync(password.normalize('NFC'), salt, SCRYPT.keyLength, {
    N: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
  });
  return formatScrypt({ ...SCRYPT, salt: salt.toString('base64'), hash: hash.toString('base64') });
}

/** Check a password against a stored hash in constant time; false for malformed hashes. */
export function verifyPassword(password: string, stored: string): boolean {
  const h = parseScrypt(stored);
  if (!h) return false;
  const expected = Buffer.from(h.hash, 'base64');
  if (expected.length === 0) return false;
  const actual = scryptSync(password.normalize('NFC'), Buffer.from(h.salt, 'base64'), expected.length, {
    N: h.N,
    r: h.r,
    p: h.p,
    maxmem: scryptMaxmem(h),
  });
  return timingSafeEqual(actual, expected);
}
