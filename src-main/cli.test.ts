import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ENTITY_TABLES } from './db/replica.repo';
import { describe, expect, it } from 'vitest';
import { readReplicaId } from './db/backup';
import { openReplica } from './db/open';
import { damageMiddle } from '../tests/helpers/damage';
import { tinyReplica } from '../tests/helpers/replica';

/** The CLI as a user runs it: a child process, its output and its exit code. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, AVN_DESK_HOME: mkdtempSync(join(tmpdir(), 'avn-home-')) },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('cli', () => {
  it('info counts every entity of the replica', () => {
    const file = tinyReplica();
    const r = cli('info', '--db', file, '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out) as { counts: Record<string, number>; demoNow: string };
    const db = new Database(file, { readonly: true });
    const count = (t: string) => (db.prepare(`SELECT count(*) n FROM ${t}`).get() as { n: number }).n;
    expect(info.counts.students).toBe(count('students'));
    expect(info.counts.marks).toBe(count('marks'));
    expect(info.counts.substitutions).toBe(count('substitutions'));
    // Every entity of the replica, the paper register (issue 6) included.
    expect(Object.keys(info.counts).sort()).toEqual(Object.keys(ENTITY_TABLES).sort());
    expect(info.counts.paperJournals).toBe(0);
    expect(info.demoNow).toBe('2026-11-26T13:30:00+06:00');
    db.close();
    const text = cli('info', '--db', file);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/Студенты\s+\d+/);
  });

  it('control prints the last full week per department, equal to the API, and refuses bad input', () => {
    const file = tinyReplica();
    const json = cli('control', '--db', file, '--json');
    expect(json.code, json.err).toBe(0);
    const r = JSON.parse(json.out) as {
      period: { week: string };
      by: string;
      total: { due: number; missing: number };
      rows: Array<{ name: { ru: string }; figures: { due: number } }>;
    };
    expect(r.period.week).toBe('2026-W47');
    expect(r.by).toBe('department');
    expect(r.total.due).toBeGreaterThan(0);
    expect(r.rows.reduce((n, x) => n + x.figures.due, 0)).toBe(r.total.due);
    const text = cli('control', '--db', file);
    expect(text.code).toBe(0);
    expect(text.out).toContain('Контроль заполнения журнала — 2026-W47');
    for (const row of r.rows) expect(text.out).toContain(row.name.ru);
    expect(text.out).toMatch(new RegExp(`Итого\\s+${r.total.due}\\s`));
    const owed = cli(
      'control',
      '--db',
      file,
      '--by',
      'teacher',
      '--unit',
      'faculty:1',
      '--lessons',
      '--locale',
      'ky',
    );
    expect(owed.code, owed.err).toBe(0);
    expect(owed.out).toContain('Окутуучулар боюнча');
    expect(owed.out).toContain('Карызы бар сабактар');
    expect(cli('control', '--db', file, '--week', '2026-W50')).toMatchObject({
      code: 2,
      err: expect.stringContaining('ещё не наступил'),
    });
    expect(cli('control', '--db', file, '--unit', 'department:9999')).toMatchObject({
      code: 2,
      err: expect.stringContaining('Нет такого подразделения'),
    });
    expect(cli('control', '--db', file, '--by', 'room')).toMatchObject({ code: 2 });
    const xlsx = join(mkdtempSync(join(tmpdir(), 'avn-cli-')), 'control.xlsx');
    const withFile = cli('control', '--db', file, '--unit', 'faculty:1', '--xlsx', xlsx);
    expect(withFile.code, withFile.err).toBe(0);
    expect(withFile.out).toContain(`Excel: ${xlsx}`);
    expect(readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');
    const pdf = join(mkdtempSync(join(tmpdir(), 'avn-cli-')), 'act.pdf');
    const notices = join(mkdtempSync(join(tmpdir(), 'avn-cli-')), 'notices.pdf');
    const docs = cli('control', '--db', file, '--pdf', pdf, '--notices', notices, '--locale', 'ky');
    expect(docs.code, docs.err).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(readFileSync(notices).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('demo writes a replica with the requested today', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'avn-cli-')), 'd.db');
    const r = cli('demo', '--scale', 'tiny', '--today', '2026-10-15', '--db', file);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('today 2026-10-15');
    const db = new Database(file, { readonly: true });
    const now = (db.prepare("SELECT value FROM meta WHERE key = 'demo.now'").get() as { value: string })
      .value;
    expect(new Date(Number(now)).toISOString()).toBe('2026-10-15T07:30:00.000Z');
    db.close();
  });

  it('fails with a non-zero exit code and a clear message', () => {
    expect(cli('demo', '--scale', 'huge', '--db', '/tmp/x.db')).toMatchObject({ code: 2 });
    expect(cli('demo', '--scale', 'huge', '--db', '/tmp/x.db').err).toContain(
      '--scale must be one of tiny, faculty, university',
    );
    expect(
      cli(
        'demo',
        '--scale',
        'tiny',
        '--today',
        '2026-07-10',
        '--db',
        join(mkdtempSync(join(tmpdir(), 'avn-cli-')), 'x.db'),
      ).code,
    ).toBe(1);
    expect(cli('info', '--db', '/nonexistent/replica.db')).toMatchObject({ code: 2 });
    expect(cli('info', '--bogus').code).toBe(2);
    expect(cli('frobnicate').code).toBe(2);
    // A replica that is not a demo is not replaced without --force.
    const real = join(mkdtempSync(join(tmpdir(), 'avn-cli-')), 'real.db');
    openReplica(real).$client.close();
    const refused = cli('demo', '--scale', 'tiny', '--db', real);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--force');
  });

  it('backup create, list and restore (a name or --latest); a damaged replica points to the restore', () => {
    const file = tinyReplica();
    const made = cli('backup', 'create', '--db', file, '--json');
    expect(made.code, made.err).toBe(0);
    const b = JSON.parse(made.out) as { name: string; kind: string; file: string };
    expect(b).toMatchObject({ kind: 'manual' });
    // Issue 14: in the replica's own folder, named by the id the file now carries.
    expect(b.file).toBe(join(dirname(file), 'backups', readReplicaId(file) ?? 'none', b.name));
    const list = cli('backup', 'list', '--db', file);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`manual\\s+[\\d,]+ MB\\s+${b.name.replace(/[.]/g, '\\.')}`));
    // Damage the replica: commands that open it say so and name the way out.
    damageMiddle(file);
    const info = cli('sync', '--db', file);
    expect(info.code).toBe(1);
    expect(info.err).toContain('is damaged');
    expect(info.err).toContain('backup restore --latest');
    const restored = cli('backup', 'restore', '--latest', '--db', file);
    expect(restored.code, restored.err).toBe(0);
    expect(restored.out).toContain(`Restored ${file} from ${b.file}`);
    expect(restored.out).toMatch(/unreadable; moved to .*damaged-/);
    expect(cli('info', '--db', file).code).toBe(0);
    // By name: the replaced (now intact) file is kept as a pre-restore backup.
    const byName = cli('backup', 'restore', b.name, '--db', file);
    expect(byName.code, byName.err).toBe(0);
    expect(byName.out).toContain('pre-restore');
    expect(cli('backup', 'restore', '--db', file)).toMatchObject({ code: 2 });
    expect(cli('backup', 'restore', 'nope.db', '--db', file)).toMatchObject({ code: 2 });
  });

  it('has --help on every command', () => {
    for (const c of ['demo', 'info', 'backup']) {
      const r = cli(c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: npm run cli -- ${c}`);
      expect(r.out).toContain('--db FILE');
    }
    expect(cli('--help')).toMatchObject({ code: 0 });
  });
});
