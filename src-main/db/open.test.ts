import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openReplica } from './open';

describe('opening a replica', () => {
  it('applies the migrations, runs in WAL with synchronous=FULL and enforces foreign keys', () => {
    const db = openReplica(join(mkdtempSync(join(tmpdir(), 'avn-open-')), 'r.db'));
    const sqlite = db.$client;
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (
      sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>
    ).map((t) => t.name);
    for (const t of [
      'lessons',
      'marks',
      'substitutions',
      'locks',
      'unlocks',
      'audit_log',
      'outbox',
      'enrolments',
      'subgroup_members',
    ]) {
      expect(tables).toContain(t);
    }
    expect(() =>
      sqlite
        .prepare('INSERT INTO marks (lesson_id, student_id, attendance, updated_at) VALUES (1, 1, ?, 0)')
        .run('p'),
    ).toThrow(/FOREIGN KEY/);
    // Synced tables carry the sync columns from the first migration.
    const cols = (
      sqlite.prepare("SELECT name FROM pragma_table_info('marks')").all() as Array<{ name: string }>
    ).map((c) => c.name);
    expect(cols).toEqual(expect.arrayContaining(['row_version', 'updated_at', 'updated_by']));
    db.$client.close();
  });
});
