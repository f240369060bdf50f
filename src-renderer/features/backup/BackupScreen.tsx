import { useEffect, useRef, useState } from 'react';
import type { BackupDto } from '../../../src-shared/contract/backup.contract';
import { bishkekDate, formatBishkekInstant } from '../../../src-shared/domain/time';
import { formatDateShort, formatNumber } from '../../../src-shared/i18n/format';
import { call } from '../../api/client';
import { useI18n } from '../../i18n/I18n';
import { EmptyState, ErrorState, Loading } from '../../ui/States';
import { useAction } from '../../ui/use-action';
import { useCall } from '../../ui/use-call';

/** A backup's time as the admin reads it: Bishkek date and time to the second (two may share a minute). */
export const backupTime = (ms: number) =>
  `${formatDateShort(bishkekDate(ms))} ${formatBishkekInstant(ms).slice(11, 19)}`;

/**
 * Backups of the replica (the admin's, DOMAIN.md Roles): the list with time, kind and size, «Создать
 * копию», and «Восстановить» behind a confirmation. A restore reopens the replica and ends every
 * session, so the app goes back to the login screen with a note (`onRestored`).
 */
export function BackupScreen({ onRestored }: { onRestored: (notice: string) => void }) {
  const { t } = useI18n();
  const list = useCall('backup.list', {});
  const action = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<BackupDto | null>(null);

  const create = () => {
    setMessage(null);
    action.run(
      () => call('backup.create', {}),
      (b) => {
        setMessage(t('backup.created', { name: b.name }));
        list.reload();
      },
    );
  };

  const restore = (b: BackupDto) => {
    setConfirming(null);
    setMessage(null);
    action.run(
      () => call('backup.restore', { name: b.name }),
      (r) => onRestored(t('backup.restored', { time: backupTime(r.restored.time) })),
    );
  };

  return (
    <div className="backup-screen">
      <section className="card">
        <h2>{t('backup.title')}</h2>
        <p className="muted">{t('backup.hint')}</p>
        <div className="row">
          <button
            type="button"
            className="btn primary"
            onClick={create}
            disabled={action.busy}
            data-testid="backup-create"
          >
            {action.busy && !confirming ? t('backup.creating') : t('backup.create')}
          </button>
          {action.busy ? (
            <div className="loading inline" role="progressbar" aria-label={t('app.loading')}>
              <div className="loading-bar" />
            </div>
          ) : null}
          {list.data ? (
            <span className="muted backup-dir">{t('backup.folder', { dir: list.data.dir })}</span>
          ) : null}
        </div>
        {message ? (
          <div className="note ok" role="status">
            {message}
          </div>
        ) : null}
        {action.error ? <ErrorState error={action.error} /> : null}
        {list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
        {!list.data && !list.error ? <Loading /> : null}
        {list.data && list.data.backups.length === 0 ? <EmptyState title={t('backup.empty')} /> : null}
        {list.data && list.data.backups.length > 0 ? (
          <table className="table backup-table">
            <thead>
              <tr>
                <th>{t('backup.col.time')}</th>
                <th>{t('backup.col.kind')}</th>
                <th className="num">{t('backup.col.size')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.backups.map((b) => (
                <tr key={b.name} data-backup={b.name}>
                  <td title={b.name}>{backupTime(b.time)}</td>
                  <td>{t(`backup.kind.${b.kind}`)}</td>
                  <td className="num">{t('backup.sizeMb', { size: formatNumber(b.size / 1048576, 1) })}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn small"
                      disabled={action.busy}
                      onClick={() => setConfirming(b)}
                    >
                      {t('backup.restore')}…
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      {confirming ? (
        <ConfirmRestore
          backup={confirming}
          onCancel={() => setConfirming(null)}
          onConfirm={() => restore(confirming)}
        />
      ) : null}
    </div>
  );
}

/** The confirmation of a restore: Esc or «Отмена» cancels (focused first: the action cannot be undone here). */
function ConfirmRestore({
  backup,
  onCancel,
  onConfirm,
}: {
  backup: BackupDto;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useI18n();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="restore-title">
        <h2 id="restore-title">{t('backup.confirmTitle', { time: backupTime(backup.time) })}</h2>
        <p>{t('backup.confirmBody')}</p>
        <div className="row end">
          <button type="button" className="btn" ref={cancelRef} onClick={onCancel}>
            {t('backup.cancel')}
          </button>
          <button type="button" className="btn danger" onClick={onConfirm}>
            {t('backup.confirm')}
          </button>
        </div>
      </div>
    </div>
  );
}
