import { openReplica } from '../db/open';
import { serveWorker } from '../jobs/worker-job';
import { printJournals, type PrintedFile } from './batch';
import type { PrintJobInput } from './run-job';

/**
 * The print worker: prints a batch from its own read-only connection to the replica, in a thread with
 * its own heap limit (src-main/jobs/worker-job.ts), reporting progress and obeying "cancel".
 */
serveWorker<PrintJobInput, PrintedFile[]>(async (input, opts) => {
  const db = openReplica(input.dbPath, { readonly: true });
  try {
    return await printJournals(db, input.batch, input.outDir, {
      locale: input.locale,
      now: input.now,
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
  } finally {
    db.$client.close();
  }
});
