import { useEffect, useRef, useState } from 'react';
import type { Output } from '../../../src-shared/contract';
import type { VerifyReport } from '../../../src-shared/contract/archive.contract';
import { formatNumber } from '../../../src-shared/i18n/format';
import { ApiCallError, call } from '../../api/client';
import { useI18n } from '../../i18n/I18n';
import { ErrorState, Loading } from '../../ui/States';
import { useAction } from '../../ui/use-action';
import { useCall } from '../../ui/use-call';
import { Digest } from './Digest';

/** Which package: a name in the archive folder, or a dialog's one-time grant. */
type Ref = { name: string } | { grant: string };
/** Why the backend refused to open a package: its digest is not the registered one. */
type Unregistered = 'differs' | 'not_registered';

/** A path as one shell word (quoted when it has spaces or quotes). */
const shellWord = (s: string) => (/^[\w@%+=:,./\\-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`);

/**
 * Verify or open a package file (issue 7, item 2) — one in the app's archive folder, or (desktop) one
 * chosen in the system dialog, which the backend hands over as a one-time grant (issue 14): «Проверить» names every missing, extra
 * or altered file and a wrong digest, and says how the digest stands in the archive register;
 * «Открыть для просмотра» loads a whole package into a separate read-only replica. A package whose
 * digest is not the registered one is refused by the backend (issue 15, item 3): the person is asked
 * whether to open it all the same, and the opened copy says so on every screen.
 */
export function VerifyOpenView({ onSwitched }: { onSwitched: (notice: string) => void }) {
  const { t } = useI18n();
  const options = useCall('archive.options', {});
  const [name, setName] = useState('');
  // A file chosen in the desktop's own dialog: a one-time grant, used by one verify or open (issue 14).
  const [chosen, setChosen] = useState<{ grant: string; name: string } | null>(null);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [opened, setOpened] = useState<Output<'archive.open'> | null>(null);
  // A package refused for the register: the confirmation before opening it all the same.
  const [confirm, setConfirm] = useState<{ ref: Ref; registered: Unregistered } | null>(null);
  const action = useAction();
  if (options.error) return <ErrorState error={options.error} onRetry={options.reload} />;
  if (!options.data) return <Loading />;
  const { files, folder, dialog } = options.data;
  const picked = name && files.includes(name) ? name : (files[0] ?? '');
  const ref = chosen ? { grant: chosen.grant } : picked ? { name: picked } : null;
  const use = () => {
    setChosen(null);
    return ref;
  };
  const open = (r: Ref, force: boolean) => {
    setReport(null);
    setOpened(null);
    action.run(
      () =>
        call('archive.open', force ? { ...r, force: true } : r).then(
          (value) => ({ value, refused: null }),
          (err: unknown) => {
            if (force || !(err instanceof ApiCallError) || err.code !== 'PACKAGE_UNREGISTERED') throw err;
            const refused: Unregistered = err.params.registered === 'differs' ? 'differs' : 'not_registered';
            return { value: null, refused };
          },
        ),
      ({ value, refused }) => {
        if (value) setOpened(value);
        else if (refused) setConfirm({ ref: r, registered: refused });
      },
    );
  };
  return (
    <div className="print-ui archive">
      <form
        className="control-bar flat"
        aria-label={t('archiveui.tab.verify')}
        onSubmit={(e) => {
          e.preventDefault();
          const r = use();
          if (!r) return;
          setOpened(null);
          action.run(() => call('archive.verify', r), setReport);
        }}
      >
        <label className="field-inline grow">
          {t('archiveui.path')}
          <select
            aria-label={t('archiveui.path')}
            value={chosen ? '' : picked}
            disabled={files.length === 0}
            onChange={(e) => {
              setChosen(null);
              setName(e.target.value);
            }}
          >
            {chosen ? <option value="">{chosen.name}</option> : null}
            {files.length === 0 && !chosen ? <option value="">{t('archiveui.noFiles')}</option> : null}
            {files.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        {dialog ? (
          <button
            type="button"
            className="btn"
            disabled={action.busy}
            onClick={() =>
              action.run(
                () => call('archive.pick', { mode: 'open' }),
                (r) => setChosen(r.grant && r.name ? { grant: r.grant, name: r.name } : null),
              )
            }
          >
            {t('archiveui.pick')}
          </button>
        ) : null}
        <button type="submit" className="btn primary" disabled={action.busy || !ref}>
          {t('archiveui.verify')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={action.busy || !ref}
          onClick={() => {
            const r = use();
            if (r) open(r, false);
          }}
        >
          {t('archiveui.open')}
        </button>
      </form>
      <p className="muted">
        {chosen ? t('archiveui.chosen', { name: chosen.name }) : t('archiveui.pathHint', { folder })}
      </p>
      {action.error ? <ErrorState error={action.error} /> : null}
      {report ? <Verdict report={report} /> : null}
      {confirm ? (
        <ForceDialog
          registered={confirm.registered}
          onClose={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            open(confirm.ref, true);
          }}
        />
      ) : null}
      {opened ? (
        <div
          className={
            opened.registered === 'matches' ? 'verdict ok archive-opened' : 'verdict bad archive-opened'
          }
          role="status"
        >
          <strong>{t('archiveui.opened')}</strong>
          {opened.registered !== 'matches' ? (
            <div className="archive-unregistered">{t(`archiveui.unregistered.${opened.registered}`)}</div>
          ) : null}
          <div>{t('archiveui.openedReplica', { path: opened.replica })}</div>
          <div>
            {t('archiveui.openedRecords', {
              n: formatNumber(Object.values(opened.counts).reduce((a, b) => a + b, 0)),
            })}
          </div>
          <div className="archive-browse">
            <button
              type="button"
              className="btn primary"
              disabled={action.busy}
              onClick={() =>
                action.run(
                  () => call('archive.browse', { replica: opened.replica }),
                  () => onSwitched(t('archiveui.browsing')),
                )
              }
            >
              {t('archiveui.browse')}
            </button>
            <span className="muted">{t('archiveui.browseNote')}</span>
          </div>
          <div className="muted">
            {t('archiveui.browseCommand')}{' '}
            <code className="command">npm run web -- --db {shellWord(opened.replica)}</code>
          </div>
        </div>
      ) : null}
    </div>
  );
}

/**
 * «Пакет не совпадает с реестром архива… Открыть всё равно?»: why the package is not the registered
 * one, what opening it means, and the choice — cancelling is the default (Esc, the focused button).
 */
function ForceDialog({
  registered,
  onClose,
  onConfirm,
}: {
  registered: Unregistered;
  onClose: () => void;
  onConfirm: () => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog force-open"
      aria-labelledby="force-open-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm();
        }}
      >
        <h3 id="force-open-title">{t('archiveui.force.title')}</h3>
        <p>{t(`archiveui.force.${registered}`)}</p>
        <p>{t('archiveui.force.risk')}</p>
        <p>
          <strong>{t('archiveui.force.question')}</strong>
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn" autoFocus onClick={onClose}>
            {t('archiveui.force.cancel')}
          </button>
          <button type="submit" className="btn danger">
            {t('archiveui.force.submit')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

function Verdict({ report }: { report: VerifyReport }) {
  const { t } = useI18n();
  return (
    <div className={report.whole ? 'verdict ok' : 'verdict bad'} role="status">
      <strong>{report.whole ? t('archiveui.whole') : t('archiveui.notWhole')}</strong>
      <div className="muted">{t('archiveui.filesChecked', { n: report.files })}</div>
      {report.problems.length > 0 ? (
        <table className="control-table dense narrow" aria-label={t('archiveui.problems')}>
          <thead>
            <tr>
              <th>{t('archiveui.col.problem')}</th>
              <th>{t('archiveui.col.file')}</th>
            </tr>
          </thead>
          <tbody>
            {report.problems.map((p, i) => (
              <tr key={i} data-problem={p.kind}>
                <td>{t(`archiveui.problem.${p.kind}`)}</td>
                <td className="file">{p.file ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {report.digest ? (
        <div>
          {t('archiveui.result.digest')}: <Digest value={report.digest} />
        </div>
      ) : null}
      <div className={report.registered === 'matches' ? '' : 'missing'}>
        {t('archiveui.standing', { standing: t(`archiveui.registered.${report.registered}`) })}
      </div>
      {report.recorded ? <div className="recorded">✓ {t('archiveui.recorded')}</div> : null}
    </div>
  );
}
