import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { startGateway, type RunningGateway } from '../../src-gateway/server';

/**
 * A fresh central database per test, from the prepared templates: PGlite always; PostgreSQL too when
 * DATABASE_URL is set (`.ci/run` sets it). `BACKENDS` lists what this run tests.
 */
export type Backend = 'pglite' | 'postgres';
export const BACKENDS: Backend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export type TestGateway = RunningGateway & {
  backend: Backend;
  stop: () => Promise<void>;
  opts: { dataDir?: string; databaseUrl?: string };
};

export async function freshCentral(
  backend: Backend,
): Promise<{ opts: { dataDir?: string; databaseUrl?: string }; drop: () => Promise<void> }> {
  if (backend === 'pglite') {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'avn-central-')), 'pglite');
    cpSync(inject('centralTemplate'), dataDir, { recursive: true });
    return { opts: { dataDir }, drop: () => Promise.resolve() };
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  // Named after this run's template (avn_tpl_<pid>), so a run's teardown drops only its own databases.
  const run = inject('pgTemplate').replace(/^avn_tpl_/, '');
  const name = `avn_t_${run}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    opts: { databaseUrl: u.toString() },
    drop: async () => {
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** A gateway on a fresh central database, in this process, on a free loopback port. */
export async function testGateway(backend: Backend, now?: number | (() => number)): Promise<TestGateway> {
  const c = await freshCentral(backend);
  // Tests make central edits through /admin/edit.
  const g = await startGateway({ ...c.opts, port: 0, now, log: () => undefined, devEndpoints: true });
  let dropped = false;
  return {
    ...g,
    backend,
    opts: c.opts,
    stop: async () => {
      await g.close();
      if (!dropped) {
        dropped = true;
        await c.drop();
      }
    },
  };
}
