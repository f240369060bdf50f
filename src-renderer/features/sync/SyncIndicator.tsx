import { bishkekTime } from '../../../src-shared/domain/time';
import { useI18n } from '../../i18n/I18n';
import { useSyncStatus } from './use-sync';

/** The shell's always-visible sync state: online/offline, last sync, pending and conflicted counts. */
export function SyncIndicator({ onOpen }: { onOpen: () => void }) {
  const { t } = useI18n();
  const { status } = useSyncStatus();
  if (!status) return null;
  if (!status.configured) {
    return (
      <button type="button" className="sync-ind off" onClick={onOpen} data-testid="sync-indicator">
        {t('sync.off')}
      </button>
    );
  }
  const state = status.syncing
    ? 'running'
    : status.online === false
      ? 'offline'
      : status.online
        ? 'online'
        : 'unknown';
  return (
    <button
      type="button"
      className={`sync-ind ${state}`}
      onClick={onOpen}
      data-testid="sync-indicator"
      title={status.lastError ?? ''}
    >
      <span className="dot" />
      {status.syncing ? t('sync.running') : t(`sync.${state === 'running' ? 'online' : state}`)}
      <span>
        · {status.lastSyncAt ? t('sync.lastSync', { at: bishkekTime(status.lastSyncAt) }) : t('sync.never')}
      </span>
      {status.pending > 0 ? (
        <span className="warn">· {t('sync.pending', { count: status.pending })}</span>
      ) : null}
      {status.conflicts > 0 ? (
        <span className="bad">· {t('sync.conflicts', { count: status.conflicts })}</span>
      ) : null}
    </button>
  );
}
