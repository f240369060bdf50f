import { useState } from 'react';
import type { GridLesson, JournalGrid } from '../../../src-shared/contract/journal.contract';
import { UNLOCK_MAX_DAYS } from '../../../src-shared/domain/locks';
import { bishkekDate } from '../../../src-shared/domain/time';
import { formatDateShort } from '../../../src-shared/i18n/format';
import { ApiCallError, call } from '../../api/client';
import { useSessionUser } from '../../app-context';
import { useI18n } from '../../i18n/I18n';
import { ErrorState } from '../../ui/States';

/**
 * Closing (the teacher, §4.3) and the deanery's time-limited unlock, next to the lock banner. Both are
 * offered only to whom they belong; the backend checks again.
 */
export function LockControls({
  grid,
  lesson,
  onChanged,
}: {
  grid: JournalGrid;
  lesson: GridLesson | undefined;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const user = useSessionUser();
  const [mode, setMode] = useState<'idle' | 'confirm' | 'unlock'>('idle');
  const [days, setDays] = useState(3);
  const [reason, setReason] = useState('');
  const [onlyLesson, setOnlyLesson] = useState(true);
  const [error, setError] = useState<ApiCallError | null>(null);
  const o = grid.offering;
  const canClose = !grid.lock && user.teacherId === o.teacher.id;
  const canUnlock =
    grid.lock !== null && user.grants.some((g) => g.role === 'deanery' && g.scopeId === o.group.facultyId);
  const fail = (err: unknown) =>
    setError(err instanceof ApiCallError ? err : new ApiCallError({ code: 'NETWORK', message: String(err) }));
  const done = () => {
    setMode('idle');
    setError(null);
    onChanged();
  };
  return (
    <div className="lock-controls">
      {grid.unlocks.map((u, i) => (
        <div key={i} className="unlock-banner" role="note">
          {u.lessonId !== null
            ? t('journal.unlockActiveLesson', {
                lesson: formatDateShort(grid.lessons.find((l) => l.id === u.lessonId)?.date ?? ''),
                date: formatDateShort(bishkekDate(u.expiresAt)),
                reason: u.reason,
              })
            : t('journal.unlockActive', {
                date: formatDateShort(bishkekDate(u.expiresAt)),
                reason: u.reason,
              })}
        </div>
      ))}
      {canClose && mode === 'idle' ? (
        <button type="button" className="btn" onClick={() => setMode('confirm')}>
          {t('journal.close')}
        </button>
      ) : null}
      {canClose && mode === 'confirm' ? (
        <span className="confirm">
          {t('journal.closeConfirm')}
          <button
            type="button"
            className="btn primary"
            onClick={() => void call('journal.close', { offeringId: o.id }).then(done, fail)}
          >
            {t('journal.close')}
          </button>
          <button type="button" className="btn" onClick={() => setMode('idle')}>
            {t('sync.cancel')}
          </button>
        </span>
      ) : null}
      {canUnlock && mode === 'idle' ? (
        <button type="button" className="btn" onClick={() => setMode('unlock')}>
          {t('journal.unlock')}
        </button>
      ) : null}
      {canUnlock && mode === 'unlock' ? (
        <span className="unlock-form">
          <label>
            {t('journal.unlockDays')}
            <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {Array.from({ length: UNLOCK_MAX_DAYS }, (_, i) => i + 1).map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
          {lesson ? (
            <label>
              <input type="checkbox" checked={onlyLesson} onChange={(e) => setOnlyLesson(e.target.checked)} />
              {t('journal.unlockOnlyLesson', { date: formatDateShort(lesson.date) })}
            </label>
          ) : null}
          <input
            aria-label={t('journal.unlockReason')}
            placeholder={t('journal.unlockReason')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button
            type="button"
            className="btn primary"
            disabled={reason.trim().length < 3}
            onClick={() =>
              void call('journal.unlock', {
                offeringId: o.id,
                days,
                reason,
                ...(onlyLesson && lesson ? { lessonId: lesson.id } : {}),
              }).then(done, fail)
            }
          >
            {t('journal.unlock')}
          </button>
          <button type="button" className="btn" onClick={() => setMode('idle')}>
            {t('sync.cancel')}
          </button>
        </span>
      ) : null}
      {error ? <ErrorState error={error} /> : null}
    </div>
  );
}
