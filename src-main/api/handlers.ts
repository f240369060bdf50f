import { appHandlers } from './app.handlers';
import { authHandlers } from './auth.handlers';
import { backupHandlers } from './backup.handlers';
import { closingHandlers } from './closing.handlers';
import { controlHandlers } from './control.handlers';
import type { Deps, Handlers } from './context';
import { journalEditHandlers } from './journal-edit.handlers';
import { journalHandlers } from './journal.handlers';
import { printHandlers } from './print.handlers';
import { documentsHandlers } from './documents.handlers';
import { archiveHandlers } from './archive.handlers';
import { retentionHandlers } from './retention.handlers';
import { replicaHandlers } from './replica.handlers';
import { subsHandlers } from './subs.handlers';
import { syncHandlers } from './sync.handlers';

/** Every handler of the contract, one area file each. */
export function makeHandlers(d: Deps): Handlers {
  const edit = journalEditHandlers(d);
  return {
    ...appHandlers(d),
    ...authHandlers(d),
    ...journalHandlers(d),
    ...edit,
    ...replicaHandlers(d),
    ...syncHandlers(d, edit),
    ...closingHandlers(d),
    ...controlHandlers(d),
    ...subsHandlers(d),
    ...printHandlers(d),
    ...documentsHandlers(d),
    ...archiveHandlers(d),
    ...retentionHandlers(d),
    ...backupHandlers(d),
  };
}
