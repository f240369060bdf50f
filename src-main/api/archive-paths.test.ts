import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveJobView, VerifyReport } from '../../src-shared/contract/archive.contract';
import { archiveFolder } from '../archive/files';
import { boot, type App } from '../boot';
import { startWebServer, type WebServer } from '../web';
import { callOk, DEMO_NOW, login, tinyReplica } from '../../tests/helpers/replica';

/**
 * Confined package paths (issue 14, item 3): through the API a package is named in the app's archive
 * folder, or granted by the desktop's own dialog — `../`, an absolute path, a symlink in the folder
 * pointing out, an existing unrelated file are refused by archive.start, archive.verify and
 * archive.open, through the real dispatch and through web mode's HTTP. The dialog is Electron's (not
 * ours): a stand-in answers the path a person would have chosen.
 */
let app: App;
let archivist: string;
let folder = '';
const outside = mkdtempSync(join(tmpdir(), 'avn-outside-'));
let chosen: string | null = null;

beforeAll(async () => {
  app = boot({
    dbPath: tinyReplica(),
    now: () => DEMO_NOW,
    demoIfMissing: null,
    log: () => undefined,
    pickFile: () => Promise.resolve(chosen),
  });
  archivist = await login(app, 'archivist');
  folder = archiveFolder(app.db.$client.name);
  mkdirSync(folder, { recursive: true });
});
afterAll(() => app.close());

const call = (method: string, input: unknown) =>
  app.dispatch({ method, input, session: archivist, locale: 'ky' });

