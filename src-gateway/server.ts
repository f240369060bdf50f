import { mkdirSync } from 'node:fs';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { gatewayApp } from './app';
import { openCentral, type CentralDb } from './db/client';
import { centralState } from './db/seed';
import type { Logger } from '../src-shared/log';

/**
 * The AVN gateway on a central database (PostgreSQL, or PGlite in a data folder), listening on loopback
 * unless told. An empty database is filled by `seed` (the demo university, for demos and tests:
 * `scripts/gateway.ts` composes it); without one, it is refused.
 */
export type RunningGateway = { url: string; port: number; db: CentralDb; close: () => Promise<void> };

/** The central clock: a demo database keeps its demo "now" and runs on from it, as the desktop does. */
async function centralClock(db: CentralDb, fixed?: number | (() => number)): Promise<() => number> {
  if (typeof fixed === 'function') return fixed;
  if (fixed !== undefined) return () => fixed;
  const [m] = await db.query<{ value: string }>("SELECT value FROM gateway_meta WHERE key = 'demo.now'");
  if (!m) return () => Date.now();
  const demoNow = Number(m.value);
  const started = Date.now();
  return () => demoNow + (Date.now() - started);
}

export async function startGateway(opts: {
  databaseUrl?: string;
  dataDir?: string;
  port?: number;
  host?: string;
  /** Fill an empty central database (the demo university); without it an empty database is refused. */
  seed?: (db: CentralDb) => Promise<void>;
  /** A fixed clock (tests): an instant or a function. */
  now?: number | (() => number);
  /** Where the gateway reports unexpected failures (default: stderr). */
  log?: (m: string) => void;
  /** Serve the test-only `/admin/edit` (`--dev-endpoints`); off unless asked. */
  devEndpoints?: boolean;
  /** Reverse proxies whose `X-Forwarded-For` names the client (`--trust-proxy`); none unless told. */
  trustedProxies?: readonly string[];
  /** The structured log (issue 14, item 5); none: nothing is logged. */
  logger?: Logger;
}): Promise<RunningGateway> {
  if (!opts.databaseUrl && opts.dataDir && !opts.dataDir.startsWith('memory://'))
    mkdirSync(opts.dataDir, { recursive: true });
  const db = await openCentral(opts);
  if ((await centralState(db)) === 'empty') {
    if (!opts.seed) {
      await db.close();
      throw new Error('the central database is empty');
    }
    await opts.seed(db);
  }
  const app = gatewayApp({
    db,
    now: await centralClock(db, opts.now),
    log: opts.log ?? ((m) => console.error(`AVN gateway: ${m}`)),
    devEndpoints: opts.devEndpoints ?? false,
    trustedProxies: opts.trustedProxies ?? [],
    logger: opts.logger,
  });
  opts.logger?.info('gateway.start', { database: db.kind });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: opts.host ?? '127.0.0.1' }, () =>
      resolve(s),
    );
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    db,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await db.close();
      })()),
  };
}
