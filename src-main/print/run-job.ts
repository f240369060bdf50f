import type { Locale } from '../../src-shared/i18n/translate';
import { runInWorker } from '../jobs/worker-job';
import type { PrintedFile, PrintUnit } from './batch';

export type PrintJobInput = {
  dbPath: string;
  batch: { unit: PrintUnit | null; semesterId?: number; combined?: boolean; bilingual?: boolean };
  outDir: string;
  locale: Locale;
  now: number;
};

/** Print in a worker (src-main/jobs/worker-job.ts); resolves with the files, rejects with CancelledError on abort. */
export function runPrintJob(
  input: PrintJobInput,
  opts: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void } = {},
): Promise<PrintedFile[]> {
  return runInWorker<PrintJobInput, PrintedFile[]>(
    { name: 'print-worker', source: new URL('./worker.ts', import.meta.url), here: import.meta.url },
    input,
    opts,
  );
}
