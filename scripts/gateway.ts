import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { seedCentral } from '../src-gateway/db/seed';
import type { CentralDb } from '../src-gateway/db/client';
import { startGateway } from '../src-gateway/server';
import { demoRows } from '../src-main/demo/central-rows';
import { SCALES, type Scale } from '../src-main/demo/structure';
import { userDataDir } from '../src-main/paths';
import { openFileLogger } from '../src-main/log';

/**
 * `npm run gateway [-- --port N] [--data DIR] [--scale S]`: the AVN gateway for demos and development.
 * PostgreSQL when DATABASE_URL is set, else PGlite in a data folder; an empty database is loaded with
 * the demo university of the desktop's generator. This script composes the two; the gateway itself
 * (src-gateway) stands on src-shared and its own code.
 */
export function demoSeed(scale: Scale, log: (m: string) => void): (db: CentralDb) => Promise<void> {
  return async (db) => {
    log(`Empty central database: loading the demo university (${scale} scale)…`);
    const demo = demoRows({ scale });
    try {
      const r = await seedCentral(db, demo);
      log(`Loaded ${r.rows} rows.`);
    } finally {
      demo.close();
    }
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
      'dev-endpoints': { type: 'boolean' },
      'log-dir': { type: 'string' },
      'trust-proxy': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const defaultData = join(userDataDir(), 'gateway-pglite');
  const defaultLogs = join(userDataDir(), 'gateway-logs');
  if (values.help) {
    console.log(`Usage: npm run gateway -- [--port N] [--host H] [--data DIR] [--scale tiny|faculty|university]
                           [--dev-endpoints] [--log-dir DIR|-] [--trust-proxy ADDR]...

The AVN gateway: the central database behind the sync API. With DATABASE_URL set it uses that
PostgreSQL; otherwise embedded PGlite in --data (default ${defaultData}). An empty database is loaded
with the demo university of --scale (default faculty). Listens on 127.0.0.1:8787 unless told.
--dev-endpoints serves POST /admin/edit, a central write past every check, for tests, benchmarks and
demos; never use it in production.
Structured logs (JSON lines: requests, logins, push judgments, errors; ids and counts, no names, marks
or tokens) go to gateway.log in --log-dir (default ${defaultLogs}), rotated at 5 MB, 5 kept;
--log-dir - writes them to standard output.
--trust-proxy ADDR: a reverse proxy (TLS) in front of the gateway, by the address it connects from; from
it only, the client of a request (for login throttling and the log) is read from X-Forwarded-For.`);
    return;
  }
  const scale = (values.scale ?? 'faculty') as Scale;
  if (!SCALES.includes(scale)) throw new Error(`--scale must be one of ${SCALES.join(', ')}`);
  const logDir = values['log-dir'] ?? defaultLogs;
  const logger = openFileLogger({
    file: logDir === '-' ? null : join(logDir, 'gateway.log'),
    app: 'gateway',
  });
  const g = await startGateway({
    logger,
    databaseUrl: process.env.DATABASE_URL,
    dataDir: values.data ?? defaultData,
    port: values.port === undefined ? 8787 : Number(values.port),
    host: values.host,
    seed: demoSeed(scale, (m) => console.error(m)),
    now: values.now === undefined ? undefined : Number(values.now),
    devEndpoints: values['dev-endpoints'] ?? false,
    trustedProxies: values['trust-proxy'] ?? [],
  });
  console.log(
    `AVN gateway listening on ${g.url} (${g.db.kind === 'postgres' ? 'PostgreSQL' : `PGlite in ${values.data ?? defaultData}`}); logs: ${logger.file ?? 'standard output'}`,
  );
  const stop = () =>
    void g
      .close()
      .then(() => logger.close())
      .then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(`AVN gateway failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
