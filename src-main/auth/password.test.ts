import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';

describe('password hashes', () => {
  it('store scrypt parameters beside a salted hash and verify only the right password', () => {
    const h = hashPassword('Жалал-Абад 2026');
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hashPassword('Жалал-Абад 2026')).not.toBe(h);
    expect(verifyPassword('Жалал-Абад 2026', h)).toBe(true);
    expect(verifyPassword('жалал-абад 2026', h)).toBe(false);
    expect(verifyPassword('x', 'md5$abc')).toBe(false);
    expect(verifyPassword('x', 'scrypt$0$8$1$AA==$AA==')).toBe(false);
  });
});
