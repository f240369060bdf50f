import { useEffect, useRef, useState } from 'react';
import type { RetentionRow } from '../../../src-shared/contract/archive.contract';
import { confirmsYear } from '../../../src-shared/domain/retention';
import { formatBishkekStamp } from '../../../src-shared/domain/time';
import { formatDateShort } from '../../../src-shared/i18n/format';
import { call } from '../../api/client';
import { useSessionUser } from '../../app-context';
import { useI18n } from '../../i18n/I18n';
import { EmptyState, ErrorState, Loading } from '../../ui/States';
import { useAction } from '../../ui/use-action';
import { useCall } from '../../ui/use-call';

const rowKey = (r: RetentionRow) => `${r.academicYearId}:${r.unit.kind}:${r.unit.id ?? ''}`;

/**
 * The retention register (issue 7, item 3; §1.7, §5.6, §5.7): per academic year and archive unit, until
 * when the electronic records are kept, whether they are due, purged or waiting for AVN, the archive
 * packages of them, and where the year's paper journals are. An archivist requests the purge of a due
 * year covered by a verified package; the deanery looks.
 */
export function RetentionView() {
  const { t, locale } = useI18n();
  const user = useSessionUser();
  const archivist = user.grants.some((g) => g.role === 'archivist');
  const [onlyDue, setOnlyDue] = useState(false);
  const list = useCall('retention.register', { due: onlyDue });
  const [confirming, setConfirming] = useState<RetentionRow | null>(null);
  const [requested, setRequested] = useState<string | null>(null);
  const data = list.data;
  return (
    <div className="print-ui retention">
      <div className="control-bar flat">
        <label className="check">
          <input type="checkbox" checked={onlyDue} onChange={(e) => setOnlyDue(e.target.checked)} />
          {t('retention.onlyDue')}
        </label>
        {data && data.due > 0 ? (
          <span className="missing">{t('retention.dueCount', { n: data.due })}</span>
        ) : null}
        {!archivist ? <span className="muted">{t('retention.viewOnly')}</span> : null}
      </div>
      {requested ? (
        <div className="verdict" role="status">
          {t('retention.requestedNote', { year: requested })}
        </div>
      ) : null}
      {list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {!data && !list.error ? <Loading /> : null}
      {data && data.years.length === 0 ? (
        <EmptyState title={onlyDue ? t('retention.emptyDue') : t('retention.empty')} />
      ) : null}
      {data && data.years.length > 0 ? (
        <table className="control-table" aria-label={t('archiveui.tab.retention')}>
          <thead>
            <tr>
              <th>{t('retention.col.year')}</th>
              <th>{t('retention.col.unit')}</th>
              <th>{t('retention.col.keptUntil')}</th>
              <th>{t('retention.col.status')}</th>
              <th>{t('retention.col.packages')}</th>
              <th>{t('retention.col.paper')}</th>
              {archivist ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {data.years.map((r) => (
              <tr
                key={rowKey(r)}
                data-year={r.name}
                className={(r.electronicDue && !r.purge?.purgedAt) || r.paper.dueForArchive > 0 ? 'due' : ''}
              >
                <td>{r.name}</td>
                <td>{r.unitName[locale]}</td>
                <td>{formatDateShort(r.keptUntil)}</td>
                <td>
                  <Status row={r} />
                </td>
                <td>
                  <Packages row={r} />
                </td>
                <td>
                  <Paper row={r} />
                </td>
                {archivist ? (
                  <td>
                    {r.purgeable ? (
                      <button
                        type="button"
                        className="btn small danger"
                        onClick={() => {
                          setRequested(null);
                          setConfirming(r);
                        }}
                      >
                        {t('retention.purge')}
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {confirming ? (
        <PurgeDialog
          row={confirming}
          onClose={() => setConfirming(null)}
          onDone={() => {
            setRequested(confirming.name);
            setConfirming(null);
            list.reload();
          }}
        />
      ) : null}
    </div>
  );
}

/** Due / not due / requested (waiting for AVN) / purged; why a due year cannot be purged yet. */
function Status({ row }: { row: RetentionRow }) {
  const { t } = useI18n();
  if (row.purge?.purgedAt) {
    const n = Object.values(row.purge.counts ?? {}).reduce((a, b) => a + b, 0);
    return (
      <span className="chip ok" title={t('retention.purgedCounts', { n })}>
        {t('retention.status.purged', { date: formatBishkekStamp(row.purge.purgedAt).slice(0, 10) })}
      </span>
    );
  }
  if (row.purge) return <span className="chip pending">{t('retention.status.requested')}</span>;
  if (!row.electronicDue) return <span className="chip quiet">{t('retention.status.notDue')}</span>;
  return (
    <>
      <span className="chip due">{t('retention.status.due')}</span>
      {row.refusal && row.refusal !== 'alreadyRequested' ? (
        <div className="muted small">{t(`retention.refusal.${row.refusal}`)}</div>
      ) : null}
    </>
  );
}

function Packages({ row }: { row: RetentionRow }) {
  const { t } = useI18n();
  if (row.packages.length === 0)
    return <span className={row.electronicDue ? 'missing' : 'muted'}>{t('retention.package.missing')}</span>;
  return (
    <>
      {row.packages.map((p) => (
        <span key={p.id} className={`chip ${p.verified ? 'ok' : 'pending'}`} title={`SHA-256 ${p.digest}`}>
          {p.period === 'year'
            ? t('retention.package.year')
            : t('retention.package.semester', { number: p.semester ?? '?' })}{' '}
          {p.verified ? `✓ ${t('retention.package.verified')}` : t('retention.package.unverified')}
        </span>
      ))}
    </>
  );
}

function Paper({ row }: { row: RetentionRow }) {
  const { t } = useI18n();
  const p = row.paper;
  if (p.total === 0) return <span className="muted">{t('retention.paper.none')}</span>;
  return (
    <>
      {t('retention.paper.inDeanery', { n: p.inDeanery })} ·{' '}
      {t('retention.paper.inArchive', { n: p.inArchive })}
      {p.dueForArchive > 0 ? (
        <>
          {' · '}
          <span className="missing">{t('retention.paper.due', { n: p.dueForArchive })}</span>
        </>
      ) : null}
    </>
  );
}

/**
 * The confirmation of a purge: what AVN will delete and what stays, the package that holds the records,
 * and the year's name typed by hand (the button waits for it; the backend checks it again).
 */
function PurgeDialog({
  row,
  onClose,
  onDone,
}: {
  row: RetentionRow;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, locale } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const save = useAction();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const pkg = row.packages.find((p) => p.id === row.coverPackageId);
  const ok = confirmsYear(typed, row.name);
  const submit = () => {
    if (!ok || !row.coverPackageId) return;
    const packageId = row.coverPackageId;
    save.run(
      () =>
        call('retention.purge', {
          academicYearId: row.academicYearId,
          unit: row.unit,
          packageId,
          confirm: typed,
        }),
      onDone,
    );
  };
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby="purge-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h3 id="purge-title">
          {t('retention.dialog.title', { year: row.name, unit: row.unitName[locale] })}
        </h3>
        <p>{t('retention.dialog.what')}</p>
        {pkg ? (
          <p className="muted">{t('retention.dialog.package', { digest: pkg.digest.slice(0, 16) })}</p>
        ) : null}
        <p>
          <strong>{t('retention.dialog.irreversible', { year: row.name })}</strong>
        </p>
        <label className="confirm-label">
          {t('retention.dialog.confirmLabel')}
          <input
            aria-label={t('retention.dialog.confirmLabel')}
            autoFocus
            value={typed}
            placeholder={row.name}
            onChange={(e) => setTyped(e.target.value)}
          />
        </label>
        {save.error ? <ErrorState error={save.error} /> : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('retention.dialog.cancel')}
          </button>
          <button type="submit" className="btn danger" disabled={!ok || save.busy}>
            {t('retention.dialog.submit')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
