import { useCallback, useEffect, useRef, useState } from 'react';
import type { Input, MethodName, Output } from '../../src-shared/contract';
import { ApiCallError, call } from '../api/client';

export type CallState<T> = {
  data: T | null;
  error: ApiCallError | null;
  loading: boolean;
  reload: () => void;
};

type Settled<T> = { key: string; data: T | null; error: ApiCallError | null };

/**
 * Load one API method's result for the given input (null input = do not load). A newer request wins
 * over an older one still in flight, so fast clicking never shows a stale journal; while a new input
 * loads, the previous result stays on screen with `loading` set.
 */
export function useCall<M extends MethodName>(method: M, input: Input<M> | null): CallState<Output<M>> {
  const [settled, setSettled] = useState<Settled<Output<M>> | null>(null);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const key = input === null ? null : `${tick}:${JSON.stringify(input)}`;
  useEffect(() => {
    if (key === null) return;
    const mine = ++seq.current;
    const body = JSON.parse(key.slice(key.indexOf(':') + 1)) as Input<M>;
    call(method, body).then(
      (data) => {
        if (seq.current === mine) setSettled({ key, data, error: null });
      },
      (err: unknown) => {
        if (seq.current !== mine) return;
        const error =
          err instanceof ApiCallError ? err : new ApiCallError({ code: 'NETWORK', message: String(err) });
        setSettled({ key, data: null, error });
      },
    );
  }, [method, key]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  if (key === null) return { data: null, error: null, loading: false, reload };
  const current = settled?.key === key;
  return {
    data: settled?.data ?? null,
    error: current ? (settled?.error ?? null) : null,
    loading: !current,
    reload,
  };
}
