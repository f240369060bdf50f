import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { boot } from '../src-main/boot';
import { openReplica } from '../src-main/db/open';
import { replicaColumns } from '../src-main/sync/rows';
import { startGateway } from '../src-gateway/server';
import { demoSeed } from '../scripts/gateway';
import { SYNCED_TABLES } from '../src-shared/sync/tables';
import { SCHEMA_VERSION } from '../src-shared/sync/mutations';
import { HEADER } from '../src-shared/sync/wire';

/**
 * Sync benchmarks (issue: initial sync of the faculty-scale scope end to end, beside the NDJSON
 * baseline measured in the same run; the desktop's peak memory; a central change's way to an idle
 * replica that syncs on demand). The gateway runs on PostgreSQL when DATABASE_URL is set.
 */
type Line = (label: string, value: string, baseline: string, ratio: string) => void;

/** Run the desktop side in its own process (asynchronously: the gateway lives in this one). */
function client(args: string[]): Promise<{ rows: number; ms: number; connectMs: number; maxRssMb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/sync-client.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`sync client failed: ${err}`));
      else
        resolve(
          JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
            rows: number;
            ms: number;
            connectMs: number;
            maxRssMb: number;
          },
        );
    });
  });
}

export async function benchSync(row: Line): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'avn-bench-sync-'));
  const url = process.env.DATABASE_URL;
  let databaseUrl: string | undefined;
  let drop: () => Promise<void> = () => Promise.resolve();
  if (url) {
    const name = `avn_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    drop = async () => {
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  } else {
    console.log('(DATABASE_URL is not set: the gateway runs on PGlite, which is slower than PostgreSQL)');
  }
  const gw = await startGateway({
    databaseUrl,
    dataDir: join(dir, 'pglite'),
    seed: demoSeed('faculty', () => undefined),
    devEndpoints: true,
  });
  try {
    // 1. The initial sync of the faculty scope, end to end, in a separate desktop process.
    const replica = join(dir, 'replica.db');
    const sync = await client([
      'sync',
      '--db',
      replica,
      '--gateway',
      gw.url,
      '--login',
      'dean',
      '--password',
      'demo',
    ]);
    // 2. The baseline: the same rows as NDJSON over loopback HTTP into raw prepared inserts.
    const src = openReplica(replica, { readonly: true }).$client;
    const parts: string[] = [];
    for (const t of SYNCED_TABLES) {
      const cols = replicaColumns(t);
      for (const r of src
        .prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${t.name}"`)
        .raw()
        .iterate())
        parts.push(JSON.stringify([t.name, ...(r as unknown[])]));
    }
    src.close();
    const body = `${parts.join('\n')}\n`;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const chunk = 1 << 16;
      let i = 0;
      const pump = () => {
        while (i < body.length) {
          const ok = res.write(body.slice(i, i + chunk));
          i += chunk;
          if (!ok) return res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    const empty = join(dir, 'baseline.db');
    openReplica(empty).$client.close();
    const base = await client([
      'baseline',
      '--db',
      empty,
      '--url',
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    ]);
    server.close();
    const rate = (x: { rows: number; ms: number }) => x.rows / (x.ms / 1000);
    row(
      `initial sync, faculty scope: rows/s (${sync.rows} rows)`,
      Math.round(rate(sync)).toLocaleString('en-US'),
      `${Math.round(rate(base)).toLocaleString('en-US')} NDJSON`,
      (rate(base) / rate(sync)).toFixed(2) + 'x',
    );
    row(
      'initial sync: seconds, after login until caught up and verified',
      (sync.ms / 1000).toFixed(1),
      `${(base.ms / 1000).toFixed(1)} NDJSON`,
      '',
    );
    row('  the login before it (scrypt on both sides): ms', sync.connectMs.toFixed(0), '', '');
    row(
      'initial sync: desktop peak memory (MB)',
      sync.maxRssMb.toFixed(0),
      `${base.maxRssMb.toFixed(0)} NDJSON`,
      '',
    );

    // 3. A mark changed centrally, then an on-demand sync of an idle replica.
    const app = boot({ dbPath: replica, demoIfMissing: null, log: () => undefined });
    const mark = app.db.$client
      .prepare("SELECT lesson_id l, student_id s FROM marks WHERE attendance = 'p' LIMIT 1")
      .get() as { l: number; s: number };
    const H = {
      [HEADER.protocol]: '1',
      [HEADER.schema]: String(SCHEMA_VERSION),
      'content-type': 'application/json',
    };
    const admin = (await (
      await fetch(`${gw.url}/auth/login`, {
        method: 'POST',
        headers: H,
        body: JSON.stringify({
          login: 'admin',
          password: 'demo',
          deviceId: '00000000-0000-4000-8000-00000000be00',
        }),
      })
    ).json()) as { token: string };
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await fetch(`${gw.url}/admin/edit`, {
        method: 'POST',
        headers: { ...H, authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({
          changes: [
            {
              table: 'marks',
              key: { lesson_id: mark.l, student_id: mark.s },
              set: { attendance: i % 2 ? 'p' : 'a', grade: null },
            },
          ],
        }),
      });
      await app.deps.sync.sync();
      const now = app.db.$client
        .prepare('SELECT attendance FROM marks WHERE lesson_id = ? AND student_id = ?')
        .get(mark.l, mark.s) as { attendance: string };
      if (now.attendance !== (i % 2 ? 'p' : 'a')) throw new Error('the change did not arrive');
      times.push(performance.now() - t0);
    }
    app.close();
    times.sort((a, b) => a - b);
    row(
      'central mark change → idle replica, on-demand sync (ms, median of 20)',
      (times[10] ?? 0).toFixed(0),
      '',
      '',
    );
  } finally {
    await gw.close();
    await drop();
  }
}
