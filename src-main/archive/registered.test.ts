import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../src-shared/contract/archive.contract';
import { translate } from '../../src-shared/i18n/translate';
import { rewritePackage } from '../../tests/helpers/archive';
import { DEMO_NOW, tinyReplica } from '../../tests/helpers/replica';
import { boot, startBackend, type Backend } from '../boot';
import { runCli } from '../cli';
import { openReplica } from '../db/open';
import { archiveFolder, replicaForPackage } from './files';
import { archiveInfo } from './open';
import { checkPackage } from './verify';

/**
 * Registered digests decide (issue 15, item 3). A package consistently rewritten — one mark's grade
 * changed, its entry in manifest.json and manifest.sha256 recomputed, so that every check inside the
 * package passes — and a package never entered in the archive register are not whole: `archive verify`
 * exits 1 naming why, `archive open` and the API's `archive.open` refuse them unless forced, and a
 * replica opened by force remembers it (and `app.info` says so, also when the app browses it). The
 * registered original passes everything.
 */
const replica = tinyReplica();
const folder = archiveFolder(replica);
const original = join(folder, 'registered.zip');
const rewritten = join(folder, 'rewritten.zip');
const unregistered = join(folder, 'unregistered.zip');
const elsewhere = mkdtempSync(join(tmpdir(), 'avn-registered-'));
let digest = '';
let rewrittenDigest = '';
let unregisteredDigest = '';

type Lines = { lines: string[]; text: () => string; out: Parameters<typeof runCli>[1] };
function capture(): Lines {
  const lines: string[] = [];
  return {
    lines,
    text: () => lines.join('\n'),
    out: { log: (l: string) => lines.push(l), progress: () => undefined, done: () => undefined },
  };
}

const digestOf = (text: string) =>
  /digest \(SHA-256 of manifest\.json\): ([0-9a-f]{64})/.exec(text)?.[1] ?? '';

/** A group of faculty 1 with journals: the packages hold its marks. */
function groupOfFaculty1(): number {
  const app = boot({ dbPath: replica, now: () => DEMO_NOW, demoIfMissing: null, log: () => undefined });
  try {
    return app.db.$client
      .prepare(
        `SELECT g.id FROM groups g WHERE g.faculty_id = 1 AND EXISTS (SELECT 1 FROM offerings o
          JOIN lessons l ON l.offering_id = o.id JOIN marks m ON m.lesson_id = l.id
          WHERE o.group_id = g.id AND m.grade IS NOT NULL) ORDER BY g.code LIMIT 1`,
      )
      .pluck()
      .get() as number;
  } finally {
    app.close();
  }
}

beforeAll(async () => {
  const group = groupOfFaculty1();
  const before = process.env.AVN_DESK_PASSWORD;
  process.env.AVN_DESK_PASSWORD = 'demo';
  try {
    const made = capture();
    const args = ['archive', 'create', '--unit', `group:${group}`, '--db', replica];
    expect(await runCli([...args, '--out', original, '--as', 'archivist'], made.out), made.text()).toBe(0);
    expect(made.text()).toContain('registered in the archive register as archivist');
    digest = digestOf(made.text());
    const plain = capture();
    // Without --as: made, but not entered in the register.
    expect(await runCli([...args, '--out', unregistered], plain.out), plain.text()).toBe(0);
    expect(plain.text()).toContain('NOT registered');
    unregisteredDigest = digestOf(plain.text());
  } finally {
    if (before === undefined) delete process.env.AVN_DESK_PASSWORD;
    else process.env.AVN_DESK_PASSWORD = before;
  }
  rewrittenDigest = (await rewritePackage(original, rewritten)).digest;
}, 180_000);

describe('the rewritten package', () => {
  it('passes every check inside the package, with a digest of its own', async () => {
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(rewrittenDigest).not.toBe(digest);
    const inside = await checkPackage(rewritten);
    expect(inside).toMatchObject({ whole: true, problems: [], digest: rewrittenDigest });
    // The same package id as the registered original: that is how the register knows it was rewritten.
    expect(inside.manifest?.packageId).toBe((await checkPackage(original)).manifest?.packageId);
  });
});

