import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { boot, ReplicaDamagedError, startBackend, type Backend } from '../../src-main/boot';
import { backupDirOf, listBackups } from '../../src-main/db/backup';
import type { Dispatch } from '../../src-main/api/dispatch';
import { damageMiddle } from '../helpers/damage';
import { DEMO_NOW, tinyReplica } from '../helpers/replica';

/**
 * Issue 7 through the API: backups are the admin's; a damaged replica boots into the damaged state
 * (never a crash, never an empty app) with the newest good backup offered, restorable without a
 * session; after a restore the backend reopens the replica in the same process and sessions start over.
 */
const open: Backend[] = [];
afterEach(() => {
  for (const b of open.splice(0)) b.close();
});

function backend(file: string): Backend {
  const b = startBackend({ dbPath: file, now: () => DEMO_NOW, demoIfMissing: null, log: () => undefined });
  open.push(b);
  return b;
}

async function call<T>(d: Dispatch, method: string, input: unknown = {}, session?: string): Promise<T> {
  const r = await d({ method, input, session, locale: 'ru' });
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

async function loginAs(d: Dispatch, login: string): Promise<string> {
  return (await call<{ session: string }>(d, 'auth.login', { login, password: 'demo' })).session;
}

type Counts = Array<{ entity: string; count: number }>;
type Backup = { name: string; time: number; kind: string; size: number };

describe('backups through the API', () => {
  it('are the admin’s: list, create, restore; a restore reopens the replica and ends every session', async () => {
    const b = backend(tinyReplica());
    const admin = await loginAs(b.dispatch, 'admin');
    const dean = await loginAs(b.dispatch, 'dean');
    for (const method of ['backup.list', 'backup.create'])
      expect(await b.dispatch({ method, input: {}, session: dean })).toMatchObject({
        ok: false,
        error: { code: 'ROLE_FORBIDDEN' },
      });
    expect(await call(b.dispatch, 'backup.status')).toEqual({ damaged: false, messages: [], offer: null });
    const made = await call<Backup>(b.dispatch, 'backup.create', {}, admin);
    expect(made).toMatchObject({ kind: 'manual', time: DEMO_NOW });
    const counts = await call<Counts>(b.dispatch, 'replica.counts', {}, admin);
    // A change after the backup…
    const first = b.current();
    first?.db.$client.exec('DELETE FROM marks WHERE rowid % 2 = 0');
    const list = await call<{ backups: Backup[] }>(b.dispatch, 'backup.list', {}, admin);
    expect(list.backups.map((x) => x.name)).toEqual([made.name]);
    expect(
      await b.dispatch({ method: 'backup.restore', input: { name: '../replica.db' }, session: admin }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'name' } });
    expect(
      await b.dispatch({
        method: 'backup.restore',
        input: { name: 'replica-2020-01-01_00-00-00-000_manual.db' },
        session: admin,
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // …is undone by the restore, in the same process, with a new App behind the same dispatch.
    const r = await call<{ restored: Backup; preRestore: Backup | null }>(
      b.dispatch,
      'backup.restore',
      { name: made.name },
      admin,
    );
    expect(r.restored.name).toBe(made.name);
    expect(r.preRestore?.kind).toBe('pre-restore');
    expect(b.current()).not.toBe(first);
    expect(await b.dispatch({ method: 'auth.me', input: {}, session: admin })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    const again = await loginAs(b.dispatch, 'admin');
    expect(await call<Counts>(b.dispatch, 'replica.counts', {}, again)).toEqual(counts);
  });

  it('a damaged replica: boot() refuses it, the backend offers the newest good backup, restore, login', async () => {
    const file = tinyReplica();
    const dir = backupDirOf(file);
    let b = backend(file);
    const admin = await loginAs(b.dispatch, 'admin');
    const counts = await call<Counts>(b.dispatch, 'replica.counts', {}, admin);
    const good = await call<Backup>(b.dispatch, 'backup.create', {}, admin);
    b.close();
    damageMiddle(file);

    expect(() => boot({ dbPath: file, demoIfMissing: null, log: () => undefined })).toThrow(
      ReplicaDamagedError,
    );
    b = backend(file);
    expect(b.damage()).not.toBeNull();
    expect(b.current()).toBeNull();
    // The app says so in the caller's language, for every method but the two of the damaged state.
    for (const method of ['app.info', 'auth.login', 'journal.groups'])
      expect(await b.dispatch({ method, input: {}, locale: 'ky' })).toMatchObject({
        ok: false,
        error: { code: 'REPLICA_DAMAGED', message: expect.stringContaining('бузулган') },
      });
    const status = await call<{ damaged: boolean; messages: string[]; offer: Backup | null }>(
      b.dispatch,
      'backup.status',
    );
    expect(status.damaged).toBe(true);
    expect(status.messages.length).toBeGreaterThan(0);
    expect(status.offer?.name).toBe(good.name);
    // Only the offered backup, and the input is still validated.
    expect(
      await b.dispatch({
        method: 'backup.restore',
        input: { name: 'replica-2020-01-01_00-00-00-000_manual.db' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await b.dispatch({ method: 'backup.restore', input: {} })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'name' },
    });
    const r = await call<{ restored: Backup; preRestore: Backup | null }>(b.dispatch, 'backup.restore', {
      name: good.name,
    });
    expect(r.restored.name).toBe(good.name);
    // The damaged file could not be backed up: it was moved aside, not listed as a backup.
    expect(r.preRestore).toBeNull();
    expect(readdirSync(dir).filter((n) => /^damaged-.*\.db$/.test(n))).toHaveLength(1);
    expect(listBackups(dir).map((x) => x.name)).toEqual([good.name]);
    // A working app: not damaged any more, login works, the counts are those of the backup.
    expect(b.damage()).toBeNull();
    expect(await call(b.dispatch, 'backup.status')).toMatchObject({ damaged: false });
    const again = await loginAs(b.dispatch, 'admin');
    expect(await call<Counts>(b.dispatch, 'replica.counts', {}, again)).toEqual(counts);
    // Once the replica is fine, a restore without a session is refused like any admin method.
    expect(await b.dispatch({ method: 'backup.restore', input: { name: good.name } })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('a damaged replica with no good backup still starts, and says there is nothing to restore', async () => {
    const file = tinyReplica();
    damageMiddle(file);
    const b = backend(file);
    expect(await call(b.dispatch, 'backup.status')).toMatchObject({ damaged: true, offer: null });
  });
});
