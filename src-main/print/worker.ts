import { parentPort, workerData } from 'node:worker_threads';
import { openReplica } from '../db/open';
import { printJournals } from './batch';
import type { PrintJobInput, WorkerMessage } from './run-job';

/**
 * The print worker: prints a batch from its own read-only connection to the replica, in a thread with
 * its own heap limit (see run-job.ts), reporting progress and obeying "cancel".
 */
const input = workerData as PrintJobInput;
const port = parentPort;
if (!port) throw new Error('the print worker must run in a worker thread');
const abort = new AbortController();
port.on('message', (m: unknown) => {
  if (m === 'cancel') abort.abort();
});
const post = (m: WorkerMessage) => port.postMessage(m);
const db = openReplica(input.dbPath, { readonly: true });
printJournals(db, input.batch, input.outDir, {
  locale: input.locale,
  now: input.now,
  signal: abort.signal,
  onProgress: (p) => post({ kind: 'progress', done: p.done, total: p.total }),
}).then(
  (files) => {
    db.$client.close();
    post({ kind: 'done', files });
  },
  (err: unknown) => {
    db.$client.close();
    const cancelled = err instanceof Error && err.name === 'CancelledError';
    post({
      kind: cancelled ? 'cancelled' : 'failed',
      error: err instanceof Error ? err.message : String(err),
    });
  },
);
