import { useCallback, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { JournalGrid, GridMark } from '../../../src-shared/contract/journal.contract';
import type { MarkValue } from '../../../src-shared/domain/entry';
import type { Output } from '../../../src-shared/contract';
import { ApiCallError, call } from '../../api/client';
import type { I18n } from '../../i18n/I18n';

/** One cell to write: null clears it. `text` is what the cell shows while it is being saved. */
export type CellEdit = { lessonId: number; studentId: number; value: MarkValue | null; text: string };

/** The line under the grid: the last error (from the API, already translated) or a short notice. */
export type EntryStatus = { kind: 'error' | 'info'; text: string } | null;

export const cellKey = (studentId: number, lessonId: number) => `${studentId}:${lessonId}`;

/** The grid after `journal.setMarks` answered: the sent cells as the replica now holds them. */
export function applyMarks(
  grid: JournalGrid,
  result: Output<'journal.setMarks'>,
  sent: readonly CellEdit[],
): JournalGrid {
  const touched = new Set(sent.map((e) => e.studentId));
  const marks: GridMark[] = grid.marks.filter(
    (m) => m.lessonId !== result.lessonId || !touched.has(m.studentId),
  );
  return {
    ...grid,
    marks: [...marks, ...result.marks],
    lessons: grid.lessons.map((l) =>
      l.id === result.lessonId ? { ...l, completedAt: result.completedAt } : l,
    ),
  };
}

export function errorText(err: unknown, t: I18n['t']): string {
  if (err instanceof ApiCallError) return err.code === 'NETWORK' ? t('error.NETWORK') : err.message;
  return t('error.NETWORK');
}

/**
 * Writing from the entry screen. Calls go one after another (a later edit of a cell never overtakes an
 * earlier one), one `journal.setMarks` per lesson; the grid is then updated from what the API returns,
 * or reloaded after a failure. Nothing is shown as saved before the replica has it.
 */
export function useEntryWrites(
  setData: Dispatch<SetStateAction<JournalGrid | null>>,
  reload: () => void,
  t: I18n['t'],
) {
  /** Cells on their way to the replica, by `studentId:lessonId`: the latest edit of each. */
  const [saving, setSaving] = useState<ReadonlyMap<string, CellEdit>>(new Map());
  const [status, setStatus] = useState<EntryStatus>(null);
  const [version, setVersion] = useState(0);
  const queue = useRef<Promise<void>>(Promise.resolve());

  const saveMarks = useCallback(
    (edits: readonly CellEdit[], announce: boolean) => {
      if (edits.length === 0) return;
      const byLesson = new Map<number, CellEdit[]>();
      for (const e of edits) byLesson.set(e.lessonId, [...(byLesson.get(e.lessonId) ?? []), e]);
      setSaving((prev) => {
        const next = new Map(prev);
        for (const e of edits) next.set(cellKey(e.studentId, e.lessonId), e);
        return next;
      });
      queue.current = queue.current.then(async () => {
        let saved = 0;
        let failed = false;
        for (const [lessonId, list] of byLesson) {
          try {
            const result = await call('journal.setMarks', {
              lessonId,
              marks: list.map((e) => ({
                studentId: e.studentId,
                attendance: e.value?.attendance ?? null,
                grade: e.value?.grade ?? null,
              })),
            });
            setData((prev) => (prev ? applyMarks(prev, result, list) : prev));
            saved += list.length;
          } catch (err) {
            failed = true;
            setStatus({ kind: 'error', text: errorText(err, t) });
          }
        }
        setSaving((prev) => {
          const next = new Map(prev);
          // A later edit of the same cell, still queued, keeps showing.
          for (const e of edits) {
            const key = cellKey(e.studentId, e.lessonId);
            if (next.get(key) === e) next.delete(key);
          }
          return next;
        });
        setVersion((v) => v + 1);
        if (failed) reload();
        else if (announce) setStatus({ kind: 'info', text: t('entry.saved', { count: saved }) });
      });
    },
    [setData, reload, t],
  );

  /** Save a lesson's topic; resolves true once saved. The grid is reloaded (who conducted it may change). */
  const saveTopic = useCallback(
    (lessonId: number, topic: string | null): Promise<boolean> => {
      const run = queue.current.then(async () => {
        try {
          const r = await call('journal.setTopic', { lessonId, topic });
          setData((prev) =>
            prev
              ? {
                  ...prev,
                  lessons: prev.lessons.map((l) =>
                    l.id === lessonId ? { ...l, topic: r.topic, completedAt: r.completedAt } : l,
                  ),
                }
              : prev,
          );
          setStatus({ kind: 'info', text: t('entry.topicSaved') });
          setVersion((v) => v + 1);
          reload();
          return true;
        } catch (err) {
          setStatus({ kind: 'error', text: errorText(err, t) });
          return false;
        }
      });
      queue.current = run.then(() => undefined);
      return run;
    },
    [setData, reload, t],
  );

  return { saving, status, setStatus, saveMarks, saveTopic, version };
}
