import { useState } from 'react';
import type { Output } from '../../../src-shared/contract';
import type { VerifyReport } from '../../../src-shared/contract/archive.contract';
import { formatNumber } from '../../../src-shared/i18n/format';
import { call } from '../../api/client';
import { useI18n } from '../../i18n/I18n';
import { ErrorState } from '../../ui/States';
import { useAction } from '../../ui/use-action';
import { Digest } from './Digest';

/** A path as one shell word (quoted when it has spaces or quotes). */
const shellWord = (s: string) => (/^[\w@%+=:,./\\-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`);

/**
 * Verify or open a package file on this PC (issue 7, item 2): «Проверить» names every missing, extra
 * or altered file and a wrong digest, and says how the digest stands in the archive register;
 * «Открыть для просмотра» loads a whole package into a separate read-only replica.
 */
export function VerifyOpenView({ onSwitched }: { onSwitched: (notice: string) => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState('');
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [opened, setOpened] = useState<Output<'archive.open'> | null>(null);
  const action = useAction();
  const path = file.trim();
  return (
    <div className="print-ui archive">
      <form
        className="control-bar flat"
        aria-label={t('archiveui.tab.verify')}
        onSubmit={(e) => {
          e.preventDefault();
          if (!path) return;
          setOpened(null);
          action.run(() => call('archive.verify', { file: path }), setReport);
        }}
      >
        <label className="field-inline grow">
          {t('archiveui.path')}
          <input
            aria-label={t('archiveui.path')}
            value={file}
            placeholder="/home/…/archive/archive-group-1-semester-1-20261126-1330.zip"
            onChange={(e) => setFile(e.target.value)}
          />
        </label>
        <button type="submit" className="btn primary" disabled={action.busy || !path}>
          {t('archiveui.verify')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={action.busy || !path}
          onClick={() => {
            setReport(null);
            action.run(() => call('archive.open', { file: path }), setOpened);
          }}
        >
          {t('archiveui.open')}
        </button>
      </form>
      <p className="muted">{t('archiveui.pathHint')}</p>
      {action.error ? <ErrorState error={action.error} /> : null}
      {report ? <Verdict report={report} /> : null}
      {opened ? (
        <div className="verdict ok archive-opened" role="status">
          <strong>{t('archiveui.opened')}</strong>
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
