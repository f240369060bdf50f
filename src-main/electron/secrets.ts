import { safeStorage } from 'electron';
import type { Cipher } from '../sync/secrets';

/**
 * The platform's encryption for the secrets file (DPAPI on Windows, libsecret on Linux) when available:
 * every value is stored as `enc:<base64>`; values written before (plain) are read as they are.
 */
export function safeStorageCipher(): Cipher | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  return {
    encrypt: (s) => `enc:${safeStorage.encryptString(s).toString('base64')}`,
    decrypt: (s) => (s.startsWith('enc:') ? safeStorage.decryptString(Buffer.from(s.slice(4), 'base64')) : s),
  };
}
