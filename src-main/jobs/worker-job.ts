import { existsSync } from 'node:fs';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { CancelledError, type Progress } from './job';

/**
 * Long jobs that allocate fast (printing, archive packages) run in a worker thread with its own heap
 * limit: without one V8 lets the heap grow far past the live data (~380 MB for printing the faculty
 * demo on this machine against ~210 MB held to 256 MB), and the backend answers other calls meanwhile.
 */
export const JOB_HEAP_MB = 256;

export type WorkerMessage<R> =
  | { kind: 'progress'; progress: Progress }
  | { kind: 'done'; result: R }
  | { kind: 'cancelled'; error: string }
  | { kind: 'failed'; error: string; code?: string; params?: Record<string, string | number> };

/**
 * A worker's entry: the built file `<name>.js` beside the app bundle; under tsx and the tests the
 * TypeScript source, loaded after registering tsx in the worker (it does not inherit the main thread's
 * hooks).
 */
function workerEntry(name: string, source: URL, here: string): { code: string | URL; eval: boolean } {
  if (!here.endsWith('.ts')) {
    // Beside the bundle's entry (this code may sit in the entry or in one of its chunks/).
    const built = [new URL(`./${name}.js`, here), new URL(`../${name}.js`, here)];
    return { code: built.find((u) => existsSync(u)) ?? built[0], eval: false };
  }
  return {
    code: `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); })`,
    eval: true,
  };
}

/**
 * Run a job in a worker (`name`: the bundle's entry name; `source`: the worker's TypeScript module);
 * resolves with its result, rejects with CancelledError when `signal` aborts.
 */
export function runInWorker<I, R>(
  worker: { name: string; source: URL; here: string },
  input: I,
  opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
): Promise<R> {
  const entry = workerEntry(worker.name, worker.source, worker.here);
  return new Promise((resolve, reject) => {
    const w = new Worker(entry.code, {
      eval: entry.eval,
      workerData: input,
      resourceLimits: { maxOldGenerationSizeMb: JOB_HEAP_MB },
    });
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      f();
      void w.terminate();
    };
    const onAbort = () => w.postMessage('cancel');
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort);
    w.on('message', (m: WorkerMessage<R>) => {
      if (m.kind === 'progress') opts.onProgress?.(m.progress);
      else if (m.kind === 'done') finish(() => resolve(m.result));
      else if (m.kind === 'cancelled') finish(() => reject(new CancelledError()));
      else
        finish(() =>
          reject(Object.assign(new Error(m.error), m.code ? { workerCode: m.code, params: m.params } : {})),
        );
    });
    w.on('error', (err) => finish(() => reject(err)));
    w.on('exit', (code) => finish(() => reject(new Error(`the ${worker.name} stopped (exit code ${code})`))));
  });
}

/** The worker side: run `job` on the input, post progress and the outcome, obey "cancel". */
export function serveWorker<I, R>(
  job: (input: I, opts: { signal: AbortSignal; onProgress: (p: Progress) => void }) => Promise<R>,
): void {
  const port = parentPort;
  if (!port) throw new Error('a job worker must run in a worker thread');
  const abort = new AbortController();
  port.on('message', (m: unknown) => {
    if (m === 'cancel') abort.abort();
  });
  const post = (m: WorkerMessage<R>) => port.postMessage(m);
  job(workerData as I, {
    signal: abort.signal,
    onProgress: (progress) => post({ kind: 'progress', progress }),
  }).then(
    (result) => post({ kind: 'done', result }),
    (err: unknown) => {
      const e = err as {
        name?: string;
        message?: string;
        code?: unknown;
        params?: Record<string, string | number>;
      };
      if (e?.name === 'CancelledError') post({ kind: 'cancelled', error: 'cancelled' });
      else
        post({
          kind: 'failed',
          error: e?.message ?? String(err),
          ...(typeof e?.code === 'string' ? { code: e.code, params: e.params } : {}),
        });
    },
  );
}
