import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { formatScrypt, parseScrypt, SCRYPT, scryptMaxmem } from '../../src-shared/auth/password-format';

/**
 * Central accounts' passwords: the stored form is the one the desktop uses (password-format.ts). The
 * gateway only verifies; a login with an unknown name is checked against a throwaway hash, so both take
 * as long.
 */
const THROWAWAY = (() => {
  const salt = randomBytes(SCRYPT.saltLength);
  const hash = scryptSync('not a password', salt, SCRYPT.keyLength, {
    N: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
  });
  return formatScrypt({ ...SCRYPT, salt: salt.toString('base64'), hash: hash.toString('base64') });
})();

/** Check a password against a stored hash (or the throwaway one) in constant time. */
export function verifyPassword(password: string, stored: string | null): boolean {
  const h = parseScrypt(stored ?? THROWAWAY);
  if (!h) return false;
  const expected = Buffer.from(h.hash, 'base64');
  if (expected.length === 0) return false;
  const actual = scryptSync(password.normalize('NFC'), Buffer.from(h.salt, 'base64'), expected.length, {
    N: h.N,
    r: h.r,
    p: h.p,
    maxmem: scryptMaxmem(h),
  });
  return timingSafeEqual(actual, expected) && stored !== null;
}
