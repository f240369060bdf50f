import { entityCounts } from '../db/replica.repo';
import type { Deps, Handlers } from './context';

export function replicaHandlers(d: Deps): Pick<Handlers, 'replica.counts'> {
  return { 'replica.counts': () => entityCounts(d.db) };
}
