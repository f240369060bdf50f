import type { Load, Query } from '../../src-shared/sync/facts';
import type { Sql } from '../db/client';

const cache = new Map<string, string>();

/**
 * A registry query in PostgreSQL's dialect: `?` placeholders numbered `$1…` (the registry's SQL keeps
 * `?` out of string literals), and `FOR UPDATE` when the loader asks for the rows to stay locked until
 * the push's transaction ends.
 */
export function pgText(q: Query): string {
  const key = `${q.lock ? 'L' : 'R'}${q.sql}`;
  let text = cache.get(key);
  if (text === undefined) {
    let n = 0;
    text = q.sql.replace(/\?/g, () => `$${++n}`) + (q.lock ? ' FOR UPDATE' : '');
    if (cache.size < 500) cache.set(key, text);
  }
  return text;
}

/** Run a registry fact loader on the central database, inside the caller's transaction. */
export async function loadFacts<T>(q: Sql, load: Load<T>): Promise<T> {
  let step = load.next();
  while (!step.done) {
    const query = step.value;
    step = load.next(await q.query(pgText(query), [...query.params]));
  }
  return step.value;
}
