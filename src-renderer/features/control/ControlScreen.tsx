import { useMemo, useState, type ReactNode } from 'react';
import type { Input, Output } from '../../../src-shared/contract';
import type { SessionUser } from '../../../src-shared/contract/common';
import type { ControlUnitKind } from '../../../src-shared/domain/control';
import {
  addDays,
  formatBishkekStamp,
  formatIsoWeek,
  isoWeekOf,
  isoWeekRange,
} from '../../../src-shared/domain/time';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { useAppInfo, useSessionUser } from '../../app-context';
import { useI18n } from '../../i18n/I18n';
import { EmptyState, ErrorState, Loading } from '../../ui/States';
import { useCall } from '../../ui/use-call';
import { call } from '../../api/client';
import { useAction } from '../../ui/use-action';
import { DateField, saveFile, Tab } from '../../ui/controls';
import { ControlHistory } from './ControlHistory';
import { ControlHeatmap } from './ControlHeatmap';
import { ControlLessons } from './ControlLessons';
import { ControlTable } from './ControlTable';

type Unit = { kind: ControlUnitKind; id: number };
type Report = Output<'control.report'>;

/** The drill-down order (DOMAIN.md: faculty → department → teacher → offering → the lessons). */
const LEVELS: readonly ControlUnitKind[] = ['faculty', 'department', 'teacher', 'offering'];

/** Where a person starts: the study office with faculties, the deanery with departments, a head with teachers. */
export function firstLevel(user: SessionUser): ControlUnitKind {
  const roles = new Set(user.grants.map((g) => g.role));
  if (roles.has('studyOffice') || roles.has('admin')) return 'faculty';
  if (roles.has('deanery')) return 'department';
  return 'teacher';
}

/** Rows one level below the last unit drilled into; null below an offering (the lessons themselves). */
function levelAfter(within: readonly Unit[], first: ControlUnitKind): ControlUnitKind | null {
  const last = within[within.length - 1];
  if (!last) return first;
  return LEVELS[LEVELS.indexOf(last.kind) + 1] ?? null;
}

/**
 * The weekly control of journal filling (regulation §3.5, §5.3): a week (the last full one by default)
 * or a date range; figures per unit with a trend, drill-down to the lessons a teacher owes.
 */
