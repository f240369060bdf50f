import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { bishkekInstant } from '../../src-shared/domain/time';
import { damageMiddle } from '../../tests/helpers/damage';
import { DEMO_NOW, tinyReplica } from '../../tests/helpers/replica';
import {
  backupDirOf,
  checkIntegrity,
  createBackup,
  ensureDailyBackup,
  listBackups,
  newestGoodBackup,
  restoreBackup,
} from './backup';
import { LOCAL_MIGRATIONS, openReplica, pendingMigrations } from './open';

const count = (file: string, table: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('integrity', () => {
  it('is ok for an intact replica, damaged with messages for garbage in its middle or its header', () => {
    const file = tinyReplica();
    expect(checkIntegrity(file)).toEqual({ ok: true });
    const middle = tinyReplica();
    damageMiddle(middle);
    const m = checkIntegrity(middle);
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.messages.length).toBeGreaterThan(0);
    // A file that is not a database at all (SQLITE_NOTADB on open).
    const header = tinyReplica();
    const fd = openSync(header, 'r+');
    writeSync(fd, Buffer.alloc(100, 0x42), 0, 100, 0);
    closeSync(fd);
    const h = checkIntegrity(header);
    expect(h.ok).toBe(false);
    if (!h.ok) expect(h.messages[0]).toMatch(/not a database|malformed/);
  });
});

