import { useCallback, useState } from 'react';
import type { Output } from '../../../src-shared/contract';
import type { ArchiveJobView, PackageView } from '../../../src-shared/contract/archive.contract';
import { formatBishkekStamp } from '../../../src-shared/domain/time';
import { formatNumber } from '../../../src-shared/i18n/format';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { call } from '../../api/client';
import { useSessionUser } from '../../app-context';
import { useI18n } from '../../i18n/I18n';
import { saveFile } from '../../ui/controls';
import { Digest } from './Digest';
import { JobProgress, useJobPolling } from '../../ui/job';
import { EmptyState, ErrorState, ListStates, Loading } from '../../ui/States';
import { useAction } from '../../ui/use-action';
import { useCall, type CallState } from '../../ui/use-call';

const stamp = formatBishkekStamp;
const pollArchiveJob = (jobId: string) => call('archive.job', { jobId });
const UNIT_KINDS = ['university', 'faculty', 'department', 'group'] as const;
const STAGES = ['data', 'excel', 'pdf', 'manifest'];

/** A file size for people: KB below a megabyte, MB with one decimal above. */
function useFormatSize(): (bytes: number) => string {
  const { t } = useI18n();
  return (bytes) =>
    bytes < 1048576
      ? t('archiveui.sizeKb', { size: formatNumber(Math.max(1, Math.round(bytes / 1024))) })
      : t('archiveui.sizeMb', { size: formatNumber(bytes / 1048576, 1) });
}

/**
 * Archive packages (issue 7, item 2): an archivist makes the package of a unit and period — progress
 * with the stage, cancel, then the file, its size and contents, the digest and the transfer act — and
 * below it the archive register of the caller's scope, which the deanery sees without the form.
 */
export function PackagesView() {
  const user = useSessionUser();
  const archivist = user.grants.some((g) => g.role === 'archivist');
  const list = useCall('archive.list', {});
  return (
    <div className="print-ui archive">
      {archivist ? <MakePackage onMade={list.reload} /> : null}
      <Register list={list} archivist={archivist} />
    </div>
  );
}

/** A typed file name as a package name: `.zip` added when left out. */
const asZip = (s: string) => (/\.zip$/i.test(s) ? s : `${s}.zip`);