export function ControlScreen() {
  const { t, locale } = useI18n();
  const user = useSessionUser();
  const info = useAppInfo();
  const first = firstLevel(user);
  const [mode, setMode] = useState<'week' | 'range'>('week');
  const [week, setWeek] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [applied, setApplied] = useState<{ week?: string; from?: string; to?: string }>({});
  const [within, setWithin] = useState<Unit[]>([]);
  const [names, setNames] = useState<string[]>([]);
  const [tab, setTab] = useState<'units' | 'lessons' | 'heatmap'>('units');
  const [view, setView] = useState<'live' | 'history'>('live');
  const [historyKey, setHistoryKey] = useState(0);
  const [recorded, setRecorded] = useState<number | null>(null);

  const by = levelAfter(within, first);
  const showLessons = by === null || tab === 'lessons';
  const lastUnit = within[within.length - 1];
  const department = lastUnit?.kind === 'department' ? lastUnit.id : null;
  const showHeatmap = tab === 'heatmap' && department !== null;
  const reportInput: Input<'control.report'> | null = by === null ? null : { ...applied, within, by };
  const report = useCall('control.report', reportInput);
  const lessons = useCall('control.lessons', showLessons ? { ...applied, within, onlyOwed: true } : null);
  const period = report.data?.period ?? lessons.data?.period ?? null;

  const weekShown = week || (period?.week ?? '');
  /** Move the shown week by `delta` weeks and show it at once. */
  const stepWeek = (delta: number) => {
    const range = isoWeekRange(weekShown);
    if (!range) return;
    const next = formatIsoWeek(isoWeekOf(addDays(range.from, 7 * delta)));
    setWeek(next);
    setApplied({ week: next });
  };
  const apply = () => {
    setApplied(mode === 'week' ? (week ? { week } : {}) : { from, to });
  };
  const lastWeek = () => {
    setMode('week');
    setWeek('');
    setApplied({});
  };
  const drill = (unit: Unit, name: string) => {
    setWithin([...within, unit]);
    setNames([...names, name]);
    setTab('units');
  };
  const up = (depth: number) => {
    setWithin(within.slice(0, depth));
    setNames(names.slice(0, depth));
    setTab('units');
  };

  const error = report.error ?? lessons.error;
  const canRecord = user.grants.some((g) => g.role === 'studyOffice' || g.role === 'deanery');
  return (
    <div className="control">
      <div className="control-bar">
        <h2>{t('control.title')}</h2>
        <div className="seg" role="tablist" aria-label={t('control.title')}>
          <Tab on={view === 'live'} onSelect={() => setView('live')}>
            {t('control.live')}
          </Tab>
          <Tab on={view === 'history'} onSelect={() => setView('history')}>
            {t('control.history')}
          </Tab>
        </div>
      </div>
      {view === 'history' ? (
        <div className="control-body">
          <ControlHistory key={historyKey} />
        </div>
      ) : (
        <>
          <div className="control-bar">
            <div className="seg" role="group" aria-label={t('control.period')}>
              <button type="button" className={mode === 'week' ? 'on' : ''} onClick={() => setMode('week')}>
                {t('control.week')}
              </button>
              <button type="button" className={mode === 'range' ? 'on' : ''} onClick={() => setMode('range')}>
                {t('control.period')}
              </button>
            </div>
            <form
              className="control-period"
              onSubmit={(e) => {
                e.preventDefault();
                apply();
              }}
            >
              {mode === 'week' ? (
                <span className="week-step">
                  <StepButton label={t('control.prevWeek')} onClick={() => stepWeek(-1)}>
                    ◀
                  </StepButton>
                  <input
                    type="text"
                    inputMode="numeric"
                    size={9}
                    placeholder="2026-W47"
                    aria-label={t('control.week')}
                    value={weekShown}
                    onChange={(e) => setWeek(e.target.value)}
                  />
                  <StepButton label={t('control.nextWeek')} onClick={() => stepWeek(1)}>
                    ▶
                  </StepButton>
                </span>
              ) : (
                <>
                  <DateField
                    label={t('control.from')}
                    value={from}
                    placeholder={info.today}
                    onChange={setFrom}
                  />
                  <DateField label={t('control.to')} value={to} placeholder={info.today} onChange={setTo} />
                </>
              )}
              <button type="submit" className="btn primary">
                {t('control.show')}
              </button>
              <button type="button" className="btn" onClick={lastWeek}>
                {t('control.lastWeek')}
              </button>
            </form>
            {period ? (
              <span className="control-when">
                {period.week ? `${period.week} · ` : ''}
                {period.from} – {period.to}
                {report.data
                  ? ` · ${t('control.checkedAt', { time: formatBishkekStamp(report.data.checkedAt) })}`
                  : ''}
              </span>
            ) : null}
            <span className="control-actions">
              <ExportButton period={applied} within={within} format="xlsx" label={t('control.exportXlsx')} />
              {canRecord ? (
                <>
                  <ExportButton period={applied} within={within} format="act" label={t('control.pdfAct')} />
                  <ExportButton
                    period={applied}
                    within={within}
                    format="notices"
                    label={t('control.pdfNotices')}
                  />
                  <SendNotices period={applied} within={within} />
                </>
              ) : null}
              {canRecord ? (
                <RecordCheck
                  period={applied}
                  onRecorded={(at) => {
                    setRecorded(at);
                    setHistoryKey((k) => k + 1);
                  }}
                />
              ) : null}
            </span>
            {recorded !== null ? (
              <span className="recorded" role="status">
                {t('control.record.done', { when: formatBishkekStamp(recorded) })}
              </span>
            ) : null}
          </div>
          <nav className="crumbs" aria-label="drill-down">
            <button type="button" className="crumb" onClick={() => up(0)} disabled={within.length === 0}>
              {t('control.all')}
            </button>
            {within.map((u, i) => (
              <span key={`${u.kind}:${u.id}`}>
                <span className="crumb-sep">›</span>
                <button
                  type="button"
                  className="crumb"
                  onClick={() => up(i + 1)}
                  disabled={i === within.length - 1}
                  title={t(`unit.${u.kind}` as MessageKey)}
                >
                  {names[i]}
                </button>
              </span>
            ))}
            {by !== null ? (
              <span className="control-tabs" role="tablist">
                <Tab on={tab === 'units'} onSelect={() => setTab('units')}>
                  {t(`control.by.${by}` as MessageKey)}
                </Tab>
                <Tab on={tab === 'lessons'} onSelect={() => setTab('lessons')}>
                  {t('control.lessons.title')}
                </Tab>
                {department !== null ? (
                  <Tab on={tab === 'heatmap'} onSelect={() => setTab('heatmap')}>
                    {t('control.heatmap')}
                  </Tab>
                ) : null}
              </span>
            ) : null}
          </nav>
          {report.loading || lessons.loading ? <Loading /> : null}
          {error ? (
            <ErrorState error={error} onRetry={report.error ? report.reload : lessons.reload} />
          ) : null}
          <div className="control-body">
            {showHeatmap && department !== null ? (
              <ControlHeatmap period={applied} departmentId={department} />
            ) : null}
            {!error && !showLessons && !showHeatmap && report.data ? (
              <UnitsView report={report.data} onDrill={drill} locale={locale} />
            ) : null}
            {!error && showLessons && lessons.data ? <ControlLessons lessons={lessons.data.lessons} /> : null}
          </div>
        </>
      )}
    </div>
  );
}

