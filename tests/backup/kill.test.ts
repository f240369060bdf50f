import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  backupDirOf,
  checkIntegrity,
  createBackup,
  listBackups,
  restoreBackup,
} from '../../src-main/db/backup';
import { DEMO_NOW, tinyReplica } from '../helpers/replica';

/**
 * Issue 7: "a backup-restore test that kills the app while a backup is being written and still restores
 * a good copy". The backup runs in a child process (`tests/backup/slow-backup.ts`, the app's
 * createBackup slowed down) and is SIGKILLed while its temp file grows; the half-written file is never
 * listed, is cleaned by the next backup, and the backup made before restores whole.
 */

/** What a replica holds, as one digest: marks, lessons, the audit log and the filler blobs. */
function digest(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const h = createHash('sha256');
    for (const q of [
      'SELECT * FROM marks ORDER BY lesson_id, student_id',
      'SELECT * FROM lessons ORDER BY id',
      'SELECT * FROM audit_log ORDER BY id',
      'SELECT id, hex(b) FROM filler ORDER BY id',
    ])
      for (const row of db.prepare(q).raw().iterate()) h.update(JSON.stringify(row));
    return h.digest('hex');
  } finally {
    db.close();
  }
}

const partials = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.partial'));

describe('a backup killed half-way', () => {
  it('is never listed, is cleaned next time, and the backup before it restores whole', async () => {
    const file = tinyReplica();
    const dir = backupDirOf(file);
    // Big enough that the slowed copy takes seconds: ~24 MB of blobs beside the tiny demo.
    const db = new Database(file);
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, b BLOB NOT NULL)');
    db.prepare(
      'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000) INSERT INTO filler SELECT i, randomblob(4000) FROM n',
    ).run();
    const before = await createBackup(db, dir, 'manual', DEMO_NOW);
    db.close();
    const atBackup = digest(file);
    // Work goes on after the backup.
    const later = new Database(file);
    later.exec("UPDATE marks SET attendance = 'a', grade = NULL WHERE rowid % 7 = 0");
    later.exec('DELETE FROM filler WHERE id % 3 = 0');
    later.close();
    expect(digest(file)).not.toBe(atBackup);

    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/backup/slow-backup.ts', file, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((ok) =>
      child.on('exit', (code, signal) => ok(signal ?? code)),
    );
    // Wait until the temp file exists and grows, then kill.
    let last = -1;
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error(`the backup's temp file never grew: ${output}`);
      await new Promise((s) => setTimeout(s, 50));
      const [temp] = partials(dir);
      if (!temp) continue;
      const size = statSync(join(dir, temp)).size;
      if (size > 0 && last > 0 && size > last) break;
      last = size;
    }
    child.kill('SIGKILL');
    expect(await exited, output).toBe('SIGKILL');
    expect(output).not.toContain('finished');

    // The half-written copy is there, but it is not a backup.
    expect(partials(dir)).toHaveLength(1);
    expect(listBackups(dir).map((b) => b.name)).toEqual([before.name]);

    // Restore the newest listed backup: it passes the check and holds the data of its time. The
    // pre-restore backup it takes first also cleans the killed one's temp file (its process is gone).
    const r = await restoreBackup(listBackups(dir)[0]?.file ?? '', file, DEMO_NOW + 60_000);
    expect(r.preRestore?.kind).toBe('pre-restore');
    expect(partials(dir)).toEqual([]);
    expect(checkIntegrity(file)).toEqual({ ok: true });
    expect(digest(file)).toBe(atBackup);
    for (const suffix of ['-wal', '-shm']) expect(existsSync(`${file}${suffix}`)).toBe(false);
    expect(listBackups(dir).map((b) => b.kind)).toEqual(['pre-restore', 'manual']);
  });
});
