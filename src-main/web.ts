import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ApiResult, ErrorCode } from '../src-shared/contract/errors';
import { isLocale, translate } from '../src-shared/i18n/translate';
import { startBackend } from './boot';
import type { Dispatch } from './api/dispatch';
import type { EventBus } from './events';
import { defaultReplicaPath } from './paths';

/**
 * Web mode (ARCHITECTURE.md, rule 3): the same backend as the desktop, over HTTP on 127.0.0.1, for a
 * browser. Every API call needs the per-launch token (printed in the URL's fragment, which browsers
 * never send to servers); `POST /api/<method>` carries `{ input, session, locale }` to the same dispatch
 * as Electron's `api:call`. Server-sent events at `/api/events` carry the backend's pushes.
 */
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../out/renderer', import.meta.url));

const MAX_BODY = 1024 * 1024;
/** The body of `print.verifyFile`: a PDF of up to 16 MB in base64. */
const MAX_FILE_BODY = 23 * 1024 * 1024;
/** What a client may still send after its 413 before the connection is cut. */
const MAX_DRAIN = 64 * 1024 * 1024;

const STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNKNOWN_METHOD: 404,
  UNAUTHENTICATED: 401,
  TOKEN_MISSING: 401,
  TOKEN_INVALID: 401,
  ROLE_FORBIDDEN: 403,
  SCOPE_FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_CREDENTIALS: 401,
  LOGIN_THROTTLED: 429,
  LOCKED: 409,
  EDIT_FORBIDDEN: 403,
  SYNC_FAILED: 502,
  PERIOD_INVALID: 400,
  PERIOD_FUTURE: 400,
  UNIT_UNKNOWN: 404,
  CLASH: 409,
  READ_ONLY: 409,
  PACKAGE_INVALID: 422,
  PACKAGE_UNREGISTERED: 409,
  PURGE_REFUSED: 409,
  REPLICA_DAMAGED: 503,
  BACKUP_DAMAGED: 422,
  BACKUP_BUSY: 409,
  BACKUP_FOREIGN: 422,
  PATH_REFUSED: 403,
  FILE_EXISTS: 409,
  FILE_CHOICE_EXPIRED: 410,
  DIALOG_UNAVAILABLE: 501,
  INTERNAL: 500,
};

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src blob:; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export type WebServer = { url: string; port: number; token: string; close(): Promise<void> };
export type WebOptions = {
  port?: number;
  rendererDir?: string;
  token?: string;
  /** Where unexpected failures are reported (their text never goes to the browser); default stderr. */
  log?: (m: string) => void;
};

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

function sendResult(res: ServerResponse, result: ApiResult<unknown>): void {
  const status = result.ok ? 200 : STATUS[result.error.code];
  send(res, status, JSON.stringify(result), 'application/json; charset=utf-8');
}

function failure(
  code: ErrorCode,
  locale: string | undefined,
  params: Record<string, string | number> = {},
): ApiResult<never> {
  const loc = isLocale(locale) ? locale : 'ru';
  return { ok: false, error: { code, message: translate(loc, `error.${code}`, params), params } };
}

/**
 * The body as text, or null once it is over MAX_BODY. The rest of an oversized body is still read (and
 * dropped, up to MAX_DRAIN): a server that stops reading makes the client see a reset instead of its 413.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit + MAX_DRAIN) req.destroy();
      else if (size > limit) {
        chunks.length = 0;
        resolveBody(null);
      } else chunks.push(c);
    });
    req.on('end', () => resolveBody(size > limit ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Answer 413 and close the connection once the client has finished sending (or sent too much). */
function tooLarge(req: IncomingMessage, res: ServerResponse, locale: string): void {
  if (!req.readableEnded && req.listenerCount('data') === 0) {
    // Announced too large by its Content-Length: answered before reading, the rest is dropped.
    let drained = 0;
    req.on('data', (c: Buffer) => {
      drained += c.length;
      if (drained > MAX_DRAIN) req.destroy();
    });
    req.on('error', () => undefined);
  }
  send(
    res,
    413,
    JSON.stringify(
      failure('INVALID_INPUT', locale, { field: '(body)', reason: translateReason(locale, 'bodyTooLarge') }),
    ),
    'application/json; charset=utf-8',
    { Connection: 'close' },
  );
}

/** A reason of the web door in the caller's language. */
function translateReason(locale: string, key: string): string {
  return translate(isLocale(locale) ? locale : 'ru', `reason.${key}`);
}

/** What web mode serves: an App, or the backend holder that swaps it on a restore (boot.ts). */
export type Served = { dispatch: Dispatch; events: EventBus };

