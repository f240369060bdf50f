import { addDays, BISHKEK_OFFSET_MS, bishkekDate, formatIsoWeek, isoWeekOf, type IsoDate } from './time';

/**
 * Backups of the local replica (DOMAIN.md, Roles: "backups and restore of the local replica — admin,
 * this PC"): how a backup file is named, and which backups rotation keeps. Pure, so the rule is tested
 * without files.
 */
export const BACKUP_KINDS = ['daily', 'manual', 'pre-migration', 'pre-update', 'pre-restore'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

/** A backup as rotation sees it: its file name, when it was made and what made it. */
export type BackupEntry = { name: string; time: number; kind: BackupKind };

/** How many backups rotation keeps: dailies by day and ISO week, the other kinds by count. */
export const BACKUP_LIMITS = {
  days: 7,
  weeks: 4,
  manual: 10,
  'pre-migration': 5,
  'pre-update': 5,
  'pre-restore': 5,
} as const;

const NAME =
  /^replica-(\d{4}-\d{2}-\d{2})_(\d{2})-(\d{2})-(\d{2})-(\d{3})_(daily|manual|pre-migration|pre-update|pre-restore)(?:_(\d+))?\.db$/;

/**
 * The file name of a backup made at `time` (Bishkek time, which has no daylight saving, so the name
 * sorts and reads as the admin's clock): `replica-2026-11-26_13-30-00-123_daily.db`. `n` > 1 tells
 * apart two backups of the same millisecond.
 */
export function backupName(time: number, kind: BackupKind, n = 1): string {
  // 2026-11-26T13:30:00.123 in Bishkek time.
  const local = new Date(time + BISHKEK_OFFSET_MS).toISOString().slice(0, 23);
  const stamp = `${local.slice(0, 10)}_${local.slice(11, 23).replace(/[:.]/g, '-')}`;
  return `replica-${stamp}_${kind}${n > 1 ? `_${n}` : ''}.db`;
}

/** The time and kind a backup's name carries; null for any other file (temp files, damaged copies). */
export function parseBackupName(name: string): { time: number; kind: BackupKind } | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [, date, h, min, s, ms, kind] = m;
  const utc = Date.parse(`${date}T${h}:${min}:${s}.${ms}+06:00`);
  if (Number.isNaN(utc)) return null;
  return { time: utc, kind: kind as BackupKind };
}

/**
 * Which backups rotation keeps at `now`: of the dailies, the newest of each of the last 7 Bishkek days
 * and the newest of each of the last 4 ISO weeks (this one included); of every other kind, the newest
 * few (BACKUP_LIMITS). A backup dated after `now` is kept: a clock set back must not delete good copies.
 */
export function backupsToKeep(
  list: readonly BackupEntry[],
  now: number,
  limits: typeof BACKUP_LIMITS = BACKUP_LIMITS,
): Set<string> {
  const keep = new Set<string>();
  const newestFirst = [...list].sort((a, b) => b.time - a.time || (a.name < b.name ? 1 : -1));
  const today = bishkekDate(now);
  const days = new Set<IsoDate>();
  for (let d = 0; d < limits.days; d++) days.add(addDays(today, -d));
  const weeks = new Set<string>();
  for (let w = 0; w < limits.weeks; w++) weeks.add(formatIsoWeek(isoWeekOf(addDays(today, -7 * w))));
  const seenDays = new Set<string>();
  const seenWeeks = new Set<string>();
  const counts = new Map<BackupKind, number>();
  for (const b of newestFirst) {
    if (b.time > now) {
      keep.add(b.name);
      continue;
    }
    if (b.kind === 'daily') {
      const day = bishkekDate(b.time);
      const week = formatIsoWeek(isoWeekOf(day));
      if (days.has(day) && !seenDays.has(day)) {
        seenDays.add(day);
        keep.add(b.name);
      }
      if (weeks.has(week) && !seenWeeks.has(week)) {
        seenWeeks.add(week);
        keep.add(b.name);
      }
      continue;
    }
    const n = (counts.get(b.kind) ?? 0) + 1;
    counts.set(b.kind, n);
    if (n <= limits[b.kind]) keep.add(b.name);
  }
  return keep;
}

/** Whether a daily backup of the Bishkek day of `now` exists already. */
export function hasDailyOf(list: readonly BackupEntry[], now: number): boolean {
  const today = bishkekDate(now);
  return list.some((b) => b.kind === 'daily' && bishkekDate(b.time) === today);
}
