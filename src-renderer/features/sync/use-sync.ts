import { useCallback, useEffect, useState } from 'react';
import type { Output } from '../../../src-shared/contract';
import { call, onEvent } from '../../api/client';

export type SyncStatus = Output<'sync.status'>;
export type SyncProgress = { phase: string; done: number; total: number };

/** The sync state, kept fresh by backend pushes and a slow poll (the background timer syncs too). */
export function useSyncStatus(): {
  status: SyncStatus | null;
  progress: SyncProgress | null;
  refresh: () => void;
} {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const refresh = useCallback(() => {
    call('sync.status', {}).then(setStatus, () => undefined);
  }, []);
  useEffect(() => {
    refresh();
    const poll = setInterval(refresh, 5000);
    const off = onEvent((e) => {
      if (e.name === 'sync.status') {
        const s = e.payload as SyncStatus;
        setStatus(s);
        if (!s.syncing) setProgress(null);
      } else if (e.name === 'sync.progress') setProgress(e.payload as SyncProgress);
    });
    return () => {
      clearInterval(poll);
      off();
    };
  }, [refresh]);
  return { status, progress, refresh };
}
