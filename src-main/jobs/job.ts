import { existsSync, renameSync, rmSync } from 'node:fs';
import type { LogFields, Logger } from '../../src-shared/log';

/**
 * The one job machinery (ARCHITECTURE.md, Shared machinery): long work reports progress, can be
 * cancelled, and never leaves half-written output — it writes to a temporary file that is renamed
 * over the target only when the work succeeded.
 */
export type Progress = { phase: string; done: number; total: number };

export class CancelledError extends Error {
  readonly code = 'CANCELLED';
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/**
 * A job that ended without its result: cancelled (logged as info) or failed (logged as an error, with
 * the exception's text and stack in the log). Sets the view's state and error, as the screens read it.
 */
export function jobEnded(
  view: { state: string; error: string | null },
  err: unknown,
  log: { logger: Logger; event: string; fields: LogFields },
): void {
  const cancelled = err instanceof CancelledError;
  if (cancelled) log.logger.info(`${log.event}.cancelled`, log.fields);
  else log.logger.error(`${log.event}.failed`, { ...log.fields, code: 'INTERNAL' }, err);
  view.state = cancelled ? 'cancelled' : 'failed';
  view.error = cancelled ? null : String(err instanceof Error ? err.message : err);
}

export type JobContext = {
  /** Report progress of a phase (done of total units). Cheap enough to call often: it is throttled. */
  progress: (phase: string, done: number, total: number) => void;
  /** Throws CancelledError when the job was cancelled. */
  checkCancelled: () => void;
};

export type JobOptions = { onProgress?: (p: Progress) => void; signal?: AbortSignal };

/** A job context over the caller's progress callback and abort signal; progress at most every 100 ms per phase. */
export function jobContext(opts: JobOptions = {}): JobContext {
  let last = 0;
  let lastPhase = '';
  return {
    progress(phase, done, total) {
      if (!opts.onProgress) return;
      const t = performance.now();
      if (phase === lastPhase && done < total && t - last < 100) return;
      last = t;
      lastPhase = phase;
      opts.onProgress({ phase, done, total });
    },
    checkCancelled() {
      if (opts.signal?.aborted) throw new CancelledError();
    },
  };
}

/** Files that belong to a SQLite database beside the main file. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

function removeWithSideFiles(path: string): void {
  for (const suffix of ['', ...SIDE_FILES]) rmSync(path + suffix, { force: true });
}

/**
 * Run `work` against a temporary path beside `target`, then rename it over the target. On any error
 * (cancellation included) the temporary file is removed and the target is left as it was.
 */
export function writeAtomically<T>(target: string, work: (tmpPath: string) => T): T {
  const tmp = `${target}.partial`;
  removeWithSideFiles(tmp);
  try {
    const result = work(tmp);
    moveIntoPlace(tmp, target);
    return result;
  } catch (err) {
    removeWithSideFiles(tmp);
    throw err;
  }
}

/** writeAtomically for asynchronous work. */
export async function writeAtomicallyAsync<T>(
  target: string,
  work: (tmpPath: string) => Promise<T>,
): Promise<T> {
  const tmp = `${target}.partial`;
  removeWithSideFiles(tmp);
  try {
    const result = await work(tmp);
    moveIntoPlace(tmp, target);
    return result;
  } catch (err) {
    removeWithSideFiles(tmp);
    throw err;
  }
}

function moveIntoPlace(tmp: string, target: string): void {
  for (const suffix of SIDE_FILES) {
    if (existsSync(tmp + suffix))
      throw new Error(`${tmp}${suffix} still exists: close the database before renaming`);
  }
  removeWithSideFiles(target);
  renameSync(tmp, target);
}
