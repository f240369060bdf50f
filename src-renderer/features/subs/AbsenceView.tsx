import { useState, type KeyboardEvent } from 'react';
import type { Output } from '../../../src-shared/contract';
import { formatDateShort, formatWeekdayShort } from '../../../src-shared/i18n/format';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { call } from '../../api/client';
import { useI18n } from '../../i18n/I18n';
import { saveFile } from '../../ui/controls';
import { EmptyState, ErrorState, Loading } from '../../ui/States';
import { useAction } from '../../ui/use-action';
import { useCall } from '../../ui/use-call';

type Detail = Output<'subs.absence'>;
type Lesson = Detail['lessons'][number];
type Scope = 'lesson' | 'day' | 'all';

/**
 * One absence: every lesson it affects with its substitute, and for the lesson in focus the ranked
 * candidates with the reasons for their rank and any clash. ↑/↓ move between lessons; a candidate's
 * button assigns them to the lesson, its day or the whole absence, as chosen above the list.
 */
export function AbsenceView({ absenceId, onChanged }: { absenceId: string; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const detail = useCall('subs.absence', { absenceId });
  const [focus, setFocus] = useState(0);
  const [scope, setScope] = useState<Scope>('lesson');
  const [notify, setNotify] = useState(true);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const order = useAction();

  if (detail.error) return <ErrorState error={detail.error} onRetry={detail.reload} />;
  const data = detail.data;
  if (!data) return <Loading />;
  const a = data.absence;
  const lessons = data.lessons;
  const current: Lesson | undefined = lessons[Math.min(focus, lessons.length - 1)];

  const targets = (l: Lesson): number[] =>
    scope === 'lesson'
      ? [l.lessonId]
      : scope === 'day'
        ? lessons.filter((x) => x.date === l.date).map((x) => x.lessonId)
        : lessons.map((x) => x.lessonId);

  const changed = (text: string) => {
    setDone(text);
    detail.reload();
    onChanged();
  };

  const onKey = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(lessons.length - 1, focus + (e.key === 'ArrowDown' ? 1 : -1)));
      setFocus(next);
      document.querySelector<HTMLElement>(`[data-lesson-row="${lessons[next]?.lessonId}"]`)?.focus();
    }
  };

  return (
    <div className="absence-view">
      <div className="absence-head">
        <h3>
          {a.teacher.name} · {t(`absence.${a.reason}` as MessageKey)}
        </h3>
        <span>
          {formatDateShort(a.startsOn)}
          {a.endsOn !== a.startsOn ? ` – ${formatDateShort(a.endsOn)}` : ''}
          {a.pairs
            ? ` · ${t('subs.pairsShort', { pairs: a.pairs.join(', ') })}`
            : ` · ${t('subs.wholeDays')}`}
        </span>
        {a.documentRef ? <span>{t('subs.documentIs', { doc: a.documentRef })}</span> : null}
        <span className={a.covered < a.lessons ? 'uncovered' : 'covered'}>
          {t('subs.coveredOf', { covered: a.covered, lessons: a.lessons })}
        </span>
        <span className="control-actions">
          <button
            type="button"
            className="btn"
            disabled={order.busy}
            onClick={() => order.run(() => call('subs.order', { absenceId }), saveFile)}
          >
            {t('subs.order')}
          </button>
        </span>
      </div>
      {order.error ? <ErrorState error={order.error} /> : null}
      {done ? (
        <div className="recorded" role="status">
          {done}
        </div>
      ) : null}
      {action.error ? <ErrorState error={action.error} /> : null}
      {lessons.length === 0 ? (
        <EmptyState title={t('subs.noLessons')}>
          <p>{t('subs.noLessons.body')}</p>
        </EmptyState>
      ) : (
        <div className="absence-grid">
          <table className="control-table subs-lessons" aria-label={t('subs.lessons')}>
            <thead>
              <tr>
                <th>{t('subs.col.date')}</th>
                <th className="num">{t('subs.col.pair')}</th>
                <th>{t('subs.col.lesson')}</th>
                <th>{t('subs.col.group')}</th>
                <th>{t('subs.col.substitute')}</th>
                <th>{t('subs.col.filled')}</th>
                <th />
              </tr>
            </thead>
            <tbody onKeyDown={onKey}>
              {lessons.map((l, i) => (
                <tr
                  key={l.lessonId}
                  data-lesson-row={l.lessonId}
                  tabIndex={0}
                  className={i === focus ? 'on' : ''}
                  aria-selected={i === focus}
                  onClick={() => setFocus(i)}
                  onFocus={() => setFocus(i)}
                >
                  <td>
                    {formatWeekdayShort(locale, l.date)} {formatDateShort(l.date)}
                  </td>
                  <td className="num">
                    {l.pair}
                    {l.startsAt ? <span className="muted"> {l.startsAt}</span> : null}
                  </td>
                  <td>
                    {l.discipline[locale]}{' '}
                    <span className="muted">{t(`kind.${l.kind}.short` as MessageKey)}</span>
                  </td>
                  <td>{l.group}</td>
                  <td className={l.cover ? '' : 'missing'}>
                    {l.cover ? (
                      <>
                        {l.cover.substitute.name}
                        {l.cover.pending ? <span className="chip pending">{t('subs.pending')}</span> : null}
                      </>
                    ) : (
                      t('subs.uncovered')
                    )}
                  </td>
                  <td>{l.filled ? '✓' : ''}</td>
                  <td>
                    {l.cover && data.canAssign ? (
                      <button
                        type="button"
                        className="btn small"
                        disabled={action.busy}
                        onClick={(e) => {
                          e.stopPropagation();
                          const id = l.cover?.id;
                          if (!id) return;
                          action.run(
                            () => call('subs.cancel', { substitutionIds: [id] }),
                            () => changed(t('subs.cancelled')),
                          );
                        }}
                      >
                        {t('subs.cancel')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {current && data.canAssign ? (
            <Candidates
              key={current.lessonId}
              absenceId={absenceId}
              lesson={current}
              scope={scope}
              onScope={setScope}
              notify={notify}
              onNotify={setNotify}
              busy={action.busy}
              onAssign={(substituteId, name) =>
                action.run(
                  () => call('subs.assign', { absenceId, lessonIds: targets(current), substituteId, notify }),
                  (r) =>
                    changed(
                      t('subs.assigned', { name, count: r.assigned }) +
                        (r.messages > 0 ? `. ${t('subs.messageQueued')}` : ''),
                    ),
                )
              }
            />
          ) : null}
        </div>
      )}
    </div>
  );
}

/** Ranked candidates for the lesson in focus: free ones first, each with why; busy ones name the clash. */
function Candidates(props: {
  absenceId: string;
  lesson: Lesson;
  scope: Scope;
  onScope: (s: Scope) => void;
  notify: boolean;
  onNotify: (v: boolean) => void;
  busy: boolean;
  onAssign: (teacherId: number, name: string) => void;
}) {
  const { t, locale } = useI18n();
  const list = useCall('subs.candidates', { absenceId: props.absenceId, lessonId: props.lesson.lessonId });
  return (
    <div className="subs-candidates" aria-label={t('subs.candidates')}>
      <div className="subs-cand-head">
        <h4>
          {t('subs.candidatesFor', {
            date: formatDateShort(props.lesson.date),
            pair: props.lesson.pair,
          })}
        </h4>
        <div className="seg" role="radiogroup" aria-label={t('subs.scope')}>
          {(['lesson', 'day', 'all'] as const).map((s) => (
            <button
              key={s}
              type="button"
              role="radio"
              aria-checked={props.scope === s}
              className={props.scope === s ? 'on' : ''}
              onClick={() => props.onScope(s)}
            >
              {t(`subs.scope.${s}`)}
            </button>
          ))}
        </div>
        <label className="check">
          <input type="checkbox" checked={props.notify} onChange={(e) => props.onNotify(e.target.checked)} />
          {t('subs.notify')}
        </label>
      </div>
      {list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {!list.data && !list.error ? <Loading /> : null}
      {list.data && list.data.length === 0 ? <EmptyState title={t('subs.noCandidates')} /> : null}
      {list.data && list.data.length > 0 ? (
        <table className="control-table">
          <thead>
            <tr>
              <th>{t('subs.col.teacher')}</th>
              <th>{t('subs.col.why')}</th>
              <th className="num">{t('subs.col.coversMonth')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((c) => (
              <tr key={c.teacher.id} className={c.free ? '' : 'busy'} data-candidate={c.teacher.id}>
                <td>
                  {c.teacher.name}
                  <div className="muted small">{c.departments.map((d) => d[locale]).join(', ')}</div>
                </td>
                <td>
                  {c.teacher.id === props.lesson.cover?.substitute.id ? (
                    <span className="chip ok">{t('subs.current')}</span>
                  ) : c.free ? (
                    <span className="chip ok">{t('subs.free')}</span>
                  ) : (
                    c.clashes.map((x, i) => (
                      <div key={i} className="clash">
                        {x.text}
                      </div>
                    ))
                  )}
                  {c.sameDepartment ? <span className="chip">{t('subs.why.sameDepartment')}</span> : null}
                  {c.taughtDiscipline ? <span className="chip">{t('subs.why.discipline')}</span> : null}
                  {c.taughtGroup ? <span className="chip">{t('subs.why.group')}</span> : null}
                </td>
                <td className="num">{c.coversThisMonth}</td>
                <td>
                  <button
                    type="button"
                    className={c.free ? 'btn small primary' : 'btn small'}
                    disabled={props.busy || c.teacher.id === props.lesson.cover?.substitute.id}
                    onClick={() => props.onAssign(c.teacher.id, c.teacher.name)}
                  >
                    {t('subs.assign')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
