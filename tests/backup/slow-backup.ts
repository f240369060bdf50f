import Database from 'better-sqlite3';
import { createBackup } from '../../src-main/db/backup';

/**
 * The child of the backup kill test: an online backup of a replica (`createBackup`, the app's own path)
 * slowed to one page per step and a millisecond per page, so the parent can SIGKILL it while the temp
 * file is being written. Usage: node --import tsx tests/backup/slow-backup.ts REPLICA DIR
 */
const [file, dir] = process.argv.slice(2);
if (!file || !dir) throw new Error('usage: slow-backup.ts REPLICA DIR');
const db = new Database(file, { readonly: true });
const pause = new Int32Array(new SharedArrayBuffer(4));
await createBackup(db, dir, 'manual', Date.now(), {
  pagesPerStep: 1,
  onProgress: () => void Atomics.wait(pause, 0, 0, 1),
});
db.close();
console.log('finished');
