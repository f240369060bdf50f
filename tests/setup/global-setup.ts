import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { generateDemo } from '../../src-main/demo/generate';
import { openCentral } from '../../src-gateway/db/client';
import { seedCentral } from '../../src-gateway/db/seed';
import { demoRows } from '../../src-main/demo/central-rows';

/**
 * Prepared once per test run, copied by every test file (ARCHITECTURE.md, Tests: nothing shared between
 * files): the tiny demo replica, a PGlite data folder with the tiny demo loaded (MEASURED.md: a fresh
 * PGlite takes ~3 s, a reopened one ~0.4 s), and — when DATABASE_URL is set — a PostgreSQL template
 * database with the same load.
 */
let dir = '';
let pgTemplate = '';

export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'avn-test-'));
  const template = join(dir, 'tiny-template.db');
  generateDemo(template, { scale: 'tiny' });
  project.provide('tinyTemplate', template);

  const pgliteDir = join(dir, 'central-pglite');
  const demo = demoRows({ scale: 'tiny' });
  const central = await openCentral({ dataDir: pgliteDir });
  await seedCentral(central, demo);
  await central.close();
  project.provide('centralTemplate', pgliteDir);

  const url = process.env.DATABASE_URL;
  if (url) {
    pgTemplate = `avn_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pgTemplate}`);
    await admin.query(`CREATE DATABASE ${pgTemplate}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${pgTemplate}`;
    const db = await openCentral({ databaseUrl: u.toString() });
    await seedCentral(db, demo);
    await db.close();
  }
  demo.close();
  project.provide('pgTemplate', pgTemplate);
}

export async function teardown(): Promise<void> {
  if (dir) rmSync(dir, { recursive: true, force: true });
  const url = process.env.DATABASE_URL;
  if (url && pgTemplate) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // Only this run's databases (another run may share the server): `_` is a LIKE wildcard, escaped.
    const run = pgTemplate.replace(/^avn_tpl_/, '');
    const left = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $2 OR datname = $1',
      [pgTemplate, `avn\\_t\\_${run}\\_%`],
    );
    for (const d of left.rows) await admin.query(`DROP DATABASE IF EXISTS ${d.datname} WITH (FORCE)`);
    await admin.end();
  }
}

declare module 'vitest' {
  // Module augmentation needs an interface (a type alias cannot merge).
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  export interface ProvidedContext {
    tinyTemplate: string;
    centralTemplate: string;
    pgTemplate: string;
  }
}