function MakePackage({ onMade }: { onMade: () => void }) {
  const { t, locale } = useI18n();
  const options = useCall('archive.options', {});
  const [unitKey, setUnitKey] = useState('');
  const [periodKey, setPeriodKey] = useState('');
  const [out, setOut] = useState('');
  // Desktop: a file chosen in the system's save dialog, as the backend's one-time grant (issue 14).
  const [saveTo, setSaveTo] = useState<{ grant: string; name: string } | null>(null);
  const pick = useAction();
  const [job, setJob] = useState<ArchiveJobView | null>(null);
  const start = useAction();
  const act = useAction();
  const size = useFormatSize();

  const update = useCallback(
    (next: ArchiveJobView) => {
      setJob(next);
      if (next.state === 'done') onMade();
    },
    [onMade],
  );
  useJobPolling(job, pollArchiveJob, update);

  if (options.error) return <ErrorState error={options.error} onRetry={options.reload} />;
  if (!options.data) return <Loading />;
  const { units, periods, folder, dialog } = options.data;
  if (units.length === 0) return <EmptyState title={t('archiveui.noUnits')} />;
  const keyOf = (x: { kind: string; id: number | null }) => `${x.kind}:${x.id ?? ''}`;
  const unit = units.find((u) => keyOf(u) === unitKey) ?? units[0];
  const period = periods.find((p) => keyOf(p) === periodKey) ?? periods.find((p) => p.current) ?? periods[0];
  const running = job?.state === 'running';
  const result = job?.state === 'done' ? job.result : null;
  const unitLabel = (u: (typeof units)[number]) =>
    u.kind === 'university' && !u.name[locale] ? t('unit.university') : u.name[locale];
  const periodLabel = (p: (typeof periods)[number]) => {
    const name = t(p.kind === 'semester' ? 'archiveui.semesterOption' : 'archiveui.yearOption', {
      name: p.name,
    });
    return p.current ? t('archiveui.currentOption', { name }) : name;
  };

  return (
    <>
      <form
        className="control-bar flat print-form"
        aria-label={t('archiveui.form')}
        onSubmit={(e) => {
          e.preventDefault();
          if (!unit || running) return;
          start.run(
            () =>
              call('archive.start', {
                unit: { kind: unit.kind, id: unit.id },
                ...(period ? { period: { kind: period.kind, id: period.id } } : {}),
                ...(saveTo ? { grant: saveTo.grant } : out.trim() ? { name: asZip(out.trim()) } : {}),
              }),
            update,
          );
          setSaveTo(null);
        }}
      >
        <label className="field-inline">
          {t('archiveui.unit')}
          <select
            aria-label={t('archiveui.unit')}
            value={unit ? keyOf(unit) : ''}
            onChange={(e) => setUnitKey(e.target.value)}
          >
            {UNIT_KINDS.map((kind) => {
              const list = units.filter((u) => u.kind === kind);
              return list.length ? (
                <optgroup key={kind} label={t(`unit.${kind}` as MessageKey)}>
                  {list.map((u) => (
                    <option key={keyOf(u)} value={keyOf(u)}>
                      {unitLabel(u)}
                    </option>
                  ))}
                </optgroup>
              ) : null;
            })}
          </select>
        </label>
        <label className="field-inline">
          {t('archiveui.period')}
          <select
            aria-label={t('archiveui.period')}
            value={period ? keyOf(period) : ''}
            onChange={(e) => setPeriodKey(e.target.value)}
          >
            {(['semester', 'year'] as const).map((kind) => {
              const list = periods.filter((p) => p.kind === kind);
              return list.length ? (
                <optgroup key={kind} label={t(`archiveui.periods.${kind}`)}>
                  {list.map((p) => (
                    <option key={keyOf(p)} value={keyOf(p)}>
                      {periodLabel(p)}
                    </option>
                  ))}
                </optgroup>
              ) : null;
            })}
          </select>
        </label>
        <label className="field-inline grow">
          {t('archiveui.out')}
          <input
            aria-label={t('archiveui.out')}
            value={saveTo ? saveTo.name : out}
            placeholder={t('archiveui.outPlaceholder', { folder })}
            title={
              saveTo
                ? t('archiveui.saveChosen', { name: saveTo.name })
                : t('archiveui.outPlaceholder', { folder })
            }
            onChange={(e) => {
              setSaveTo(null);
              setOut(e.target.value);
            }}
          />
        </label>
        {dialog ? (
          <button
            type="button"
            className="btn"
            disabled={running || pick.busy}
            onClick={() =>
              pick.run(
                () => call('archive.pick', { mode: 'save' }),
                (r) => setSaveTo(r.grant && r.name ? { grant: r.grant, name: r.name } : null),
              )
            }
          >
            {t('archiveui.saveAs')}
          </button>
        ) : null}
        <button type="submit" className="btn primary" disabled={running || start.busy}>
          {t('archiveui.start')}
        </button>
      </form>
      {start.error ? <ErrorState error={start.error} /> : null}
      {pick.error ? <ErrorState error={pick.error} /> : null}
      {job ? (
        <div className="print-job" role="status">
          {running ? (
            <JobProgress
              job={job}
              label={t('archiveui.progress')}
              text={t('archiveui.running', {
                stage: STAGES.includes(job.stage)
                  ? t(`archiveui.stage.${job.stage}` as MessageKey)
                  : job.stage,
                done: job.done,
                total: job.total || '…',
              })}
              cancelLabel={t('archiveui.cancel')}
              onCancel={() => {
                void call('archive.cancel', { jobId: job.id }).then(update, () => undefined);
              }}
            />
          ) : job.state === 'done' ? (
            <span className="recorded">{t('archiveui.done')}</span>
          ) : job.state === 'cancelled' ? (
            <span>{t('archiveui.cancelled')}</span>
          ) : (
            <span className="missing">{t('archiveui.failed', { error: job.error ?? '' })}</span>
          )}
        </div>
      ) : null}
      {result ? (
        <div className="archive-result" aria-label={t('archiveui.done')}>
          <dl>
            <dt>{t('archiveui.result.file')}</dt>
            <dd className="path">{result.file}</dd>
            <dt>{t('archiveui.result.size')}</dt>
            <dd>{size(result.sizeBytes)}</dd>
            <dt>{t('archiveui.result.contents')}</dt>
            <dd>
              {t('archiveui.result.contentsValue', {
                files: formatNumber(result.files),
                records: formatNumber(Object.values(result.counts).reduce((a, b) => a + b, 0)),
              })}
            </dd>
            <dt>{t('archiveui.result.digest')}</dt>
            <dd>
              <Digest value={result.digest} />
            </dd>
          </dl>
          <button
            type="button"
            className="btn"
            disabled={act.busy}
            onClick={() =>
              act.run(() => call('archive.transferAct', { packageId: result.packageId }), saveFile)
            }
          >
            {t('archiveui.act')}
          </button>
          {act.error ? <ErrorState error={act.error} /> : null}
        </div>
      ) : null}
    </>
  );
}

