import { runInWorker } from '../jobs/worker-job';
import type { Progress } from '../jobs/job';
import type { PackageInput, PackageResult } from './package';

/** Write an archive package in a worker (src-main/jobs/worker-job.ts); rejects with CancelledError on abort. */
export function runPackageJob(
  input: PackageInput & { dbPath: string },
  opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
): Promise<PackageResult> {
  return runInWorker<PackageInput & { dbPath: string }, PackageResult>(
    { name: 'archive-worker', source: new URL('./worker.ts', import.meta.url), here: import.meta.url },
    input,
    opts,
  );
}
