import { safeStorage } from 'electron';
import type { Db } from '../db/open';
import type { SecretStore } from '../sync/engine';
import { metaSecretStore } from '../sync/secrets';

/** The gateway token encrypted with the OS keychain (DPAPI on Windows, libsecret on Linux) when available. */
export function safeStorageSecrets(db: Db): SecretStore | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  return metaSecretStore(
    db,
    (s) => `enc:${safeStorage.encryptString(s).toString('base64')}`,
    (s) => (s.startsWith('enc:') ? safeStorage.decryptString(Buffer.from(s.slice(4), 'base64')) : s),
  );
}
