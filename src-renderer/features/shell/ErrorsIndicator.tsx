import { useCallback, useEffect, useRef, useState } from 'react';
import type { Output } from '../../../src-shared/contract';
import { bishkekDate, bishkekTime } from '../../../src-shared/domain/time';
import { formatDateShort } from '../../../src-shared/i18n/format';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { call } from '../../api/client';
import { useI18n } from '../../i18n/I18n';

type Entry = Output<'app.recentErrors'>['entries'][number];

/** What happened, by the log's event. */
const EVENT_KEYS: Readonly<Record<string, MessageKey>> = {
  'sync.cycle.failed': 'logs.event.sync',
  'auth.login.refused': 'logs.event.loginRefused',
  'api.failed': 'logs.event.apiFailed',
  'api.output.invalid': 'logs.event.apiFailed',
  'backup.failed': 'logs.event.backupFailed',
  'replica.damaged': 'logs.event.replicaDamaged',
  'archive.job.failed': 'logs.event.archiveFailed',
  'print.job.failed': 'logs.event.printFailed',
};

/** Where: the area of the API method (by its prefix) or of the event. */
const WHERE_KEYS: Readonly<Record<string, MessageKey>> = {
  control: 'nav.control',
  messages: 'nav.control',
  journal: 'nav.journal',
  subs: 'nav.substitutions',
  print: 'nav.print',
  archive: 'nav.archive',
  retention: 'nav.archive',
  sync: 'nav.sync',
  backup: 'nav.backups',
  replica: 'nav.backups',
  auth: 'logs.where.login',
};

/** Why, by the code the log holds (the API's error codes, the gateway's, the sync engine's). */
const CODES = [
  'BAD_CREDENTIALS',
  'NETWORK',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'MUST_RESYNC',
  'MUST_UPGRADE',
  'NOT_CONNECTED',
  'ROLE_FORBIDDEN',
  'SCOPE_FORBIDDEN',
  'EDIT_FORBIDDEN',
  'LOCKED',
  'CLASH',
  'READ_ONLY',
  'SYNC_FAILED',
  'BACKUP_FAILED',
  'BACKUP_DAMAGED',
  'REPLICA_DAMAGED',
  'PACKAGE_INVALID',
  'PACKAGE_UNREGISTERED',
  'PURGE_REFUSED',
  'INTERNAL',
] as const;

const prefix = (s: string) => s.slice(0, s.indexOf('.') === -1 ? s.length : s.indexOf('.'));

/**
 * The status bar's errors (issue 14, item 5): how many warnings and errors this PC logged lately, and
 * a panel listing them — when, what happened, where and why, in the reader's language. The details for
 * the developers stay in the log file.
 */
export function ErrorsIndicator() {
  const { t } = useI18n();
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [open, setOpen] = useState(false);
  const refresh = useCallback(() => {
    call('app.recentErrors', {}).then(
      (r) => setEntries(r.entries),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    refresh();
    const poll = setInterval(refresh, 5000);
    return () => clearInterval(poll);
  }, [refresh]);
  if (!entries) return null;
  const count = entries.length;
  return (
    <>
      <button
        type="button"
        className={count > 0 ? 'errors-ind bad' : 'errors-ind'}
        data-testid="errors-indicator"
        title={t('logs.open')}
        onClick={() => {
          refresh();
          setOpen(true);
        }}
      >
        {count > 0 ? t('logs.count', { count }) : t('logs.none')}
      </button>
      {open ? <ErrorsPanel entries={entries} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function ErrorsPanel({ entries, onClose }: { entries: Entry[]; onClose: () => void }) {
  const { t } = useI18n();
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const where = (e: Entry) => {
    const key = WHERE_KEYS[prefix(e.method ?? e.event)];
    return t(key ?? 'logs.where.app');
  };
  const why = (code: string | null) => {
    if (code === null) return '';
    const known = CODES.find((c) => c === code);
    return known ? t(`logs.code.${known}`) : t('logs.code.other', { code });
  };
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div
        className="modal errors-panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby="errors-title"
        data-testid="errors-panel"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="errors-title">{t('logs.title')}</h2>
        <p className="muted">{t('logs.intro')}</p>
        {entries.length === 0 ? (
          <p>{t('logs.empty')}</p>
        ) : (
          <div className="errors-scroll">
            <table className="errors-table">
              <thead>
                <tr>
                  <th>{t('logs.col.time')}</th>
                  <th>{t('logs.col.what')}</th>
                  <th>{t('logs.col.where')}</th>
                  <th>{t('logs.col.why')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e, i) => (
                  <tr key={i} className={e.level}>
                    <td className="nowrap">
                      {formatDateShort(bishkekDate(e.at))} {bishkekTime(e.at)}
                    </td>
                    <td>
                      <span className={`level-dot ${e.level}`} title={t(`logs.level.${e.level}`)} />
                      {t(EVENT_KEYS[e.event] ?? 'logs.event.other')}
                    </td>
                    <td>{where(e)}</td>
                    <td>
                      {why(e.code)}
                      {e.code ? <code className="errors-code">{e.code}</code> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="row end">
          <button type="button" className="btn" ref={closeRef} onClick={onClose}>
            {t('logs.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
