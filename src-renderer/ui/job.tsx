import { useEffect } from 'react';

/** What every background job of the backend reports (print.job, archive.job). */
type JobLike = {
  id: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  done: number;
  total: number;
};

/**
 * Poll a running job every 300 ms until it ends: `fetch` asks the backend for its view, `set` takes
 * it (a failed poll is retried at the next tick of the caller's state).
 */
export function useJobPolling<J extends JobLike>(
  job: J | null,
  fetch: (jobId: string) => Promise<J>,
  set: (job: J) => void,
): void {
  useEffect(() => {
    if (!job || job.state !== 'running') return;
    const timer = window.setTimeout(() => {
      fetch(job.id).then(set, () => undefined);
    }, 300);
    return () => window.clearTimeout(timer);
  }, [job, fetch, set]);
}

/** A running job: its progress bar, what it is doing, and a cancel button. */
export function JobProgress({
  job,
  label,
  text,
  cancelLabel,
  onCancel,
}: {
  job: JobLike;
  /** The progress bar's accessible name. */
  label: string;
  text: string;
  cancelLabel: string;
  onCancel: () => void;
}) {
  const pct = job.total > 0 ? Math.round((100 * job.done) / job.total) : 0;
  return (
    <>
      <div
        className="progress"
        role="progressbar"
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-label={label}
      >
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      <span>{text}</span>
      <button type="button" className="btn" onClick={onCancel}>
        {cancelLabel}
      </button>
    </>
  );
}
