import { call } from '../../api/client';
import { useI18n } from '../../i18n/I18n';
import { ErrorState, Loading } from '../../ui/States';
import { useAction } from '../../ui/use-action';
import { useCall } from '../../ui/use-call';
import { backupTime } from '../backup/BackupScreen';
import { LoginHead } from './LoginScreen';

/**
 * The login screen of a damaged replica (issue 7): the file failed its integrity check, so nobody can
 * log in; it says so plainly and offers the newest good backup, restorable without logging in. After
 * the restore the normal login follows (`onRestored`).
 */
export function DamagedReplica({ onRestored }: { onRestored: (notice: string) => void }) {
  const { t } = useI18n();
  const status = useCall('backup.status', {});
  const action = useAction();
  const offer = status.data?.offer ?? null;

  const restore = () => {
    if (!offer) return;
    action.run(
      () => call('backup.restore', { name: offer.name }),
      (r) => onRestored(t('backup.restored', { time: backupTime(r.restored.time) })),
    );
  };

  return (
    <div className="login-page">
      <div className="login-card damaged" role="alert" aria-labelledby="damaged-title">
        <LoginHead />
        <h1 id="damaged-title">{t('backup.damaged.title')}</h1>
        <p>{t('backup.damaged.body')}</p>
        {status.error ? <ErrorState error={status.error} onRetry={status.reload} /> : null}
        {!status.data && !status.error ? <Loading /> : null}
        {status.data && offer ? (
          <>
            <p className="offer">
              {t('backup.damaged.offer', {
                time: backupTime(offer.time),
                kind: t(`backup.kind.${offer.kind}`),
              })}
            </p>
            <button
              type="button"
              className="btn primary"
              autoFocus
              disabled={action.busy}
              onClick={restore}
              data-testid="restore-offer"
            >
              {action.busy
                ? t('backup.restoring')
                : t('backup.damaged.restore', { time: backupTime(offer.time) })}
            </button>
          </>
        ) : null}
        {status.data && !offer ? <p className="form-error">{t('backup.damaged.none')}</p> : null}
        {action.error ? <ErrorState error={action.error} /> : null}
        {status.data && status.data.messages.length > 0 ? (
          <details className="damage-details">
            <summary>{t('backup.damaged.details')}</summary>
            <ul>
              {status.data.messages.map((m, i) => (
                <li key={i}>{m}</li>
              ))}
            </ul>
          </details>
        ) : null}
      </div>
    </div>
  );
}
