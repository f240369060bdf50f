import { bishkekDate, type IsoDate } from '../src-shared/domain/time';
import { getMeta, META } from './db/meta';
import type { Db } from './db/open';

/**
 * The one clock (DOMAIN.md, Time). Wall time, or for a demo replica its stored "now": the clock starts
 * at the demo's instant and runs on from there, so every start of the desktop, web mode, CLI and tests
 * sees the same demo day. Tests fix it by passing `now`.
 */
export type Clock = {
  now: () => number;
  /** The Bishkek calendar date of now(). */
  today: () => IsoDate;
  /** The demo's stored instant, or null for a real replica. */
  demoNow: number | null;
};

export function makeClock(db: Db, override?: () => number): Clock {
  const stored = getMeta(db, META.demoNow);
  const demoNow = stored === null ? null : Number(stored);
  let now: () => number;
  if (override) now = override;
  else if (demoNow !== null) {
    const started = Date.now();
    now = () => demoNow + (Date.now() - started);
  } else now = () => Date.now();
  return { now, today: () => bishkekDate(now()), demoNow };
}
