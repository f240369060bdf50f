import { dirname, join } from 'node:path';
import type { ArchivePeriod, ArchiveUnit } from '../../src-shared/contract/archive.contract';
import { formatBishkekInstant } from '../../src-shared/domain/time';

/** Where packages are written by default: `archive/` beside the replica (the user's data folder). */
export function archiveFolder(replica: string): string {
  return join(dirname(replica), 'archive');
}

/** Where an opened package's read-only replica lives: `archives/<digest prefix>.db` beside the replica. */
export function replicaForPackage(replica: string, digest: string): string {
  return join(dirname(replica), 'archives', `${digest.slice(0, 16)}.db`);
}

/** A package's file name: unit, period and the time it was made (Bishkek), e.g. archive-faculty-1-semester-1-20261126-1330.zip. */
export function archiveFileName(unit: ArchiveUnit, period: ArchivePeriod | null, now: number): string {
  const when = formatBishkekInstant(now)
    .replace(/[^0-9]/g, '')
    .slice(0, 12);
  const u = unit.kind === 'university' ? 'university' : `${unit.kind}-${unit.id}`;
  const p = period ? `${period.kind}-${period.id}` : 'current';
  return `archive-${u}-${p}-${when.slice(0, 8)}-${when.slice(8)}.zip`;
}
