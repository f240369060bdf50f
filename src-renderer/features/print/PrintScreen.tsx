import { useEffect, useRef, useState } from 'react';
import type { PaperView, PrintJobView, VerifyVerdict } from '../../../src-shared/contract/print.contract';
import { formatBishkekStamp } from '../../../src-shared/domain/time';
import { verdictLines } from '../../../src-shared/domain/verdict-text';
import { formatDateShort } from '../../../src-shared/i18n/format';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { mayCall } from '../../../src-shared/contract/rights';
import { call } from '../../api/client';
import { useSessionUser } from '../../app-context';
import { useI18n } from '../../i18n/I18n';
import { saveFile, Tab } from '../../ui/controls';
import { JobProgress, useJobPolling } from '../../ui/job';
import { EmptyState, ErrorState, ListStates, Loading } from '../../ui/States';
import { useAction } from '../../ui/use-action';
import { useCall } from '../../ui/use-call';
import { DocumentRegister } from './DocumentRegister';

const stamp = formatBishkekStamp;
const pollPrintJob = (jobId: string) => call('print.job', { jobId });

/**
 * Print & archive (issue 6): print every journal of a faculty, department or group for a semester — or,
 * for a teacher, their own journals («Мои журналы») — one PDF per group or one combined file — with a
 * progress bar and cancel, preview and save each file; and verify a paper journal by the number and
 * code (or QR text) printed on it.
 */
export function PrintScreen() {
  const { t } = useI18n();
  // Who prints journals has every tab; the study office (acts and notices of its checks) the register
  // of printed documents alone (DOMAIN.md, Roles: it prints no journals).
  const grants = useSessionUser().grants;
  const printsJournals = mayCall('print.options', grants);
  const [tab, setTab] = useState<'print' | 'register' | 'verify' | 'documents'>(
    printsJournals ? 'print' : 'documents',
  );
  const due = useCall('print.register', printsJournals ? { due: true } : null);
  return (
    <div className="subs">
      <div className="control-bar">
        <h2>{t('printui.title')}</h2>
        <div className="seg" role="tablist" aria-label={t('printui.title')}>
          {printsJournals ? (
            <>
              <Tab on={tab === 'print'} onSelect={() => setTab('print')}>
                {t('printui.tab.print')}
              </Tab>
              <Tab on={tab === 'register'} onSelect={() => setTab('register')}>
                {t('printui.tab.register')}
                {due.data && due.data.due > 0 ? <span className="badge">{due.data.due}</span> : null}
              </Tab>
            </>
          ) : null}
          {mayCall('documents.list', grants) ? (
            <Tab on={tab === 'documents'} onSelect={() => setTab('documents')}>
              {t('docsui.tab')}
            </Tab>
          ) : null}
          {printsJournals ? (
            <Tab on={tab === 'verify'} onSelect={() => setTab('verify')}>
              {t('printui.tab.verify')}
            </Tab>
          ) : null}
        </div>
      </div>
      <div className="control-body">
        {tab === 'print' ? (
          <PrintJournals />
        ) : tab === 'register' ? (
          <PaperRegister onChanged={due.reload} />
        ) : tab === 'documents' ? (
          <DocumentRegister />
        ) : (
          <VerifyPaper />
        )}
      </div>
    </div>
  );
}