/** Start web mode on 127.0.0.1. Port 0 picks a free port. */
export async function startWebServer(app: Served, opts: WebOptions = {}): Promise<WebServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const log = opts.log ?? ((m: string) => console.error(`AVN Desk web mode: ${m}`));
  const rendererDir = resolve(opts.rendererDir ?? DEFAULT_RENDERER_DIR);
  let port = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      // Reported here; the browser gets a fixed text, never the exception's.
      log(`${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent)
        sendResult(res, failure('INTERNAL', undefined, { reason: translateReason('ru', 'seeLog') }));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS-rebinding guard: only our own host names.
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      send(res, 421, 'Misdirected request', 'text/plain; charset=utf-8');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${host}`);
    } catch {
      send(res, 400, 'Bad request target', 'text/plain; charset=utf-8');
      return;
    }
    const locale = req.headers['accept-language']?.startsWith('ky') ? 'ky' : 'ru';
    if (url.pathname.startsWith('/api/')) {
      if (url.pathname === '/api/events' && req.method === 'GET') {
        const given = url.searchParams.get('token');
        if (!given) return sendResult(res, failure('TOKEN_MISSING', locale));
        if (!sameToken(given, token)) return sendResult(res, failure('TOKEN_INVALID', locale));
        res.writeHead(200, {
          'Content-Type': 'text/event-stream',
          'Cache-Control': 'no-store',
          Connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        const unsubscribe = app.events.subscribe((e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
        req.on('close', unsubscribe);
        return;
      }
      if (req.method !== 'POST')
        return send(res, 405, 'Method not allowed', 'text/plain; charset=utf-8', { Allow: 'POST' });
      const auth = req.headers.authorization ?? '';
      const given = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
      if (!given) return sendResult(res, failure('TOKEN_MISSING', locale));
      if (!sameToken(given, token)) return sendResult(res, failure('TOKEN_INVALID', locale));
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${host}`)
        return sendResult(res, failure('TOKEN_INVALID', locale));
      let method: string;
      try {
        method = decodeURIComponent(url.pathname.slice('/api/'.length));
      } catch {
        return sendResult(
          res,
          failure('INVALID_INPUT', locale, {
            field: '(method)',
            reason: translateReason(locale, 'badAddress'),
          }),
        );
      }
      // A PDF to verify travels in the body: that one method takes more.
      const limit = method === 'print.verifyFile' ? MAX_FILE_BODY : MAX_BODY;
      const announced = Number(req.headers['content-length'] ?? 0);
      if (announced > limit) return tooLarge(req, res, locale);
      const raw = await readBody(req, limit);
      if (raw === null) return tooLarge(req, res, locale);
      let body: { input?: unknown; session?: unknown; locale?: unknown };
      try {
        body = raw ? (JSON.parse(raw) as typeof body) : {};
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          throw new Error('not an object');
      } catch {
        return sendResult(
          res,
          failure('INVALID_INPUT', locale, { field: '(body)', reason: translateReason(locale, 'notJson') }),
        );
      }
      const result = await app.dispatch({
        method,
        input: body.input,
        session: typeof body.session === 'string' ? body.session : null,
        locale: typeof body.locale === 'string' ? body.locale : locale,
      });
      return sendResult(res, result);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'Method not allowed', 'text/plain; charset=utf-8');
    serveStatic(url.pathname, res);
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    const index = join(rendererDir, 'index.html');
    if (!existsSync(index)) {
      send(
        res,
        503,
        'The renderer is not built yet: run `npm run build`, then `npm run web`.',
        'text/plain; charset=utf-8',
      );
      return;
    }
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    } catch {
      send(res, 400, 'Bad path', 'text/plain; charset=utf-8');
      return;
    }
    const file = resolve(rendererDir, rel);
    const inside = file === rendererDir || file.startsWith(rendererDir + sep);
    const target = inside && rel !== '' && existsSync(file) && statSync(file).isFile() ? file : index;
    const type = TYPES[extname(target)] ?? 'application/octet-stream';
    const headers: Record<string, string> =
      target === index
        ? { 'Content-Security-Policy': CSP }
        : { 'Cache-Control': 'public, max-age=31536000, immutable' };
    send(res, 200, readFileSync(target), type, headers);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** `npm run web [-- --db FILE] [--port N]` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { db: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(`Usage: npm run web -- [--db FILE] [--port N]

Serves AVN Desk to a browser on 127.0.0.1 with a per-launch token, and prints the address to open.
  --db FILE   the replica (default: ${defaultReplicaPath()}; a new one gets the demo university)
  --port N    the port (default: a free one)`);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got ${values.port}`);
  // The holder, not a bare App: a damaged replica starts in the damaged state (the login screen offers
  // the restore), and a restore swaps the replica without restarting web mode.
  const backend = startBackend({ dbPath: values.db ?? defaultReplicaPath() });
  const web = await startWebServer(backend, { port });
  // Background sync once the replica is connected to a gateway (the Sync screen connects it), and the
  // daily backup.
  backend.startBackground();
  console.log(`AVN Desk web mode: open ${web.url}`);
  const stop = () => {
    void web.close().then(() => {
      backend.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`AVN Desk web mode failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
