import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { SCALES, type Scale } from '../src-main/demo/structure';
import { userDataDir } from '../src-main/paths';
import { gatewayApp } from './app';
import { openCentral, type CentralDb } from './db/client';
import { centralState, loadDemoIntoCentral } from './db/load-demo';

/**
 * The AVN gateway as a process: `npm run gateway [-- --port N] [--data DIR] [--scale S]`. PostgreSQL
 * when DATABASE_URL is set, else PGlite in a data folder; an empty database gets the demo university.
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
  scale?: Scale;
  /** A fixed clock (tests): an instant or a function. */
  now?: number | (() => number);
  log?: (m: string) => void;
}): Promise<RunningGateway> {
  const log = opts.log ?? ((m: string) => console.error(m));
  if (!opts.databaseUrl && opts.dataDir && !opts.dataDir.startsWith('memory://'))
    mkdirSync(opts.dataDir, { recursive: true });
  const db = await openCentral(opts);
  if ((await centralState(db)) === 'empty') {
    log(`Empty central database: loading the demo university (${opts.scale ?? 'faculty'} scale)…`);
    const r = await loadDemoIntoCentral(db, { scale: opts.scale ?? 'faculty' });
    log(`Loaded ${r.rows} rows.`);
  }
  const app = gatewayApp({ db, now: await centralClock(db, opts.now) });
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      scale: { type: 'string' },
      now: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const defaultData = join(userDataDir(), 'gateway-pglite');
  if (values.help) {
    console.log(`Usage: npm run gateway -- [--port N] [--host H] [--data DIR] [--scale tiny|faculty|university]

The AVN gateway: the central database behind the sync API. With DATABASE_URL set it uses that
PostgreSQL; otherwise embedded PGlite in --data (default ${defaultData}). An empty database is loaded
with the demo university of --scale (default faculty). Listens on 127.0.0.1:8787 unless told.`);
    return;
  }
  const scale = (values.scale ?? 'faculty') as Scale;
  if (!SCALES.includes(scale)) throw new Error(`--scale must be one of ${SCALES.join(', ')}`);
  const g = await startGateway({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: values.data ?? defaultData,
    port: values.port === undefined ? 8787 : Number(values.port),
    host: values.host,
    scale,
    now: values.now === undefined ? undefined : Number(values.now),
  });
  console.log(
    `AVN gateway listening on ${g.url} (${g.db.kind === 'postgres' ? 'PostgreSQL' : `PGlite in ${values.data ?? defaultData}`})`,
  );
  const stop = () => void g.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`AVN gateway failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