function PrintJournals() {
  const { t, locale } = useI18n();
  const options = useCall('print.options', {});
  const [unitKey, setUnitKey] = useState('');
  const [semesterId, setSemesterId] = useState<number | ''>('');
  const [language, setLanguage] = useState<'ru' | 'ky' | 'both'>(locale);
  const [combined, setCombined] = useState(false);
  const [job, setJob] = useState<PrintJobView | null>(null);
  const [preview, setPreview] = useState<{ url: string; name: string } | null>(null);
  const start = useAction();
  const file = useAction();
  const [note, setNote] = useState<string | null>(null);

  useJobPolling(job, pollPrintJob, setJob);
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview.url) : undefined), [preview]);

  if (options.error) return <ErrorState error={options.error} onRetry={options.reload} />;
  if (!options.data) return <Loading />;
  const units = options.data.units;
  const semesters = options.data.semesters;
  const chosen = units.find((u) => `${u.kind}:${u.id}` === unitKey) ?? units[0];
  const semester = semesterId === '' ? semesters.find((s) => s.current)?.id : semesterId;
  if (units.length === 0) return <EmptyState title={t('printui.noUnits')} />;
  const running = job?.state === 'running';

  const printFile = (index: number) => {
    if (!job) return;
    file.run(
      () => call('print.system', { jobId: job.id, index }),
      (r) => {
        if (r.available) return setNote(r.printed ? t('printui.sentToPrinter') : t('printui.printCancelled'));
        setNote(t('printui.noSystemPrint'));
        open(index, 'save');
      },
    );
  };
  const open = (index: number, then: 'preview' | 'save') => {
    if (!job) return;
    file.run(
      () => call('print.file', { jobId: job.id, index }),
      (f) => {
        if (then === 'save') return saveFile(f);
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        if (preview) URL.revokeObjectURL(preview.url);
        setPreview({ url: URL.createObjectURL(new Blob([bytes], { type: f.mime })), name: f.fileName });
      },
    );
  };

  return (
    <div className="print-ui">
      <form
        className="control-bar flat print-form"
        aria-label={t('printui.tab.print')}
        onSubmit={(e) => {
          e.preventDefault();
          if (!chosen) return;
          setPreview(null);
          start.run(
            () =>
              call('print.start', {
                unit: { kind: chosen.kind, id: chosen.id },
                ...(semester !== undefined ? { semesterId: semester } : {}),
                combined,
                locale: language === 'both' ? locale : language,
                bilingual: language === 'both',
              }),
            setJob,
          );
        }}
      >
        <label className="field-inline">
          {t('printui.unit')}
          <select
            aria-label={t('printui.unit')}
            value={chosen ? `${chosen.kind}:${chosen.id}` : ''}
            onChange={(e) => setUnitKey(e.target.value)}
          >
            {/* A teacher's own journals (their own teacher unit, the only one they get) come first. */}
            {units
              .filter((u) => u.kind === 'teacher')
              .map((u) => (
                <option key={`${u.kind}:${u.id}`} value={`${u.kind}:${u.id}`}>
                  {t('printui.mine')}
                </option>
              ))}
            {(['faculty', 'department', 'group'] as const).map((kind) => {
              const list = units.filter((u) => u.kind === kind);
              return list.length ? (
                <optgroup key={kind} label={t(`unit.${kind}` as MessageKey)}>
                  {list.map((u) => (
                    <option key={`${u.kind}:${u.id}`} value={`${u.kind}:${u.id}`}>
                      {u.name[locale]}
                    </option>
                  ))}
                </optgroup>
              ) : null;
            })}
          </select>
        </label>
        <label className="field-inline">
          {t('printui.semester')}
          <select
            aria-label={t('printui.semester')}
            value={semester ?? ''}
            onChange={(e) => setSemesterId(Number(e.target.value))}
          >
            {semesters.map((s) => (
              <option key={s.id} value={s.id}>
                {t('printui.semesterOption', { n: s.number, year: s.year })}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          {t('printui.language')}
          <select
            aria-label={t('printui.language')}
            value={language}
            onChange={(e) => setLanguage(e.target.value as 'ru' | 'ky' | 'both')}
          >
            <option value="ru">Русский</option>
            <option value="ky">Кыргызча</option>
            <option value="both">{t('printui.bothLanguages')}</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={combined} onChange={(e) => setCombined(e.target.checked)} />
          {t('printui.combined')}
        </label>
        <button type="submit" className="btn primary" disabled={running || start.busy}>
          {t('printui.start')}
        </button>
      </form>
      {start.error ? <ErrorState error={start.error} /> : null}
      {job ? (
        <div className="print-job" role="status">
          {running ? (
            <JobProgress
              job={job}
              label={t('printui.progress')}
              text={t('printui.running', { done: job.done, total: job.total || '…' })}
              cancelLabel={t('printui.cancel')}
              onCancel={() => {
                void call('print.cancel', { jobId: job.id }).then(setJob, () => undefined);
              }}
            />
          ) : job.state === 'done' ? (
            <span className="recorded">
              {t('printui.done', {
                files: job.files.length,
                journals: job.files.reduce((n, f) => n + f.journals.length, 0),
                pages: job.files.reduce((n, f) => n + f.pages, 0),
              })}
            </span>
          ) : job.state === 'cancelled' ? (
            <span>{t('printui.cancelled')}</span>
          ) : (
            <span className="missing">{t('printui.failed', { error: job.error ?? '' })}</span>
          )}
        </div>
      ) : null}
      {file.error ? <ErrorState error={file.error} /> : null}
      {note ? (
        <p className="muted" role="status">
          {note}
        </p>
      ) : null}
      {job?.state === 'done' ? (
        <table className="control-table narrow" aria-label={t('printui.files')}>
          <thead>
            <tr>
              <th>{t('printui.col.file')}</th>
              <th className="num">{t('printui.col.journals')}</th>
              <th className="num">{t('printui.col.pages')}</th>
              <th>{t('printui.col.codes')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {job.files.map((f, i) => (
              <tr key={f.name} data-file={f.name}>
                <td>{f.name}</td>
                <td className="num">{f.journals.length}</td>
                <td className="num">{f.pages}</td>
                <td className="codes">{f.journals.map((j) => j.code).join(' ')}</td>
                <td>
                  <button type="button" className="btn small" onClick={() => open(i, 'preview')}>
                    {t('printui.preview')}
                  </button>{' '}
                  <button type="button" className="btn small" onClick={() => open(i, 'save')}>
                    {t('printui.save')}
                  </button>{' '}
                  <button type="button" className="btn small" onClick={() => printFile(i)}>
                    {t('printui.print')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {preview ? (
        <div className="print-preview">
          <div className="control-bar flat">
            <strong>{preview.name}</strong>
            <button type="button" className="btn small" onClick={() => setPreview(null)}>
              {t('printui.closePreview')}
            </button>
          </div>
          <iframe title={t('printui.preview')} src={preview.url} />
        </div>
      ) : null}
    </div>
  );
}

/** One verdict: the paper, the register and the replica on lines of their own, then what differs. */
function VerdictView({ verdict }: { verdict: VerifyVerdict }) {
  const { t, locale } = useI18n();
  const lines = verdictLines(verdict, locale);
  return (
    <div className={verdict.ok ? 'verdict ok' : 'verdict bad'} role="status">
      <strong>{lines[0]?.text}</strong>
      {verdict.journal ? (
        <div>
          {verdict.journal.discipline} · {verdict.journal.kind} · {verdict.journal.group} ·{' '}
          {verdict.journal.teacher}
          {verdict.printedAt !== null ? ` · ${t('printui.printedAt', { at: stamp(verdict.printedAt) })}` : ''}
        </div>
      ) : null}
      <ul className="verdict-lines">
        {lines.slice(1).map((l, i) => (
          <li key={i} className={`tone-${l.tone}${l.detail ? ' detail' : ''}`}>
            {l.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

function VerifyPaper() {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [verdicts, setVerdicts] = useState<VerifyVerdict[] | null>(null);
  const [fileName, setFileName] = useState('');
  const check = useAction();
  const fileInput = useRef<HTMLInputElement>(null);
  const verifyFile = (file: File) => {
    setFileName(file.name);
    check.run(
      async () => {
        const bytes = new Uint8Array(await file.arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000)
          binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return call('print.verifyFile', { name: file.name, base64: btoa(binary) });
      },
      (r) => setVerdicts(r.verdicts),
    );
  };
  return (
    <div className="print-ui">
      <form
        className="control-bar flat"
        aria-label={t('printui.tab.verify')}
        onSubmit={(e) => {
          e.preventDefault();
          setFileName('');
          check.run(
            () => call('print.verify', { text }),
            (v) => setVerdicts([v]),
          );
        }}
      >
        <label className="field-inline grow">
          {t('printui.verifyText')}
          <input
            aria-label={t('printui.verifyText')}
            value={text}
            placeholder="ЖУР-123-20261126-133000 ABCD-EFGH-JKMN"
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <button type="submit" className="btn primary" disabled={check.busy || text.trim().length < 4}>
          {t('printui.verify')}
        </button>
        <input
          ref={fileInput}
          type="file"
          accept="application/pdf,.pdf"
          hidden
          data-testid="verify-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) verifyFile(f);
            e.target.value = '';
          }}
        />
        <button
          type="button"
          className="btn"
          disabled={check.busy}
          onClick={() => fileInput.current?.click()}
        >
          {t('printui.verifyFile')}
        </button>
      </form>
      <p className="muted">{t('printui.verifyHint')}</p>
      {check.busy && fileName ? <p className="muted">{t('printui.reading', { name: fileName })}</p> : null}
      {check.error ? <ErrorState error={check.error} /> : null}
      {verdicts && verdicts.length === 0 ? <p className="empty">{t('verify.none')}</p> : null}
      {verdicts?.map((v, i) => (
        <VerdictView key={`${v.number}-${i}`} verdict={v} />
      ))}
    </div>
  );
}

/** The paper register: what was printed, signed, archived; those a year in the deanery first when asked. */
function PaperRegister({ onChanged }: { onChanged: () => void }) {
  const { t, locale } = useI18n();
  const [onlyDue, setOnlyDue] = useState(false);
  const [search, setSearch] = useState('');
  const list = useCall(
    'print.register',
    search.trim() ? { due: onlyDue, search: search.trim() } : { due: onlyDue },
  );
  const save = useAction();
  const [edit, setEdit] = useState<{ id: string; signedOn: string; archivedOn: string; act: string } | null>(
    null,
  );
  const data = list.data;
  const commit = (p: PaperView) => {
    if (!edit) return;
    const signedOn = edit.signedOn.trim() || null;
    const archivedOn = edit.archivedOn.trim() || null;
    const act = edit.act.trim() || null;
    save.run(
      async () => {
        if (signedOn !== p.signedOn) await call('print.setSigned', { paperId: p.id, signedOn });
        if (archivedOn !== p.archivedOn || act !== p.transferAct)
          await call('print.setArchived', { paperId: p.id, archivedOn, transferAct: act });
      },
      () => {
        setEdit(null);
        list.reload();
        onChanged();
      },
    );
  };
  return (
    <div className="print-ui">
      <div className="control-bar flat">
        <label className="field-inline">
          {t('printui.search')}
          <input
            aria-label={t('printui.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={onlyDue} onChange={(e) => setOnlyDue(e.target.checked)} />
          {t('printui.onlyDue')}
        </label>
        {data && data.due > 0 ? (
          <span className="missing">{t('printui.dueCount', { count: data.due })}</span>
        ) : null}
      </div>
      <ListStates list={list} emptyTitle={t('printui.registerEmpty')} actionError={save.error} />
      {data && data.items.length > 0 ? (
        <table className="control-table" aria-label={t('printui.tab.register')}>
          <thead>
            <tr>
              <th>{t('printui.col.number')}</th>
              <th>{t('printui.col.journal')}</th>
              <th>{t('printui.col.printed')}</th>
              <th className="num">{t('printui.col.pages')}</th>
              <th>{t('printui.col.code')}</th>
              <th>{t('printui.col.signed')}</th>
              <th>{t('printui.col.archived')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.items.map((p) => {
              const editing = edit?.id === p.id ? edit : null;
              return (
                <tr key={p.id} data-paper={p.number} className={p.dueForArchive ? 'due' : ''}>
                  <td>
                    {p.number}
                    {p.pending ? <span className="chip pending">{t('subs.pending')}</span> : null}
                  </td>
                  <td>
                    {p.group} · {p.discipline[locale]} · {p.kind} · {p.teacher}
                  </td>
                  <td>
                    {stamp(p.printedAt)}
                    {p.printedBy ? <div className="muted small">{p.printedBy}</div> : null}
                  </td>
                  <td className="num">{p.pages}</td>
                  <td className="codes">{p.code}</td>
                  <td>
                    {editing ? (
                      <input
                        aria-label={t('printui.col.signed')}
                        size={10}
                        placeholder="2026-12-01"
                        value={editing.signedOn}
                        onChange={(e) => setEdit({ ...editing, signedOn: e.target.value })}
                      />
                    ) : p.signedOn ? (
                      formatDateShort(p.signedOn)
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    {editing ? (
                      <>
                        <input
                          aria-label={t('printui.col.archived')}
                          size={10}
                          placeholder="2027-12-01"
                          value={editing.archivedOn}
                          onChange={(e) => setEdit({ ...editing, archivedOn: e.target.value })}
                        />{' '}
                        <input
                          aria-label={t('printui.col.act')}
                          size={12}
                          placeholder={t('printui.col.act')}
                          value={editing.act}
                          onChange={(e) => setEdit({ ...editing, act: e.target.value })}
                        />
                      </>
                    ) : p.archivedOn ? (
                      `${formatDateShort(p.archivedOn)} · ${p.transferAct ?? ''}`
                    ) : p.dueForArchive ? (
                      <span className="missing">{t('printui.due')}</span>
                    ) : (
                      t('printui.inDeanery')
                    )}
                  </td>
                  <td>
                    {editing ? (
                      <>
                        <button
                          type="button"
                          className="btn small primary"
                          disabled={save.busy}
                          onClick={() => commit(p)}
                        >
                          {t('printui.saveDates')}
                        </button>{' '}
                        <button type="button" className="btn small" onClick={() => setEdit(null)}>
                          {t('printui.cancelEdit')}
                        </button>
                      </>
                    ) : p.canEdit ? (
                      <button
                        type="button"
                        className="btn small"
                        onClick={() =>
                          setEdit({
                            id: p.id,
                            signedOn: p.signedOn ?? '',
                            archivedOn: p.archivedOn ?? '',
                            act: p.transferAct ?? '',
                          })
                        }
                      >
                        {t('printui.editDates')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
