import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { boot, type App } from '../../src-main/boot';
import type { ApiResult } from '../../src-shared/contract/errors';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../src-shared/sync/mutations';
import { HEADER } from '../../src-shared/sync/wire';
import { BACKENDS, testGateway } from '../helpers/central';
import { DEMO_NOW, tinyReplica } from '../helpers/replica';
import { closers, desktopLogin } from '../helpers/sync';

/**
 * Login throttling on the desktop (issue 14, item 2): the replica's own login backs off per login and
 * per PC with the same rule as the gateway; a throttled try is refused unjudged with a translated
 * "wait N seconds"; the gateway's 429 reaches the person as the same message, not a network error; an
 * admin lifts a lock here and, when connected, at the gateway. Real SQLite files, real PGlite, real
 * HTTP on loopback; only the clock is fake.
 */
const { track, closeAll } = closers();
afterEach(closeAll);

let now = DEMO_NOW;
function desktop(): App {
  now = DEMO_NOW;
  return track(boot({ dbPath: tinyReplica(), now: () => now, demoIfMissing: null, log: () => undefined }));
}

const tryLogin = (app: App, login: string, password: string, locale: 'ru' | 'ky' = 'ru') =>
  app.dispatch({ method: 'auth.login', input: { login, password }, locale });
const codeOf = (r: ApiResult<unknown>) => (r.ok ? 'OK' : r.error.code);
const failures = (app: App, key: string) =>
  (
    app.db.$client.prepare('SELECT failures FROM login_failures WHERE key = ?').get(key) as
      { failures: number } | undefined
  )?.failures ?? 0;

