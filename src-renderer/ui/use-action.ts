import { useCallback, useState } from 'react';
import { ApiCallError } from '../api/client';

/**
 * A user's action that calls the backend once (export, record, send): whether it is running, the
 * error it ended with, and `run`, which takes the call and what to do with its result.
 */
export function useAction(): {
  busy: boolean;
  error: ApiCallError | null;
  run: <T>(call: () => Promise<T>, done: (value: T) => void) => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiCallError | null>(null);
  const run = useCallback(<T>(call: () => Promise<T>, done: (value: T) => void) => {
    setBusy(true);
    setError(null);
    call().then(
      (value) => {
        setBusy(false);
        done(value);
      },
      (err: unknown) => {
        setBusy(false);
        setError(
          err instanceof ApiCallError ? err : new ApiCallError({ code: 'NETWORK', message: String(err) }),
        );
      },
    );
  }, []);
  return { busy, error, run };
}