describe('backups on files', () => {
  it('a backup is a checked, self-contained copy; restore puts it back and keeps the replaced file', async () => {
    const file = tinyReplica();
    const dir = backupDirOf(file);
    const db = openReplica(file);
    const b = await createBackup(db.$client, dir, 'manual', DEMO_NOW);
    const marks = count(file, 'marks');
    db.$client.exec('DELETE FROM marks WHERE rowid % 2 = 0');
    db.$client.close();
    expect(count(file, 'marks')).toBeLessThan(marks);
    expect(b).toMatchObject({ kind: 'manual', time: DEMO_NOW });
    expect(checkIntegrity(b.file)).toEqual({ ok: true });
    // One file is the whole backup: rollback journal, not WAL.
    const copy = new Database(b.file, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    copy.close();
    // Two backups of one millisecond get two names.
    const again = await createBackup(new Database(file, { readonly: true }), dir, 'manual', DEMO_NOW);
    expect(again.name).not.toBe(b.name);

    const r = await restoreBackup(b.file, file, DEMO_NOW + 1);
    expect(count(file, 'marks')).toBe(marks);
    expect(r.preRestore).toMatchObject({ kind: 'pre-restore' });
    expect(count(r.preRestore?.file ?? '', 'marks')).toBeLessThan(marks);
    expect(listBackups(dir).map((x) => x.kind)).toEqual(['pre-restore', 'manual', 'manual']);
    // The restored replica opens as a replica again (WAL, migrations applied, nothing pending).
    const reopened = openReplica(file);
    expect(reopened.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(pendingMigrations(reopened.$client)).toBe(0);
    reopened.$client.close();
  });

  it('refuses a damaged backup, and offers the newest good one', async () => {
    const file = tinyReplica();
    const dir = backupDirOf(file);
    const db = new Database(file);
    const good = await createBackup(db, dir, 'daily', DEMO_NOW);
    const bad = await createBackup(db, dir, 'manual', DEMO_NOW + 1000);
    db.close();
    damageMiddle(bad.file);
    expect(newestGoodBackup(dir)?.name).toBe(good.name);
    const before = readFileSync(file);
    await expect(restoreBackup(bad.file, file, DEMO_NOW + 2000)).rejects.toThrow(/damaged/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a restore over an unreadable replica moves it aside instead of backing it up', async () => {
    const file = tinyReplica();
    const dir = backupDirOf(file);
    const db = new Database(file);
    const good = await createBackup(db, dir, 'daily', DEMO_NOW);
    db.close();
    damageMiddle(file);
    const r = await restoreBackup(good.file, file, DEMO_NOW + 1000);
    expect(r.preRestore).toBeNull();
    expect(r.damagedCopy).toMatch(/damaged-.*\.db$/);
    expect(checkIntegrity(file)).toEqual({ ok: true });
    // The damaged copy is not offered as a backup.
    expect(listBackups(dir).map((x) => x.name)).toEqual([good.name]);
  });

  it('the daily backup: one per Bishkek day, rotation after each check', async () => {
    const file = tinyReplica();
    const dir = backupDirOf(file);
    const db = new Database(file);
    const day = (d: string, t: string) => bishkekInstant(d, t);
    expect(await ensureDailyBackup(db, dir, day('2026-11-20', '08:00'))).not.toBeNull();
    expect(await ensureDailyBackup(db, dir, day('2026-11-20', '09:00'))).toBeNull();
    // 23:59 and 00:01 are two Bishkek days.
    expect(await ensureDailyBackup(db, dir, day('2026-11-20', '23:59'))).toBeNull();
    expect(await ensureDailyBackup(db, dir, day('2026-11-21', '00:01'))).not.toBeNull();
    for (let d = 22; d <= 30; d++) await ensureDailyBackup(db, dir, day(`2026-11-${d}`, '08:00'));
    db.close();
    // On the 30th (a Monday, W49): the last 7 days (24th–30th) and the newest of each of the last four
    // ISO weeks: W49 and W48 are among the days, W47 (16th–22nd) keeps the 22nd, W46 had none.
    const kept = listBackups(dir).map((b) => new Date(b.time + 6 * 3600_000).toISOString().slice(0, 10));
    expect(kept).toEqual([
      '2026-11-30',
      '2026-11-29',
      '2026-11-28',
      '2026-11-27',
      '2026-11-26',
      '2026-11-25',
      '2026-11-24',
      '2026-11-22',
    ]);
  });
});

describe('the pre-migration backup', () => {
  /** A copy of the migrations folder holding only the first `n` of the journal. */
  function firstMigrations(n: number): string {
    const dir = join(mkdtempSync(join(tmpdir(), 'avn-migr-')), 'local');
    cpSync(LOCAL_MIGRATIONS, dir, { recursive: true });
    const journalFile = join(dir, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
    journal.entries = journal.entries.slice(0, n);
    writeFileSync(journalFile, JSON.stringify(journal));
    return dir;
  }

  it('is made only when the file holds data and a migration is pending', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'avn-premig-')), 'replica.db');
    const older = firstMigrations(3);
    // A new file: every migration is pending, but there is nothing to back up.
    let db = openReplica(file, { migrationsFolder: older, now: DEMO_NOW });
    // Issue 14: the replica got its id at once, and its backups go to its own folder.
    const dir = backupDirOf(file);
    expect(listBackups(dir)).toEqual([]);
    db.$client.exec("INSERT INTO meta (key, value) VALUES ('mark', 'before the migration')");
    db.$client.close();
    // Reopened at the same version: nothing pending, no backup.
    db = openReplica(file, { migrationsFolder: older, now: DEMO_NOW });
    expect(pendingMigrations(db.$client, older)).toBe(0);
    expect(pendingMigrations(db.$client)).toBeGreaterThan(0);
    db.$client.close();
    expect(listBackups(dir)).toEqual([]);
    // The app's migrations are newer: one backup, of the file as it was before them.
    db = openReplica(file, { now: DEMO_NOW });
    db.$client.close();
    const backups = listBackups(dir);
    expect(backups.map((b) => b.kind)).toEqual(['pre-migration']);
    const copy = new Database(backups[0]?.file ?? '', { readonly: true });
    expect(pendingMigrations(copy, LOCAL_MIGRATIONS)).toBeGreaterThan(0);
    expect(copy.prepare("SELECT value FROM meta WHERE key = 'mark'").get()).toEqual({
      value: 'before the migration',
    });
    copy.close();
    // And the next start, with nothing pending, makes none.
    openReplica(file, { now: DEMO_NOW }).$client.close();
    expect(listBackups(dir)).toHaveLength(1);
  });
});
