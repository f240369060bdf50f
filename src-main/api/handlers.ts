import { appHandlers } from './app.handlers';
import { authHandlers } from './auth.handlers';
import type { Deps, Handlers } from './context';
import { journalHandlers } from './journal.handlers';
import { replicaHandlers } from './replica.handlers';

/** Every handler of the contract, one area file each. */
export function makeHandlers(d: Deps): Handlers {
  return { ...appHandlers(d), ...authHandlers(d), ...journalHandlers(d), ...replicaHandlers(d) };
}