describe('archive verify (CLI)', () => {
  it('finds the registered original whole (exit 0)', async () => {
    const c = capture();
    expect(await runCli(['archive', 'verify', original, '--db', replica], c.out)).toBe(0);
    expect(c.text()).toContain('register: the digest is registered');
    expect(c.text()).toContain('WHOLE: every file present and unchanged, the digest the registered one');
  });

  it('finds the rewritten package not whole (exit 1) and says it is rewritten', async () => {
    const c = capture();
    expect(await runCli(['archive', 'verify', rewritten, '--db', replica], c.out)).toBe(1);
    expect(c.text()).toMatch(/REWRITTEN\s+manifest\.sha256: rewritten: the digest is not the registered one/);
    expect(c.text()).toContain('NOT WHOLE: 1 problem(s)');
    const json = capture();
    expect(await runCli(['archive', 'verify', rewritten, '--db', replica, '--json'], json.out)).toBe(1);
    expect(JSON.parse(json.text())).toMatchObject({
      whole: false,
      digest: rewrittenDigest,
      registered: 'differs',
      problems: [{ kind: 'rewritten', file: 'manifest.sha256' }],
    });
  });

  it('finds a package never registered not whole (exit 1): not in the archive register', async () => {
    const c = capture();
    expect(await runCli(['archive', 'verify', unregistered, '--db', replica], c.out)).toBe(1);
    expect(c.text()).toMatch(/UNREGISTERED\s+manifest\.sha256: not in the archive register/);
    const json = capture();
    await runCli(['archive', 'verify', unregistered, '--db', replica, '--json'], json.out);
    expect(JSON.parse(json.text())).toMatchObject({
      whole: false,
      digest: unregisteredDigest,
      registered: 'not_registered',
      problems: [{ kind: 'unregistered', file: 'manifest.sha256' }],
    });
  });

  it('without a replica there is no register: even the original is not whole', async () => {
    const c = capture();
    expect(await runCli(['archive', 'verify', original, '--db', join(elsewhere, 'none.db')], c.out)).toBe(1);
    expect(c.text()).toContain('register: NOT CHECKED');
    expect(existsSync(join(elsewhere, 'none.db'))).toBe(false);
  });
});

describe('archive open (CLI)', () => {
  const opened = (file: string) => {
    const db = openReplica(file, { readonly: true });
    try {
      return archiveInfo(db);
    } finally {
      db.$client.close();
    }
  };

  it('refuses the rewritten package without --force and writes nothing', async () => {
    const c = capture();
    expect(await runCli(['archive', 'open', rewritten, '--db', replica], c.out)).toBe(1);
    expect(c.text()).toContain('NOT OPENED');
    expect(c.text()).toContain('rewritten: the digest is not the registered one');
    expect(c.text()).toContain('--force');
    expect(existsSync(replicaForPackage(replica, rewrittenDigest))).toBe(false);
  });

  it('opens it with --force, and the opened replica remembers it', async () => {
    const out = join(elsewhere, 'forced.db');
    const c = capture();
    expect(
      await runCli(['archive', 'open', rewritten, '--db', replica, '--out', out, '--force'], c.out),
    ).toBe(0);
    expect(c.text()).toContain('FORCED');
    expect(opened(out)).toMatchObject({ digest: rewrittenDigest, registered: 'differs' });
    // The app on that replica says so to everyone, before and after login.
    const app = boot({ dbPath: out, demoIfMissing: null, log: () => undefined });
    try {
      const info = await app.dispatch({ method: 'app.info', input: {} });
      expect(info).toMatchObject({
        ok: true,
        value: { archive: { digest: rewrittenDigest, registered: 'differs' } },
      });
    } finally {
      app.close();
    }
  }, 60_000);

  it('refuses an unregistered package likewise, and opens the registered one unmarked', async () => {
    const c = capture();
    expect(await runCli(['archive', 'open', unregistered, '--db', replica], c.out)).toBe(1);
    expect(c.text()).toContain('not in the archive register');
    const forced = join(elsewhere, 'unregistered.db');
    expect(
      await runCli(
        ['archive', 'open', unregistered, '--db', replica, '--out', forced, '--force'],
        capture().out,
      ),
    ).toBe(0);
    expect(opened(forced)).toMatchObject({ registered: 'not_registered' });
    const good = join(elsewhere, 'good.db');
    expect(await runCli(['archive', 'open', original, '--db', replica, '--out', good], capture().out)).toBe(
      0,
    );
    expect(opened(good)).toMatchObject({ digest, registered: 'matches' });
  }, 60_000);
});

