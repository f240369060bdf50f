import { useState } from 'react';
import type { Output } from '../../../src-shared/contract';
import { ABSENCE_REASONS } from '../../../src-shared/domain/journal';
import { formatDateShort } from '../../../src-shared/i18n/format';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { call } from '../../api/client';
import { useAppInfo } from '../../app-context';
import { useI18n } from '../../i18n/I18n';
import { Tab } from '../../ui/controls';
import { EmptyState, ErrorState, Loading } from '../../ui/States';
import { useAction } from '../../ui/use-action';
import { useCall } from '../../ui/use-call';
import { AbsenceView } from './AbsenceView';
import { CoverReportView } from './CoverReportView';

type Overview = Output<'subs.overview'>;

/**
 * Substitutions (regulation §3.4): the department head registers a teacher's absence, sees every lesson
 * it affects and assigns substitutes from a ranked list; the month's cover report for the timesheet.
 * The deanery sees the same, read-only.
 */
export function SubsScreen() {
  const { t, locale } = useI18n();
  const [departmentId, setDepartmentId] = useState<number | undefined>(undefined);
  const [tab, setTab] = useState<'absences' | 'report'>('absences');
  const [selected, setSelected] = useState<string | null>(null);
  const overview = useCall('subs.overview', departmentId === undefined ? {} : { departmentId });
  const data = overview.data;
  const depId = data?.departmentId ?? null;

  return (
    <div className="subs">
      <div className="control-bar">
        <h2>{t('subs.title')}</h2>
        <div className="seg" role="tablist" aria-label={t('subs.title')}>
          <Tab on={tab === 'absences'} onSelect={() => setTab('absences')}>
            {t('subs.tab.absences')}
          </Tab>
          <Tab on={tab === 'report'} onSelect={() => setTab('report')}>
            {t('subs.tab.report')}
          </Tab>
        </div>
        {data && data.departments.length > 1 ? (
          <label className="field-inline">
            {t('subs.department')}
            <select
              aria-label={t('subs.department')}
              value={depId ?? ''}
              onChange={(e) => {
                setDepartmentId(Number(e.target.value));
                setSelected(null);
              }}
            >
              {data.departments.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name[locale]}
                </option>
              ))}
            </select>
          </label>
        ) : data && depId !== null ? (
          <span className="control-when">{data.departments.find((d) => d.id === depId)?.name[locale]}</span>
        ) : null}
        {data && !data.canAssign ? <span className="chip">{t('subs.readOnly')}</span> : null}
      </div>
      {overview.error ? <ErrorState error={overview.error} onRetry={overview.reload} /> : null}
      {!data && !overview.error ? <Loading /> : null}
      {data && depId === null ? <EmptyState title={t('subs.noDepartment')} /> : null}
      {data && depId !== null && tab === 'report' ? <CoverReportView departmentId={depId} /> : null}
      {data && depId !== null && tab === 'absences' ? (
        <div className="subs-body">
          <aside className="subs-side">
            {data.canAssign ? (
              <RegisterAbsence
                teachers={data.teachers}
                onDone={(id) => {
                  setSelected(id);
                  overview.reload();
                }}
              />
            ) : null}
            <AbsenceList overview={data} selected={selected} onSelect={setSelected} />
          </aside>
          <section className="subs-main">
            {selected ? (
              <AbsenceView key={selected} absenceId={selected} onChanged={overview.reload} />
            ) : (
              <EmptyState title={t('subs.pickAbsence')}>
                <p>{t('subs.pickAbsence.body')}</p>
              </EmptyState>
            )}
          </section>
        </div>
      ) : null}
    </div>
  );
}

