import type Database from 'better-sqlite3';
import type { Load } from '../../src-shared/sync/facts';

/**
 * Run a registry fact loader on the replica, synchronously (better-sqlite3): inside the caller's
 * transaction, so a mutation's facts, its judgement and its write are one atomic step. The replica has
 * one writer; a loader's `lock` means nothing here.
 */
export function loadFacts<T>(sqlite: Database.Database, load: Load<T>): T {
  let step = load.next();
  while (!step.done) {
    const q = step.value;
    step = load.next(sqlite.prepare(q.sql).all(...(q.params as unknown[])));
  }
  return step.value;
}
