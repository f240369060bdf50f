import { getMeta, setMeta } from '../db/meta';
import type { Db } from '../db/open';
import type { SecretStore } from './engine';

/**
 * Secrets kept in the replica's meta table as they are. Web mode and the CLI use this (the replica lives
 * in the user's own data folder); the desktop wraps it with the platform's encryption (Electron
 * safeStorage, src-main/electron/secrets.ts).
 */
export function metaSecretStore(
  db: Db,
  encode: (s: string) => string = (s) => s,
  decode: (s: string) => string = (s) => s,
): SecretStore {
  return {
    get: (key) => {
      const v = getMeta(db, `secret.${key}`);
      return v === null ? null : decode(v);
    },
    set: (key, value) => {
      if (value === null) db.$client.prepare('DELETE FROM meta WHERE key = ?').run(`secret.${key}`);
      else setMeta(db, `secret.${key}`, encode(value));
    },
  };
}