describe('the archive API', () => {
  let backend: Backend;
  let chosen: string | null = null;

  beforeAll(() => {
    backend = startBackend({
      dbPath: replica,
      now: () => DEMO_NOW,
      demoIfMissing: null,
      log: () => undefined,
      pickFile: () => Promise.resolve(chosen),
    });
  });
  afterAll(() => backend.close());

  const signIn = async (login = 'archivist') => {
    const r = await backend.dispatch({ method: 'auth.login', input: { login, password: 'demo' } });
    if (!r.ok) throw new Error(`login ${login}: ${r.error.code}`);
    return (r.value as { session: string }).session;
  };
  const call = (method: string, input: unknown, session: string, locale: 'ru' | 'ky' = 'ru') =>
    backend.dispatch({ method, input, session, locale });
  const ok = async <T>(method: string, input: unknown, session: string): Promise<T> => {
    const r = await call(method, input, session);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };

  it('verifies: the original whole (and recorded), the rewritten and the unregistered not, naming why', async () => {
    const who = await signIn();
    expect(await ok<VerifyReport>('archive.verify', { name: 'registered.zip' }, who)).toMatchObject({
      whole: true,
      registered: 'matches',
      recorded: true,
      problems: [],
    });
    expect(await ok<VerifyReport>('archive.verify', { name: 'rewritten.zip' }, who)).toMatchObject({
      whole: false,
      digest: rewrittenDigest,
      registered: 'differs',
      recorded: false,
      problems: [{ kind: 'rewritten', file: 'manifest.sha256' }],
    });
    expect(await ok<VerifyReport>('archive.verify', { name: 'unregistered.zip' }, who)).toMatchObject({
      whole: false,
      registered: 'not_registered',
      recorded: false,
      problems: [{ kind: 'unregistered', file: 'manifest.sha256' }],
    });
  });

  it('refuses to open them without force, in the caller’s language', async () => {
    const who = await signIn();
    const before = existsSync(replicaForPackage(replica, rewrittenDigest));
    const r = await call('archive.open', { name: 'rewritten.zip' }, who, 'ky');
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'PACKAGE_UNREGISTERED', params: { registered: 'differs' } },
    });
    if (!r.ok)
      expect(r.error.message).toBe(
        translate('ky', 'error.PACKAGE_UNREGISTERED', {
          reason: translate('ky', 'archive.unregistered.differs'),
        }),
      );
    expect(existsSync(replicaForPackage(replica, rewrittenDigest))).toBe(before);
    expect(await call('archive.open', { name: 'unregistered.zip', force: false }, who)).toMatchObject({
      ok: false,
      error: { code: 'PACKAGE_UNREGISTERED', params: { registered: 'not_registered' } },
    });
    // Force must be a boolean: anything else is bad input, not a confirmation.
    expect(await call('archive.open', { name: 'rewritten.zip', force: 'yes' }, who)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'force' },
    });
  });

  it('opens one with force; the replica is marked, the log warns, browsing it shows the mark', async () => {
    let who = await signIn();
    const opened = await ok<{ replica: string; registered: string; digest: string }>(
      'archive.open',
      { name: 'rewritten.zip', force: true },
      who,
    );
    expect(opened).toMatchObject({ digest: rewrittenDigest, registered: 'differs' });
    expect(opened.replica).toBe(replicaForPackage(replica, rewrittenDigest));
    const admin = await signIn('admin');
    const errors = await ok<{
      entries: Array<{ event: string; code: string | null; method: string | null }>;
    }>('app.recentErrors', {}, admin);
    expect(errors.entries).toContainEqual(
      expect.objectContaining({ code: 'PACKAGE_UNREGISTERED', method: 'archive.open' }),
    );
    // The working replica's own package opens unmarked.
    const good = await ok<{ registered: string }>('archive.open', { name: 'registered.zip' }, who);
    expect(good.registered).toBe('matches');

    await ok('archive.browse', { replica: opened.replica }, who);
    const info = await backend.dispatch({ method: 'app.info', input: {} });
    expect(info).toMatchObject({
      ok: true,
      value: { archive: { digest: rewrittenDigest, registered: 'differs' } },
    });
    who = await signIn();
    expect(await call('archive.leave', {}, who)).toMatchObject({ ok: true });
    expect(await backend.dispatch({ method: 'app.info', input: {} })).toMatchObject({
      ok: true,
      value: { archive: null },
    });
  }, 60_000);

  it('keeps a dialog’s grant through a refusal for the register, for the confirmed open only', async () => {
    const who = await signIn();
    chosen = join(elsewhere, 'picked.zip');
    copyFileSync(unregistered, chosen);
    const pick = await ok<{ grant: string }>('archive.pick', { mode: 'open' }, who);
    expect(await call('archive.open', { grant: pick.grant }, who)).toMatchObject({
      ok: false,
      error: { code: 'PACKAGE_UNREGISTERED' },
    });
    const forced = await ok<{ registered: string }>('archive.open', { grant: pick.grant, force: true }, who);
    expect(forced.registered).toBe('not_registered');
    // Then it is spent.
    expect(await call('archive.open', { grant: pick.grant, force: true }, who)).toMatchObject({
      ok: false,
      error: { code: 'FILE_CHOICE_EXPIRED' },
    });
    // A refusal for anything else spends it at once: a file that is no package.
    chosen = join(elsewhere, 'not-a-package.zip');
    copyFileSync(replica, chosen);
    const other = await ok<{ grant: string }>('archive.pick', { mode: 'open' }, who);
    expect(await call('archive.open', { grant: other.grant }, who)).toMatchObject({
      ok: false,
      error: { code: 'PACKAGE_INVALID' },
    });
    expect(await call('archive.open', { grant: other.grant, force: true }, who)).toMatchObject({
      ok: false,
      error: { code: 'FILE_CHOICE_EXPIRED' },
    });
  }, 60_000);
});