async function finished(jobId: string): Promise<ArchiveJobView> {
  for (let i = 0; i < 600; i++) {
    const v = await callOk<ArchiveJobView>(app, 'archive.job', { jobId }, archivist);
    if (v.state !== 'running') return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the archive job did not end');
}

const group = () =>
  app.db.get<{ id: number }>(sql`SELECT g.id FROM groups g WHERE g.faculty_id = 1
    AND EXISTS (SELECT 1 FROM offerings o WHERE o.group_id = g.id) ORDER BY g.code LIMIT 1`).id;

describe('archive paths through the API', () => {
  let real = '';

  beforeAll(async () => {
    const started = await callOk<ArchiveJobView>(
      app,
      'archive.start',
      { unit: { kind: 'group', id: group() }, name: 'real.zip' },
      archivist,
    );
    const job = await finished(started.id);
    expect(job.state, job.error ?? '').toBe('done');
    real = join(folder, 'real.zip');
    // A whole package outside the folder: something worth stealing a look at.
    copyFileSync(real, join(outside, 'secret.zip'));
    writeFileSync(join(outside, 'unrelated.zip'), 'not yours');
    symlinkSync(join(outside, 'secret.zip'), join(folder, 'link.zip'));
    symlinkSync(join(outside, 'nothing-yet.zip'), join(folder, 'dangling.zip'));
    writeFileSync(join(folder, 'unrelated.zip'), 'someone else’s file');
  }, 60_000);

  it('refuses ../, an absolute path and a raw path field as input, for every method', async () => {
    const unit = { kind: 'group', id: group() };
    for (const name of ['../x.zip', '../../etc/x.zip', join(outside, 'secret.zip'), 'a/b.zip', 'x.db']) {
      for (const [method, input] of [
        ['archive.start', { unit, name }],
        ['archive.verify', { name }],
        ['archive.open', { name }],
      ] as const) {
        const r = await call(method, input);
        expect(r, `${method} ${name}`).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      }
    }
    // The old path fields are gone.
    for (const [method, input] of [
      ['archive.start', { unit, out: join(outside, 'x.zip') }],
      ['archive.verify', { file: join(outside, 'secret.zip') }],
      ['archive.open', { file: join(outside, 'secret.zip') }],
    ] as const)
      expect(await call(method, input)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(readdirSync(outside).sort()).toEqual(['secret.zip', 'unrelated.zip']);
  });

  it('refuses a symlink in the folder that points out, to read or to write', async () => {
    for (const name of ['link.zip', 'dangling.zip']) {
      for (const method of ['archive.verify', 'archive.open']) {
        const r = await call(method, { name });
        expect(r, `${method} ${name}`).toMatchObject({ ok: false, error: { code: 'PATH_REFUSED' } });
        if (!r.ok) {
          expect(r.error.message).not.toMatch(/[a-z]{4,}/); // Kyrgyz, no English
          expect(r.error.message).not.toContain(outside);
        }
      }
      const w = await call('archive.start', { unit: { kind: 'group', id: group() }, name });
      expect(w).toMatchObject({ ok: false, error: { code: 'FILE_EXISTS' } });
    }
    expect(readdirSync(outside).sort()).toEqual(['secret.zip', 'unrelated.zip']);
  });

  it('never writes over an existing file; a default name is made fresh', async () => {
    const r = await call('archive.start', { unit: { kind: 'group', id: group() }, name: 'unrelated.zip' });
    expect(r).toMatchObject({ ok: false, error: { code: 'FILE_EXISTS' } });
    expect(readFileSync(join(folder, 'unrelated.zip'), 'utf8')).toBe('someone else’s file');
    // Two packages with the default name in the same minute: the second gets a name of its own.
    const a = await callOk<ArchiveJobView>(
      app,
      'archive.start',
      { unit: { kind: 'group', id: group() } },
      archivist,
    );
    const b = await callOk<ArchiveJobView>(
      app,
      'archive.start',
      { unit: { kind: 'group', id: group() } },
      archivist,
    );
    const [ja, jb] = [await finished(a.id), await finished(b.id)];
    expect([ja.state, jb.state]).toEqual(['done', 'done']);
    expect(ja.result?.file).not.toBe(jb.result?.file);
    expect(jb.result?.file).toMatch(/-2\.zip$/);
  }, 60_000);

  it('reads a file in the folder by name, and lists the folder', async () => {
    const ok = await callOk<VerifyReport>(app, 'archive.verify', { name: 'real.zip' }, archivist);
    expect(ok.whole).toBe(true);
    const options = await callOk<{ files: string[]; dialog: boolean }>(app, 'archive.options', {}, archivist);
    expect(options.files).toContain('real.zip');
    expect(options.files).not.toContain('link.zip');
    expect(options.dialog).toBe(true);
  });

  it('takes a file chosen in the desktop dialog by a one-time grant only', async () => {
    chosen = join(outside, 'secret.zip');
    const pick = await callOk<{ grant: string; name: string }>(
      app,
      'archive.pick',
      { mode: 'open' },
      archivist,
    );
    expect(pick.name).toBe('secret.zip');
    const ok = await callOk<VerifyReport>(app, 'archive.verify', { grant: pick.grant }, archivist);
    expect(ok.whole).toBe(true);
    // Used once; a save grant does not read; a made-up one is nothing.
    expect(await call('archive.verify', { grant: pick.grant })).toMatchObject({
      ok: false,
      error: { code: 'FILE_CHOICE_EXPIRED' },
    });
    const save = await callOk<{ grant: string }>(app, 'archive.pick', { mode: 'save' }, archivist);
    expect(await call('archive.open', { grant: save.grant })).toMatchObject({
      ok: false,
      error: { code: 'FILE_CHOICE_EXPIRED' },
    });
    expect(await call('archive.verify', { grant: 'x'.repeat(24) })).toMatchObject({
      ok: false,
      error: { code: 'FILE_CHOICE_EXPIRED' },
    });
    // A save grant of an existing file is refused too: nothing is written over.
    chosen = join(outside, 'unrelated.zip');
    const over = await callOk<{ grant: string }>(app, 'archive.pick', { mode: 'save' }, archivist);
    expect(
      await call('archive.start', { unit: { kind: 'group', id: group() }, grant: over.grant }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FILE_EXISTS' },
    });
    expect(readFileSync(join(outside, 'unrelated.zip'), 'utf8')).toBe('not yours');
    // Cancelled: no grant.
    chosen = null;
    expect(await callOk(app, 'archive.pick', { mode: 'open' }, archivist)).toEqual({
      grant: null,
      name: null,
    });
  });
});

describe('archive paths over web mode HTTP', () => {
  let web: WebServer;
  let plain: App;
  beforeAll(async () => {
    // Web mode has no desktop dialog.
    plain = boot({ dbPath: tinyReplica(), now: () => DEMO_NOW, demoIfMissing: null, log: () => undefined });
    const renderer = mkdtempSync(join(tmpdir(), 'avn-renderer-'));
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>AVN Desk</title>');
    web = await startWebServer(plain, { rendererDir: renderer });
  });
  afterAll(async () => {
    await web.close();
    plain.close();
  });

  it('refuses ../, an absolute path, a symlink out and the dialog', async () => {
    const session = await login(plain, 'archivist');
    const dir = archiveFolder(plain.db.$client.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(outside, 'probe.zip'), 'x');
    symlinkSync(join(outside, 'probe.zip'), join(dir, 'probe.zip'));
    const api = async (method: string, input: unknown) => {
      const res = await fetch(`http://127.0.0.1:${web.port}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${web.token}` },
        body: JSON.stringify({ input, session, locale: 'ru' }),
      });
      return {
        status: res.status,
        body: (await res.json()) as { ok: boolean; error?: { code: string; message: string } },
      };
    };
    expect(await api('archive.verify', { name: '../probe.zip' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_INPUT' } },
    });
    expect(await api('archive.open', { file: join(outside, 'probe.zip') })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_INPUT' } },
    });
    const link = await api('archive.verify', { name: 'probe.zip' });
    expect(link).toMatchObject({ status: 403, body: { error: { code: 'PATH_REFUSED' } } });
    expect(link.body.error?.message).not.toContain(outside);
    expect(
      await api('archive.start', { unit: { kind: 'faculty', id: 1 }, out: join(outside, 'w.zip') }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_INPUT' } },
    });
    expect(await api('archive.pick', { mode: 'open' })).toMatchObject({
      status: 501,
      body: { error: { code: 'DIALOG_UNAVAILABLE' } },
    });
  });
});