describe('login throttling on the desktop', () => {
  it('the 6th wrong password waits, with the wait in words; the right one too; after the wait it passes and clears the counter', async () => {
    const app = desktop();
    for (let i = 0; i < 5; i++) expect(codeOf(await tryLogin(app, 'dean', 'wrong'))).toBe('BAD_CREDENTIALS');
    const sixth = await tryLogin(app, 'dean', 'wrong');
    expect(sixth).toMatchObject({
      ok: false,
      error: {
        code: 'LOGIN_THROTTLED',
        message: 'Слишком много неверных паролей: повторите вход через 1 секунду',
        params: { count: 1 },
      },
    });
    const ky = await tryLogin(app, 'dean', 'demo', 'ky');
    expect(ky).toMatchObject({
      ok: false,
      error: {
        code: 'LOGIN_THROTTLED',
        message: 'Туура эмес сырсөз өтө көп терилди: 1 секунддан кийин кайра кириңиз',
      },
    });
    expect(failures(app, 'login:dean')).toBe(5); // refused tries are not counted
    now += 1000;
    expect(codeOf(await tryLogin(app, 'dean', 'demo'))).toBe('OK');
    expect(failures(app, 'login:dean')).toBe(0);
    for (let i = 0; i < 5; i++) expect(codeOf(await tryLogin(app, 'dean', 'wrong'))).toBe('BAD_CREDENTIALS');
  });

  it('the wait grows to a cap of 15 minutes and no further', async () => {
    const app = desktop();
    const waits: number[] = [];
    for (let i = 0; i < 18; i++) {
      const r = await tryLogin(app, 'head', 'wrong');
      if (!r.ok && r.error.code === 'LOGIN_THROTTLED') {
        const s = Number(r.error.params?.count);
        waits.push(s);
        now += s * 1000;
        expect(codeOf(await tryLogin(app, 'head', 'wrong'))).toBe('BAD_CREDENTIALS');
      }
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
  });

  it('this PC spraying wrong passwords across logins is slowed for every login', async () => {
    const app = desktop();
    for (let i = 0; i < 20; i++)
      expect(codeOf(await tryLogin(app, `nobody${i}`, 'wrong'))).toBe('BAD_CREDENTIALS');
    expect(codeOf(await tryLogin(app, 'teacher', 'demo'))).toBe('LOGIN_THROTTLED');
    now += 1000;
    expect(codeOf(await tryLogin(app, 'teacher', 'demo'))).toBe('OK');
    // One good account does not clear the spray.
    expect(codeOf(await tryLogin(app, 'nobody99', 'wrong'))).toBe('BAD_CREDENTIALS');
    expect(codeOf(await tryLogin(app, 'head', 'demo'))).toBe('LOGIN_THROTTLED');
  });

  it('an admin lifts a lock and the person logs in at once; nobody else may', async () => {
    const app = desktop();
    for (let i = 0; i < 10; i++) await tryLogin(app, 'dean', 'wrong');
    expect(codeOf(await tryLogin(app, 'dean', 'demo'))).toBe('LOGIN_THROTTLED');
    const head = await desktopLogin(app, 'head');
    const refused = await app.dispatch({ method: 'auth.unlock', input: { login: 'dean' }, session: head });
    expect(codeOf(refused)).toBe('ROLE_FORBIDDEN');
    expect(codeOf(await tryLogin(app, 'dean', 'demo'))).toBe('LOGIN_THROTTLED');
    const admin = await desktopLogin(app, 'admin');
    const lifted = await app.dispatch({ method: 'auth.unlock', input: { login: 'Dean ' }, session: admin });
    expect(lifted).toEqual({ ok: true, value: { local: true, central: null } });
    expect(codeOf(await tryLogin(app, 'dean', 'demo'))).toBe('OK');
  });
});

describe('npm run cli -- unlock', () => {
  it('lifts a lock on this PC from the command line', async () => {
    const file = tinyReplica();
    let app = track(boot({ dbPath: file, now: () => DEMO_NOW, demoIfMissing: null, log: () => undefined }));
    for (let i = 0; i < 8; i++) await tryLogin(app, 'dean', 'wrong');
    expect(codeOf(await tryLogin(app, 'dean', 'demo'))).toBe('LOGIN_THROTTLED');
    app.close();
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli.ts', 'unlock', 'dean', '--db', file],
      {
        encoding: 'utf8',
        env: { ...process.env, AVN_DESK_HOME: mkdtempSync(join(tmpdir(), 'avn-home-')) },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('The lock of dean on this PC is lifted.');
    app = track(boot({ dbPath: file, now: () => DEMO_NOW, demoIfMissing: null, log: () => undefined }));
    expect(codeOf(await tryLogin(app, 'dean', 'demo'))).toBe('OK');
  });
});

describe.each(BACKENDS)('the gateway throttling a desktop on %s', (backend) => {
  it('its 429 reaches the person as "wait N", and an admin of the PC lifts the central lock', async () => {
    let gwNow = DEMO_NOW;
    const gw = track(await testGateway(backend, () => gwNow));
    const app = desktop();
    const admin = await desktopLogin(app, 'admin');
    // Connecting with a wrong central password: refused, then throttled — in words, not a network error.
    const connect = (password: string) =>
      app.dispatch({
        method: 'sync.connect',
        input: { gatewayUrl: gw.url, login: 'admin', password },
        session: admin,
        locale: 'ru',
      });
    for (let i = 0; i < 5; i++) expect(codeOf(await connect('wrong'))).toBe('SYNC_FAILED');
    expect(await connect('demo')).toMatchObject({
      ok: false,
      error: {
        code: 'LOGIN_THROTTLED',
        message: 'Слишком много неверных паролей: повторите вход через 1 секунду',
      },
    });
    gwNow += 1000;
    expect(codeOf(await connect('demo'))).toBe('OK');
    await desktopLogin(app, 'admin'); // the admin's own token, for the unlock

    // Someone hammers `head` at the gateway (another program, same address): the desktop's login of
    // head, wrong locally, asks the gateway and is told to wait.
    for (let i = 0; i < 5; i++)
      await fetch(`${gw.url}/auth/login`, {
        method: 'POST',
        headers: {
          [HEADER.protocol]: String(PROTOCOL_VERSION),
          [HEADER.schema]: String(SCHEMA_VERSION),
          'content-type': 'application/json',
        },
        body: JSON.stringify({ login: 'head', password: 'wrong', deviceId: crypto.randomUUID() }),
      });
    const r = await tryLogin(app, 'head', 'changed');
    expect(r).toMatchObject({ ok: false, error: { code: 'LOGIN_THROTTLED', params: { count: 1 } } });

    const lifted = await app.dispatch({ method: 'auth.unlock', input: { login: 'head' }, session: admin });
    expect(lifted).toEqual({ ok: true, value: { local: true, central: true } });
    const [left] = await gw.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM login_failures WHERE key = 'login:head'",
    );
    expect(left?.n).toBe(0);
    expect(codeOf(await tryLogin(app, 'head', 'demo'))).toBe('OK');
  });
});
