import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Locale } from '../../src-shared/i18n/translate';
import { CancelledError } from '../jobs/job';
import type { PrintedFile, PrintUnit } from './batch';

/**
 * Batch printing runs in a worker thread with its own heap limit: pdf-lib allocates fast, and without a
 * limit V8 lets the heap grow far past the live data (~380 MB for the faculty demo on this machine
 * against ~210 MB held to 256 MB), and the backend's other calls stay responsive meanwhile.
 */
export const PRINT_HEAP_MB = 256;

export type PrintJobInput = {
  dbPath: string;
  batch: { unit: PrintUnit | null; semesterId?: number; combined?: boolean };
  outDir: string;
  locale: Locale;
  now: number;
};

export type WorkerMessage =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'done'; files: PrintedFile[] }
  | { kind: 'cancelled'; error: string }
  | { kind: 'failed'; error: string };

/**
 * The worker's entry: the built file beside the app bundle; under tsx and the tests the TypeScript
 * source, loaded after registering tsx in the worker (it does not inherit the main thread's hooks).
 */
function workerEntry(): { code: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) {
    // Beside the bundle's entry (this code may sit in the entry or in one of its chunks/).
    const built = [
      new URL('./print-worker.js', import.meta.url),
      new URL('../print-worker.js', import.meta.url),
    ];
    return { code: built.find((u) => existsSync(u)) ?? built[0], eval: false };
  }
  const source = new URL('./worker.ts', import.meta.url).href;
  return {
    code: `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`,
    eval: true,
  };
}

/** Print in a worker; resolves with the files, rejects with CancelledError when `signal` aborts. */
export function runPrintJob(
  input: PrintJobInput,
  opts: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void } = {},
): Promise<PrintedFile[]> {
  const entry = workerEntry();
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry.code, {
      eval: entry.eval,
      workerData: input,
      resourceLimits: { maxOldGenerationSizeMb: PRINT_HEAP_MB },
    });
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
      void worker.terminate();
    };
    const onAbort = () => worker.postMessage('cancel');
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort);
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'progress') opts.onProgress?.(m);
      else if (m.kind === 'done') finish(() => resolve(m.files));
      else if (m.kind === 'cancelled') finish(() => reject(new CancelledError()));
      else finish(() => reject(new Error(m.error)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`the print worker stopped (exit code ${code})`))),
    );
  });
}