/** The archive register: every package of the caller's scope, newest first, each with its act. */
function Register({ list, archivist }: { list: CallState<Output<'archive.list'>>; archivist: boolean }) {
  const { t, locale } = useI18n();
  const act = useAction();
  const size = useFormatSize();
  const data = list.data;
  const periodLabel = (p: PackageView) =>
    t(p.period.kind === 'semester' ? 'archiveui.semesterOption' : 'archiveui.yearOption', {
      name: p.periodName,
    });
  return (
    <section className="archive-register">
      <div className="control-bar flat">
        <h3>{t('archiveui.register')}</h3>
        {!archivist ? <span className="muted">{t('archiveui.viewOnly')}</span> : null}
      </div>
      <ListStates list={list} emptyTitle={t('archiveui.registerEmpty')} actionError={act.error} />
      {data && data.items.length > 0 ? (
        <table className="control-table dense" aria-label={t('archiveui.register')}>
          <thead>
            <tr>
              <th>{t('archiveui.col.unit')}</th>
              <th>{t('archiveui.col.period')}</th>
              <th>{t('archiveui.col.made')}</th>
              <th>{t('archiveui.col.file')}</th>
              <th className="num">{t('archiveui.col.size')}</th>
              <th>{t('archiveui.col.digest')}</th>
              <th>{t('archiveui.col.verified')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.items.map((p) => (
              <tr key={p.id} data-package={p.id}>
                <td>
                  {p.unit.kind === 'university' && !p.unitName[locale]
                    ? t('unit.university')
                    : p.unitName[locale]}
                </td>
                <td>{periodLabel(p)}</td>
                <td className="made">
                  {stamp(p.madeAt)}
                  {p.madeBy ? <div className="muted">{p.madeBy}</div> : null}
                </td>
                <td className="file">{p.fileName}</td>
                <td className="num">{size(p.sizeBytes)}</td>
                <td>
                  <code title={p.digest}>{p.digest.slice(0, 16)}…</code>
                </td>
                <td className="made">
                  {p.verifiedAt !== null ? (
                    <span className="chip ok">✓ {stamp(p.verifiedAt)}</span>
                  ) : (
                    <span className="muted">{t('archiveui.notVerified')}</span>
                  )}
                  {p.pending ? <span className="chip pending">{t('archiveui.pending')}</span> : null}
                  {p.verifiedAt !== null && p.verifiedBy ? <div className="muted">{p.verifiedBy}</div> : null}
                </td>
                <td>
                  <button
                    type="button"
                    className="btn small"
                    disabled={act.busy}
                    title={t('archiveui.act')}
                    onClick={() => act.run(() => call('archive.transferAct', { packageId: p.id }), saveFile)}
                  >
                    {t('archiveui.actShort')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
