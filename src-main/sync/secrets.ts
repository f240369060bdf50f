import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import type { Db } from '../db/open';
import type { SecretStore } from './engine';

/**
 * Where this PC keeps its gateway tokens and device secret (issue 14): not in the replica — so never in
 * its backups or in an archive package — but in a file beside it (`<replica>.secrets`), readable by the
 * user alone (0600). The desktop encrypts every value with the platform's keychain (Electron
 * safeStorage, `src-main/electron/secrets.ts`); web mode and the CLI rely on the file's permissions,
 * as the README says.
 */
export type Cipher = { encrypt: (s: string) => string; decrypt: (s: string) => string };

const PLAIN: Cipher = { encrypt: (s) => s, decrypt: (s) => s };

/** The secrets file of a replica. */
export function secretsFileOf(replicaPath: string): string {
  return `${replicaPath}.secrets`;
}

function readAll(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    // A damaged file holds nothing usable: the people of this PC log in again.
    return {};
  }
}

/** Write the whole file anew: a temp file made 0600 first, synced, then renamed over the old one. */
function writeAll(file: string, values: Record<string, string>): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(values));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/**
 * A secret store in a file. Every change reads the file again first (another process — the CLI beside
 * the app — may have written it), then replaces it whole.
 */
export function fileSecretStore(file: string, cipher: Cipher = PLAIN): SecretStore {
  return {
    get: (key) => {
      const v = readAll(file)[key];
      return v === undefined ? null : cipher.decrypt(v);
    },
    set: (key, value) => {
      const all = readAll(file);
      if (value === null) {
        if (!(key in all)) return;
        delete all[key];
      } else all[key] = cipher.encrypt(value);
      writeAll(file, all);
    },
    keys: () => Object.keys(readAll(file)),
  };
}

/** Secrets of a replica that never syncs (an opened archive package): kept nowhere. */
export function noSecrets(): SecretStore {
  return { get: () => null, set: () => undefined, keys: () => [] };
}

/**
 * Secrets kept in the replica's meta table by earlier versions move to the secrets file (decrypted with
 * the cipher they were stored with, encrypted again by the store), and their bytes are overwritten in
 * the database (secure_delete), so no later backup carries them.
 */
export function moveSecretsOutOfReplica(db: Db, store: SecretStore, cipher: Cipher = PLAIN): number {
  const rows = db.$client.prepare("SELECT key, value FROM meta WHERE key LIKE 'secret.%'").all() as Array<{
    key: string;
    value: string;
  }>;
  if (rows.length === 0) return 0;
  for (const r of rows) {
    const key = r.key.slice('secret.'.length);
    // Old tokens were one per person without the gateway they belong to: they are dropped (the person
    // logs in again); the rest moves as it is.
    if (!key.startsWith('sync.token.')) store.set(key, cipher.decrypt(r.value));
  }
  db.$client.pragma('secure_delete = ON');
  db.$client.prepare("DELETE FROM meta WHERE key LIKE 'secret.%'").run();
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  return rows.length;
}
