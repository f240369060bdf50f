import type { ReactNode } from 'react';
import type { ApiCallError } from '../api/client';
import type { CallState } from './use-call';
import { useI18n } from '../i18n/I18n';

/** A quiet message for an empty list or an unselected pane. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state" role="status">
      <div className="empty-title">{title}</div>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}

/** An error from the backend, in the user's language, with a retry. */
export function ErrorState({ error, onRetry }: { error: ApiCallError; onRetry?: () => void }) {
  const { t } = useI18n();
  const message =
    error.code === 'NETWORK'
      ? t('error.NETWORK')
      : t(`error.${error.code}`, { reason: '', field: error.field ?? '', ...error.params });
  return (
    <div className="error-state" role="alert">
      <span>{message}</span>
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry}>
          {t('app.retry')}
        </button>
      ) : null}
    </div>
  );
}

/** An indeterminate loading bar for short waits. */
export function Loading() {
  const { t } = useI18n();
  return (
    <div className="loading" role="progressbar" aria-label={t('app.loading')}>
      <div className="loading-bar" />
    </div>
  );
}

/**
 * What a list loaded with useCall shows instead of (or above) its rows: its error with a retry, the
 * error of an action on it, loading, or the empty state.
 */
export function ListStates<T extends { items: readonly unknown[] }>({
  list,
  emptyTitle,
  actionError = null,
}: {
  list: CallState<T>;
  emptyTitle: string;
  actionError?: ApiCallError | null;
}) {
  return (
    <>
      {list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {actionError ? <ErrorState error={actionError} /> : null}
      {!list.data && !list.error ? <Loading /> : null}
      {list.data && list.data.items.length === 0 ? <EmptyState title={emptyTitle} /> : null}
    </>
  );
}
