import { openReplica } from '../db/open';
import { serveWorker } from '../jobs/worker-job';
import { writePackage, type PackageInput, type PackageResult } from './package';

/**
 * The archive worker: writes a package from its own read-only connection to the replica (one read
 * transaction: one snapshot), in a thread with its own heap limit, reporting progress and obeying "cancel".
 */
serveWorker<PackageInput & { dbPath: string }, PackageResult>(async (input, opts) => {
  const db = openReplica(input.dbPath, { readonly: true });
  try {
    return await writePackage(db, input, opts);
  } finally {
    db.$client.close();
  }
});
