import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startBackend, type Backend } from '../../src-main/boot';
import type { Dispatch } from '../../src-main/api/dispatch';
import { backupDirOf, createBackup, listBackups, readReplicaId } from '../../src-main/db/backup';
import { DEMO_NOW } from '../helpers/replica';

/**
 * Issue 14, item 3: two replicas kept in one folder each have their own backups (`backups/<replica
 * id>/`): each gets its own daily backup the same day, lists only its own, and a restore — the API's
 * and the CLI's `backup restore --latest` — puts back its own, never the other's; a backup of another
 * replica put into its folder is refused by the id the file itself carries.
 */
const open: Backend[] = [];
afterEach(() => {
  for (const b of open.splice(0)) b.close();
});

function backend(file: string, now: number): Backend {
  const b = startBackend({ dbPath: file, now: () => now, demoIfMissing: null, log: () => undefined });
  open.push(b);
  return b;
}

async function call<T>(d: Dispatch, method: string, input: unknown = {}, session?: string): Promise<T> {
  const r = await d({ method, input, session, locale: 'ru' });
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

const admin = async (d: Dispatch) =>
  (await call<{ session: string }>(d, 'auth.login', { login: 'admin', password: 'demo' })).session;

/** A marker row in the replica's meta: which state of which replica the file holds. */
const mark = (file: string, value: string) => {
  const db = new Database(file);
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('test.state', ?)").run(value);
  db.close();
};
const state = (file: string) => {
  const db = new Database(file, { readonly: true });
  const r = db.prepare("SELECT value FROM meta WHERE key = 'test.state'").get() as
    { value: string } | undefined;
  db.close();
  return r?.value ?? null;
};

async function dailyOf(file: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const daily = listBackups(backupDirOf(file)).find((b) => b.kind === 'daily');
    if (daily) return daily.name;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no daily backup of ${file}`);
}

type Backup = { name: string; kind: string };

describe('two replicas in one folder', () => {
  it('keep separate backups; each gets its daily, lists and restores its own (API and CLI)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'avn-two-'));
    const a = join(folder, 'replica.db');
    const b = join(folder, 'other.db');
    copyFileSync(inject('tinyTemplate'), a);
    copyFileSync(inject('tinyTemplate'), b);
    mark(a, 'A at its backup');
    mark(b, 'B at its backup');

    // Both started the same day: each gets its own daily backup (the second too).
    const ba = backend(a, DEMO_NOW);
    ba.startBackground();
    const dailyA = await dailyOf(a);
    const bb = backend(b, DEMO_NOW + 60_000);
    bb.startBackground();
    const dailyB = await dailyOf(b);
    const [idA, idB] = [readReplicaId(a), readReplicaId(b)];
    expect(idA).not.toBeNull();
    expect(idA).not.toBe(idB);
    expect(backupDirOf(a)).toBe(join(folder, 'backups', idA ?? ''));
    expect(backupDirOf(b)).toBe(join(folder, 'backups', idB ?? ''));
    expect(readReplicaId(join(backupDirOf(a), dailyA))).toBe(idA);
    expect(readReplicaId(join(backupDirOf(b), dailyB))).toBe(idB);

    // Each lists only its own.
    const sa = await admin(ba.dispatch);
    const sb = await admin(bb.dispatch);
    const listA = await call<{ backups: Backup[] }>(ba.dispatch, 'backup.list', {}, sa);
    const listB = await call<{ backups: Backup[] }>(bb.dispatch, 'backup.list', {}, sb);
    expect(listA.backups.map((x) => x.name)).toEqual([dailyA]);
    expect(listB.backups.map((x) => x.name)).toEqual([dailyB]);

    // The other's backup, put into A's folder under a name of A's list, is refused by its content.
    const foreign = join(backupDirOf(a), 'replica-2026-11-26_10-00-00-000_manual.db');
    copyFileSync(join(backupDirOf(b), dailyB), foreign);
    mark(ba.current()?.db.$client.name ?? a, 'A after its backup');
    expect(
      await ba.dispatch({ method: 'backup.restore', input: { name: basename(foreign) }, session: sa }),
    ).toMatchObject({ ok: false, error: { code: 'BACKUP_FOREIGN' } });
    expect(state(a)).toBe('A after its backup');

    // The API restores A's own.
    await call(ba.dispatch, 'backup.restore', { name: dailyA }, sa);
    expect(state(a)).toBe('A at its backup');
    expect(readReplicaId(a)).toBe(idA);
    expect(state(b)).toBe('B at its backup');

    // The CLI's `backup restore --latest` of B restores B's own (app closed first).
    mark(b, 'B after its backup');
    bb.close();
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli.ts', 'backup', 'restore', '--latest', '--db', b],
      { encoding: 'utf8', env: { ...process.env, AVN_DESK_HOME: mkdtempSync(join(tmpdir(), 'avn-home-')) } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(state(b)).toBe('B at its backup');
    expect(readReplicaId(b)).toBe(idB);
    expect(state(a)).toBe('A at its backup');
    // Each folder holds its own pre-restore copy; nothing in the shared folder itself.
    expect(
      listBackups(backupDirOf(b))
        .map((x) => x.kind)
        .sort(),
    ).toEqual(['daily', 'pre-restore']);
    expect(readdirSync(join(folder, 'backups')).sort()).toEqual([idA, idB].sort());
  }, 60_000);

  it('adopts old shared backups of its own line when it first gets its id, and leaves the others', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'avn-legacy-'));
    const a = join(folder, 'replica.db');
    copyFileSync(inject('tinyTemplate'), a);
    const foreign = join(folder, 'foreign.db');
    copyFileSync(inject('tinyTemplate'), foreign);
    const db = new Database(foreign);
    db.prepare(
      "UPDATE meta SET value = '01900000-0000-7000-8000-000000000000' WHERE key = 'device.id'",
    ).run();
    db.close();
    // Backups as they were made before replica ids: in backups/ itself, with no id inside.
    const legacy = join(folder, 'backups');
    mkdirSync(legacy);
    const src = new Database(a, { readonly: true });
    const own = await createBackup(src, legacy, 'daily', DEMO_NOW - 86_400_000);
    src.close();
    const other = new Database(foreign, { readonly: true });
    const theirs = await createBackup(other, legacy, 'manual', DEMO_NOW - 3_600_000);
    other.close();
    expect(readReplicaId(own.file)).toBeNull();

    const ba = backend(a, DEMO_NOW);
    const id = readReplicaId(a);
    const dir = backupDirOf(a);
    expect(existsSync(join(dir, own.name))).toBe(true);
    expect(readReplicaId(join(dir, own.name))).toBe(id);
    expect(existsSync(theirs.file)).toBe(true);
    const s = await admin(ba.dispatch);
    const list = await call<{ backups: Backup[] }>(ba.dispatch, 'backup.list', {}, s);
    expect(list.backups.map((x) => x.name)).toEqual([own.name]);
  }, 60_000);
});
