import { describe, expect, it } from 'vitest';
import {
  backupName,
  backupsToKeep,
  hasDailyOf,
  parseBackupName,
  type BackupEntry,
  type BackupKind,
} from './backups';
import { bishkekInstant } from './time';

const at = (date: string, time = '03:00') => bishkekInstant(date, time);
const entry = (time: number, kind: BackupKind = 'daily', n = 1): BackupEntry => ({
  name: backupName(time, kind, n),
  time,
  kind,
});

describe('backup names', () => {
  it('carry the Bishkek time to the millisecond and the kind, and read back', () => {
    const t = bishkekInstant('2026-11-26', '13:30:05') + 42;
    expect(backupName(t, 'pre-migration')).toBe('replica-2026-11-26_13-30-05-042_pre-migration.db');
    expect(backupName(t, 'manual', 2)).toBe('replica-2026-11-26_13-30-05-042_manual_2.db');
    expect(parseBackupName(backupName(t, 'pre-migration'))).toEqual({ time: t, kind: 'pre-migration' });
    expect(parseBackupName(backupName(t, 'manual', 3))).toEqual({ time: t, kind: 'manual' });
  });

  it('ignore temp files, damaged copies and anything else', () => {
    const t = at('2026-11-26');
    for (const name of [
      `.${backupName(t, 'daily')}.123.partial`,
      `${backupName(t, 'daily')}-journal`,
      'damaged-2026-11-26.db',
      'replica.db',
      'replica-2026-11-26_03-00-00-000_weekly.db',
    ])
      expect(parseBackupName(name), name).toBeNull();
  });
});

describe('rotation', () => {
  const now = at('2026-11-26', '13:30'); // a Thursday; ISO week 2026-W48

  it('keeps the newest daily of each of the last 7 days and of each of the last 4 ISO weeks', () => {
    const list: BackupEntry[] = [];
    // Two dailies a day (03:00 and 15:00) for 40 days back.
    for (let d = 0; d < 40; d++) {
      const date = new Date(Date.UTC(2026, 10, 26 - d)).toISOString().slice(0, 10);
      list.push(entry(at(date, '03:00')), entry(at(date, '15:00')));
    }
    const keep = backupsToKeep(
      list.filter((b) => b.time <= now),
      now,
    );
    const kept = list
      .filter((b) => keep.has(b.name))
      .map((b) => new Date(b.time + 6 * 3600_000).toISOString());
    expect(kept.sort()).toEqual(
      [
        // The last four ISO weeks' newest: W45 ends Sun 8 Nov, W46 Sun 15 Nov (W47 and W48 are in the days).
        '2026-11-08T15:00',
        '2026-11-15T15:00',
        // The last 7 days, today's newest being the 03:00 one (15:00 is still to come).
        '2026-11-20T15:00',
        '2026-11-21T15:00',
        '2026-11-22T15:00',
        '2026-11-23T15:00',
        '2026-11-24T15:00',
        '2026-11-25T15:00',
        '2026-11-26T03:00',
      ].map((s) => `${s}:00.000Z`),
    );
  });

  it('keeps the newest few of every other kind apart from the dailies, and anything dated after now', () => {
    const list: BackupEntry[] = [];
    for (let i = 0; i < 14; i++) list.push(entry(now - i * 3600_000, 'manual'));
    for (const kind of ['pre-migration', 'pre-update', 'pre-restore'] as const)
      for (let i = 0; i < 8; i++) list.push(entry(now - i * 86_400_000 * 30, kind));
    const future = entry(now + 86_400_000, 'daily');
    list.push(future, entry(now - 1000, 'manual', 2));
    const keep = backupsToKeep(list, now);
    const count = (kind: BackupKind) => list.filter((b) => b.kind === kind && keep.has(b.name)).length;
    expect(count('manual')).toBe(10);
    expect(count('pre-migration')).toBe(5);
    expect(count('pre-update')).toBe(5);
    expect(count('pre-restore')).toBe(5);
    expect(keep.has(future.name)).toBe(true);
    // The newest manual ones stay, the oldest go.
    expect(keep.has(backupName(now, 'manual'))).toBe(true);
    expect(keep.has(backupName(now - 13 * 3600_000, 'manual'))).toBe(false);
  });

  it('knows whether today (Bishkek) has its daily backup', () => {
    const late = bishkekInstant('2026-11-25', '23:59');
    expect(hasDailyOf([entry(late)], now)).toBe(false);
    expect(hasDailyOf([entry(late, 'manual'), entry(at('2026-11-26', '00:01'), 'manual')], now)).toBe(false);
    expect(hasDailyOf([entry(at('2026-11-26', '00:01'))], now)).toBe(true);
  });
});