function AbsenceList({
  overview,
  selected,
  onSelect,
}: {
  overview: Overview;
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const { t } = useI18n();
  if (overview.absences.length === 0) return <EmptyState title={t('subs.noAbsences')} />;
  return (
    <ul className="subs-list" aria-label={t('subs.absences')}>
      {overview.absences.map((a) => (
        <li key={a.id}>
          <button
            type="button"
            className={a.id === selected ? 'subs-item on' : 'subs-item'}
            data-absence={a.id}
            onClick={() => onSelect(a.id)}
          >
            <span className="subs-item-name">{a.teacher.name}</span>
            <span className="subs-item-dates">
              {formatDateShort(a.startsOn)}
              {a.endsOn !== a.startsOn ? ` – ${formatDateShort(a.endsOn)}` : ''}
              {a.pairs ? ` · ${t('subs.pairsShort', { pairs: a.pairs.join(', ') })}` : ''}
            </span>
            <span className="subs-item-meta">
              {t(`absence.${a.reason}` as MessageKey)}
              {' · '}
              <span className={a.covered < a.lessons ? 'uncovered' : 'covered'}>
                {t('subs.coveredOf', { covered: a.covered, lessons: a.lessons })}
              </span>
              {a.pending ? <span className="chip pending">{t('subs.pending')}</span> : null}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

const PAIRS = [1, 2, 3, 4, 5, 6];

/** The form of a new absence: teacher, dates, whole days or some pairs, reason, document. */
function RegisterAbsence({
  teachers,
  onDone,
}: {
  teachers: Overview['teachers'];
  onDone: (absenceId: string) => void;
}) {
  const { t } = useI18n();
  const info = useAppInfo();
  const [teacherId, setTeacherId] = useState<number | ''>('');
  const [from, setFrom] = useState(info.today);
  const [to, setTo] = useState(info.today);
  const [wholeDays, setWholeDays] = useState(true);
  const [pairs, setPairs] = useState<number[]>([]);
  const [reason, setReason] = useState<(typeof ABSENCE_REASONS)[number]>('illness');
  const [doc, setDoc] = useState('');
  const { busy, error, run } = useAction();
  return (
    <form
      className="subs-form"
      aria-label={t('subs.register')}
      onSubmit={(e) => {
        e.preventDefault();
        if (teacherId === '') return;
        run(
          () =>
            call('subs.registerAbsence', {
              teacherId,
              startsOn: from.trim(),
              endsOn: to.trim(),
              pairs: wholeDays ? null : pairs,
              reason,
              documentRef: doc.trim() || null,
            }),
          (r) => {
            setDoc('');
            onDone(r.absence.id);
          },
        );
      }}
    >
      <h3>{t('subs.register')}</h3>
      <label>
        {t('subs.teacher')}
        <select
          aria-label={t('subs.teacher')}
          value={teacherId}
          required
          onChange={(e) => setTeacherId(e.target.value === '' ? '' : Number(e.target.value))}
        >
          <option value="">—</option>
          {teachers.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
      </label>
      <div className="subs-form-row">
        <label>
          {t('subs.from')}
          <input
            aria-label={t('subs.from')}
            size={10}
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
        </label>
        <label>
          {t('subs.to')}
          <input aria-label={t('subs.to')} size={10} value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      <div className="subs-form-row">
        <label className="check">
          <input type="checkbox" checked={wholeDays} onChange={(e) => setWholeDays(e.target.checked)} />
          {t('subs.wholeDays')}
        </label>
        {!wholeDays ? (
          <span className="subs-pairs" role="group" aria-label={t('subs.pairs')}>
            {PAIRS.map((p) => (
              <label key={p} className="check">
                <input
                  type="checkbox"
                  checked={pairs.includes(p)}
                  onChange={(e) =>
                    setPairs(e.target.checked ? [...pairs, p].sort() : pairs.filter((x) => x !== p))
                  }
                />
                {p}
              </label>
            ))}
          </span>
        ) : null}
      </div>
      <label>
        {t('subs.reason')}
        <select
          aria-label={t('subs.reason')}
          value={reason}
          onChange={(e) => setReason(e.target.value as typeof reason)}
        >
          {ABSENCE_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`absence.${r}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('subs.document')}
        <input
          aria-label={t('subs.document')}
          value={doc}
          placeholder={t('subs.document.placeholder')}
          onChange={(e) => setDoc(e.target.value)}
        />
      </label>
      <button type="submit" className="btn primary" disabled={busy || teacherId === ''}>
        {t('subs.register.submit')}
      </button>
      {error ? <ErrorState error={error} /> : null}
    </form>
  );
}