/** The control of the period and units on screen as an Excel workbook, in the UI's language. */
function ExportButton({
  period,
  within,
  format,
  label,
}: {
  period: { week?: string; from?: string; to?: string };
  within: Unit[];
  format: 'xlsx' | 'act' | 'notices';
  label: string;
}) {
  const { busy, error, run } = useAction();
  return (
    <>
      <button
        type="button"
        className="btn"
        disabled={busy}
        onClick={() => {
          // The workbook covers faculty and department levels; deeper drill-downs export their department.
          const scope = within.filter((u) => u.kind === 'faculty' || u.kind === 'department');
          run(() => call('control.export', { ...period, within: scope, format }), saveFile);
        }}
      >
        {label}
      </button>
      {error ? <ErrorState error={error} /> : null}
    </>
  );
}

/** Queue a notice to every teacher owing lessons of the period (§5.3) as a message to AVN. */
function SendNotices({
  period,
  within,
}: {
  period: { week?: string; from?: string; to?: string };
  within: Unit[];
}) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<number | null>(null);
  return (
    <>
      <button
        type="button"
        className="btn"
        disabled={busy}
        onClick={() => {
          setDone(null);
          const scope = within.filter((u) => u.kind === 'faculty' || u.kind === 'department');
          run(
            () => call('control.sendNotices', { ...period, within: scope }),
            (r) => setDone(r.queued),
          );
        }}
      >
        {t('control.sendNotices')}
      </button>
      {done !== null ? (
        <span className="recorded" role="status">
          {t('control.noticesSent', { count: done })}
        </span>
      ) : null}
      {error ? <ErrorState error={error} /> : null}
    </>
  );
}

/** Record the check of the period on screen, with a comment (§3.5): the figures are frozen as of now. */
function RecordCheck({
  period,
  onRecorded,
}: {
  period: { week?: string; from?: string; to?: string };
  onRecorded: (at: number) => void;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const { busy, error, run } = useAction();
  if (!open)
    return (
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        {t('control.recordCheck')}
      </button>
    );
  return (
    <form
      className="record-form"
      onSubmit={(e) => {
        e.preventDefault();
        run(
          () => call('control.record', { ...period, comment }),
          (c) => {
            setOpen(false);
            setComment('');
            onRecorded(c.checkedAt);
          },
        );
      }}
    >
      <input
        type="text"
        className="record-comment"
        aria-label={t('control.record.comment')}
        placeholder={t('control.record.comment')}
        maxLength={2000}
        value={comment}
        autoFocus
        onChange={(e) => setComment(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
      />
      <button type="submit" className="btn primary" disabled={busy}>
        {t('control.record.save')}
      </button>
      <button type="button" className="btn" onClick={() => setOpen(false)}>
        {t('control.record.cancel')}
      </button>
      {error ? <ErrorState error={error} /> : null}
    </form>
  );
}

function UnitsView({
  report,
  onDrill,
  locale,
}: {
  report: Report;
  onDrill: (u: Unit, name: string) => void;
  locale: 'ru' | 'ky';
}) {
  const { t } = useI18n();
  const notDue = useMemo(() => t('control.notDue', report.notDue), [report.notDue, t]);
  if (report.total.due === 0) return <EmptyState title={t('control.empty')}>{notDue}</EmptyState>;
  return (
    <>
      <ControlTable
        report={report}
        onDrill={(row) => onDrill({ kind: row.kind, id: row.id }, row.name[locale])}
      />
      <div className="control-foot">{notDue}</div>
    </>
  );
}

/** A small button that moves the period, named for screen readers and on hover. */
function StepButton({
  label,
  onClick,
  children,
}: {
  label: string;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <button type="button" className="btn" aria-label={label} title={label} onClick={onClick}>
      {children}
    </button>
  );
}
