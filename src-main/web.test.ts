import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from './boot';
import { startWebServer, type WebServer } from './web';
import { bootTiny } from '../tests/helpers/replica';

/** Web mode over real HTTP on loopback: the token guards every API call; static files are served. */
let app: App;
let web: WebServer;
let base: string;

beforeAll(async () => {
  app = bootTiny();
  const renderer = mkdtempSync(join(tmpdir(), 'avn-renderer-'));
  mkdirSync(join(renderer, 'assets'));
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>AVN Desk</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  web = await startWebServer(app, { rendererDir: renderer });
  base = `http://127.0.0.1:${web.port}`;
});
afterAll(async () => {
  await web.close();
  app.close();
});

async function api(method: string, body: unknown, token: string | null = web.token) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${base}/api/${method}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } },
  };
}

describe('web mode', () => {
  it('prints a URL with the per-launch token in its fragment', () => {
    expect(web.url).toBe(`http://127.0.0.1:${web.port}/#token=${web.token}`);
    expect(web.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses API calls without the token, or with a wrong one, each with its own error', async () => {
    const missing = await api('app.info', { input: {} }, null);
    expect(missing).toMatchObject({ status: 401, body: { ok: false, error: { code: 'TOKEN_MISSING' } } });
    const wrong = await api('app.info', { input: {} }, 'x'.repeat(32));
    expect(wrong).toMatchObject({ status: 401, body: { ok: false, error: { code: 'TOKEN_INVALID' } } });
    const events = await fetch(`${base}/api/events?token=nope`);
    expect(events.status).toBe(401);
  });

  it('carries calls to dispatch: login, a scoped list, errors with HTTP statuses', async () => {
    const info = await api('app.info', { input: {} });
    expect(info).toMatchObject({ status: 200, body: { ok: true, value: { today: '2026-11-26' } } });
    const login = await api('auth.login', { input: { login: 'dean', password: 'demo' } });
    expect(login.status).toBe(200);
    const session = (login.body.value as { session: string }).session;
    const groups = await api('journal.groups', { input: {}, session });
    expect(groups.status).toBe(200);
    expect((groups.body.value as unknown[]).length).toBeGreaterThan(0);
    expect(await api('journal.groups', { input: {} })).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED' } },
    });
    expect(await api('journal.offerings', { input: { groupId: 'x' }, session })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_INPUT' } },
    });
    expect(await api('replica.counts', { input: {}, session })).toMatchObject({
      status: 403,
      body: { error: { code: 'ROLE_FORBIDDEN' } },
    });
    expect(await api('nope.nope', { input: {}, session })).toMatchObject({
      status: 404,
      body: { error: { code: 'UNKNOWN_METHOD' } },
    });
  });

  it('answers malformed bodies and oversized ones without crashing', async () => {
    const res = await fetch(`${base}/api/app.info`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${web.token}` },
      body: '{nope',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'Неверные данные: запрос не в формате JSON',
    );
    expect((await api('app.info', { input: {} })).status).toBe(200);
  });

  it('answers 413 to a body over 1 MiB — the client receives it, announced or chunked', async () => {
    // Announced by Content-Length: answered before reading.
    const big = await fetch(`${base}/api/app.info`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${web.token}`,
        'Content-Type': 'application/json',
        'Accept-Language': 'ky',
      },
      body: JSON.stringify({ input: { x: 'y'.repeat(2 * 1024 * 1024) } }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Туура эмес маалымат: суроо 1 МиБдан чоң' },
    });
    // Chunked, with no length: counted as it comes.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: web.port,
          method: 'POST',
          path: '/api/app.info',
          headers: { Authorization: `Bearer ${web.token}`, 'Transfer-Encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      let sent = 0;
      const write = (): void => {
        while (sent < 40) {
          sent++;
          if (!req.write(Buffer.alloc(64 * 1024, 0x20))) {
            req.once('drain', write);
            return;
          }
        }
        req.end();
      };
      write();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({
      error: { message: 'Неверные данные: запрос больше 1 МиБ' },
    });
    expect((await api('app.info', { input: {} })).status).toBe(200);
  });

  it('answers 400 to a method name that is not valid percent-encoding', async () => {
    for (const path of ['/api/%', '/api/%E0%A4%A', '/api/journal.%zz']) {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${web.token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(res.status, path).toBe(400);
      expect(await res.json()).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'Неверные данные: адрес запроса закодирован неверно' },
      });
    }
  });

  it('serves the renderer with a CSP, falls back to index.html, and never leaves its folder', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await (await fetch(`${base}/assets/app.js`)).text()).toBe('console.log(1)');
    expect(await (await fetch(`${base}/some/screen`)).text()).toContain('<title>AVN Desk</title>');
    const traversal = await new Promise<string>((resolve) => {
      const req = request({ host: '127.0.0.1', port: web.port, path: '/../../../../etc/passwd' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      });
      req.end();
    });
    expect(traversal).not.toContain('root:');
  });

  it('rejects requests for another host name (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: web.port, path: '/', headers: { Host: 'evil.example:80' } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.end();
    });
    expect(status).toBe(421);
  });
});
