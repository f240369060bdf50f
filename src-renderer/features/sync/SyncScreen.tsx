import { useState, type FormEvent } from 'react';
import type { Output } from '../../../src-shared/contract';
import { mayCall } from '../../../src-shared/contract/rights';
import { bishkekDate, bishkekTime } from '../../../src-shared/domain/time';
import { formatDateShort } from '../../../src-shared/i18n/format';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { ApiCallError, call } from '../../api/client';
import { useSessionUser } from '../../app-context';
import { useI18n } from '../../i18n/I18n';
import { EmptyState, ErrorState, Loading } from '../../ui/States';
import { useCall } from '../../ui/use-call';
import { UnlockLogin } from './UnlockLogin';
import { useSyncStatus, type SyncStatus } from './use-sync';

type Conflict = Output<'sync.conflicts'>['items'][number];
type Value = Conflict['mine'];

const at = (ms: number) => `${formatDateShort(bishkekDate(ms))} ${bishkekTime(ms)}`;

/** Sync: connect to the gateway (the admin), sync now with a progress bar, and resolve refused edits one by one. */
export function SyncScreen() {
  const { t } = useI18n();
  const { status, progress, refresh } = useSyncStatus();
  const conflicts = useCall('sync.conflicts', {});
  // What the last action said, kept as data so a language switch translates it again.
  const [message, setMessage] = useState<
    { kind: 'done'; report: Output<'sync.run'> } | { kind: 'connected'; scope: string } | null
  >(null);
  const [error, setError] = useState<ApiCallError | null>(null);
  const [busy, setBusy] = useState(false);
  // Pointing the replica at a gateway is the admin's (DOMAIN.md, Roles: this PC).
  const grants = useSessionUser().grants;
  const mayConnect = mayCall('sync.connect', grants);

  const run = () => {
    setBusy(true);
    setError(null);
    setMessage(null);
    call('sync.run', {}).then(
      (r) => {
        setMessage({ kind: 'done', report: r });
        setBusy(false);
        refresh();
        conflicts.reload();
      },
      (err: unknown) => {
        setError(
          err instanceof ApiCallError ? err : new ApiCallError({ code: 'NETWORK', message: String(err) }),
        );
        setBusy(false);
        refresh();
      },
    );
  };

  if (!status) return <Loading />;
  return (
    <div className="sync-screen">
      <section className="card">
        <h2>{t('sync.title')}</h2>
        {status.configured ? (
          <StatusTable status={status} />
        ) : !mayConnect ? (
          <p className="muted">
            {t('sync.notConnected')}. {t('sync.adminConnects')}
          </p>
        ) : (
          <ConnectForm
            onConnected={(scope) => {
              setMessage({ kind: 'connected', scope });
              refresh();
            }}
          />
        )}
        {status.configured ? (
          <div className="row">
            <button
              type="button"
              className="btn primary"
              onClick={run}
              disabled={busy || status.syncing}
              data-testid="sync-now"
            >
              {busy || status.syncing ? t('sync.running') : t('sync.now')}
            </button>
            {progress && (busy || status.syncing) ? (
              <div
                className="progress"
                role="progressbar"
                aria-valuemin={0}
                aria-valuemax={progress.total}
                aria-valuenow={progress.done}
              >
                <div
                  className="progress-bar"
                  style={{
                    width: `${progress.total ? Math.round((100 * progress.done) / progress.total) : 100}%`,
                  }}
                />
                <span>{t(`sync.phase.${progress.phase}` as MessageKey)}</span>
              </div>
            ) : null}
          </div>
        ) : null}
        {message ? (
          <div className="note ok" role="status">
            {message.kind === 'connected'
              ? t('sync.connected', { scope: message.scope })
              : `${t('sync.done', {
                  pushed: message.report.pushed,
                  pulled: message.report.pulled + message.report.snapshotRows,
                  verified: t(`sync.verified.${message.report.verified}`),
                })}${message.report.pullDeferred ? ` ${t('sync.pullDeferred')}` : ''}`}
          </div>
        ) : null}
        {error ? <ErrorState error={error} /> : null}
      </section>
      {mayCall('auth.unlock', grants) ? (
        <section className="card">
          <UnlockLogin />
        </section>
      ) : null}
      <section className="card">
        <h2>{t('sync.conflictsTitle')}</h2>
        <p className="muted">{t('sync.conflictsHint')}</p>
        {conflicts.error ? <ErrorState error={conflicts.error} onRetry={conflicts.reload} /> : null}
        {conflicts.data && conflicts.data.items.length === 0 ? (
          <EmptyState title={t('sync.noConflicts')} />
        ) : null}
        {conflicts.data && conflicts.data.items.length > 0 ? (
          <ConflictTable
            rows={conflicts.data.items}
            onResolved={() => {
              conflicts.reload();
              refresh();
            }}
          />
        ) : null}
        {conflicts.data && conflicts.data.others > 0 ? (
          <p className="muted" data-testid="others-conflicts">
            {t('sync.othersConflicts', { n: conflicts.data.others })}
          </p>
        ) : null}
      </section>
    </div>
  );
}

function StatusTable({ status }: { status: SyncStatus }) {
  const { t } = useI18n();
  const state = status.online === false ? 'offline' : status.online ? 'online' : 'unknown';
  return (
    <dl className="kv">
      <dt>{t('sync.gateway')}</dt>
      <dd>
        {status.gateway} · <span className={`state ${state}`}>{t(`sync.${state}`)}</span>
      </dd>
      <dt>{t('sync.scope')}</dt>
      <dd>{status.scope}</dd>
      <dt>{t('sync.cursor')}</dt>
      <dd>{status.cursor ?? '—'}</dd>
      <dt>{t('sync.lastSyncLabel')}</dt>
      <dd>{status.lastSyncAt ? at(status.lastSyncAt) : t('sync.never')}</dd>
      <dt />
      <dd>
        {t('sync.pending', { count: status.pending })} · {t('sync.conflicts', { count: status.conflicts })}
      </dd>
      {status.lastError ? (
        <>
          <dt />
          <dd className="bad">{t('sync.lastError', { error: status.lastError })}</dd>
        </>
      ) : null}
    </dl>
  );
}

function ConnectForm({ onConnected }: { onConnected: (scope: string) => void }) {
  const { t } = useI18n();
  const [gatewayUrl, setGatewayUrl] = useState('http://127.0.0.1:8787');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiCallError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    call('sync.connect', { gatewayUrl, login, password }).then(
      (r) => {
        setBusy(false);
        onConnected(r.scope);
      },
      (err: unknown) => {
        setBusy(false);
        setError(
          err instanceof ApiCallError ? err : new ApiCallError({ code: 'NETWORK', message: String(err) }),
        );
      },
    );
  };
  return (
    <form className="connect" onSubmit={submit} data-testid="connect-form">
      <p className="muted">
        {t('sync.notConnected')}. {t('sync.connectHint')}
      </p>
      <label>
        {t('sync.gatewayUrl')}
        <input value={gatewayUrl} onChange={(e) => setGatewayUrl(e.target.value)} />
      </label>
      <label>
        {t('login.login')}
        <input value={login} autoComplete="username" onChange={(e) => setLogin(e.target.value)} />
      </label>
      <label>
        {t('login.password')}
        <input
          type="password"
          value={password}
          autoComplete="current-password"
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit" className="btn primary" disabled={busy || !login || !password || !gatewayUrl}>
        {t('sync.connect')}
      </button>
      {error ? <ErrorState error={error} /> : null}
    </form>
  );
}

function ValueText({ v, topic }: { v: Value | null; topic: boolean }) {
  const { t } = useI18n();
  if (!v) return <span className="muted">{t('sync.empty')}</span>;
  if (topic) return <span>{v.topic ?? t('sync.empty')}</span>;
  if (!v.attendance) return <span className="muted">{t('journal.notRecorded')}</span>;
  const code =
    v.attendance === 'p'
      ? (v.grade ?? t('mark.present'))
      : v.attendance === 'a'
        ? t('mark.absent')
        : t('mark.excused');
  return <b>{code}</b>;
}

function ConflictTable({ rows, onResolved }: { rows: Conflict[]; onResolved: () => void }) {
  const { t, locale } = useI18n();
  const [editing, setEditing] = useState<number | null>(null);
  const [draft, setDraft] = useState<{
    attendance: 'p' | 'a' | 'e';
    grade: 2 | 3 | 4 | 5 | null;
    topic: string;
  }>({ attendance: 'p', grade: null, topic: '' });
  const [error, setError] = useState<ApiCallError | null>(null);
  const resolve = (c: Conflict, resolution: 'keep_theirs' | 'reapply_mine' | 'edit') => {
    setError(null);
    const value =
      resolution === 'edit'
        ? c.name === 'marks.set'
          ? { attendance: draft.attendance, grade: draft.attendance === 'p' ? draft.grade : null }
          : { topic: draft.topic || null }
        : undefined;
    call('sync.resolve', { conflictId: c.id, resolution, ...(value ? { value } : {}) }).then(
      () => {
        setEditing(null);
        onResolved();
      },
      (err: unknown) =>
        setError(
          err instanceof ApiCallError ? err : new ApiCallError({ code: 'NETWORK', message: String(err) }),
        ),
    );
  };
  return (
    <>
      {error ? <ErrorState error={error} /> : null}
      <table className="table conflicts-table" data-testid="conflicts">
        <thead>
          <tr>
            <th>{t('sync.when')}</th>
            <th>{t('sync.what')}</th>
            <th>{t('sync.outcome')}</th>
            <th>{t('sync.mine')}</th>
            <th>{t('sync.theirs')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => {
            const topic = c.name === 'lessons.setTopic';
            return (
              <tr key={c.id} data-conflict={c.id}>
                <td>{at(c.createdAt)}</td>
                <td>
                  <div>{t(`mutation.${c.name}`)}</div>
                  {c.lesson ? (
                    <div>
                      {`${formatDateShort(c.lesson.date)}, ${t('journal.pair', { n: c.lesson.pair })}, ${c.lesson.group}, ${locale === 'ky' ? c.lesson.disciplineKy : c.lesson.disciplineRu}`}
                    </div>
                  ) : null}
                  <div className="muted">{topic ? t('sync.topicOf') : (c.student?.name ?? c.subject)}</div>
                </td>
                <td>{c.code ? t(`refusal.${c.code}` as MessageKey) : t(`sync.outcome.${c.outcome}`)}</td>
                <td>{c.mine ? <ValueText v={c.mine} topic={topic} /> : <span className="muted">—</span>}</td>
                <td>
                  {c.mine ? <ValueText v={c.theirs} topic={topic} /> : <span className="muted">—</span>}
                </td>
                <td>
                  <div className="actions">
                    {editing === c.id ? (
                      <span className="edit-inline">
                        {topic ? (
                          <input
                            aria-label={t('journal.topic')}
                            value={draft.topic}
                            onChange={(e) => setDraft({ ...draft, topic: e.target.value })}
                          />
                        ) : (
                          <>
                            <select
                              aria-label={t('sync.mine')}
                              value={draft.attendance}
                              onChange={(e) =>
                                setDraft({ ...draft, attendance: e.target.value as 'p' | 'a' | 'e' })
                              }
                            >
                              <option value="p">{t('mark.present')}</option>
                              <option value="a">{t('mark.absent')}</option>
                              <option value="e">{t('mark.excused')}</option>
                            </select>
                            <select
                              aria-label="grade"
                              value={draft.grade ?? ''}
                              disabled={draft.attendance !== 'p'}
                              onChange={(e) =>
                                setDraft({
                                  ...draft,
                                  grade: e.target.value ? (Number(e.target.value) as 2 | 3 | 4 | 5) : null,
                                })
                              }
                            >
                              <option value="">—</option>
                              {[5, 4, 3, 2].map((g) => (
                                <option key={g} value={g}>
                                  {g}
                                </option>
                              ))}
                            </select>
                          </>
                        )}
                        <button type="button" className="btn primary" onClick={() => resolve(c, 'edit')}>
                          {t('sync.apply')}
                        </button>
                        <button type="button" className="btn" onClick={() => setEditing(null)}>
                          {t('sync.cancel')}
                        </button>
                      </span>
                    ) : (
                      <>
                        <button type="button" className="btn" onClick={() => resolve(c, 'keep_theirs')}>
                          {c.resolutions.includes('reapply_mine') ? t('sync.keepTheirs') : t('sync.dismiss')}
                        </button>
                        {c.resolutions.includes('reapply_mine') ? (
                          <>
                            <button
                              type="button"
                              className="btn"
                              onClick={() => resolve(c, 'reapply_mine')}
                              disabled={c.outcome === 'LOCKED' || c.outcome === 'FORBIDDEN'}
                            >
                              {t('sync.reapply')}
                            </button>
                            <button
                              type="button"
                              className="btn"
                              onClick={() => {
                                setDraft({
                                  attendance: c.mine?.attendance ?? 'p',
                                  grade: c.mine?.grade ?? null,
                                  topic: c.mine?.topic ?? '',
                                });
                                setEditing(c.id);
                              }}
                              disabled={c.outcome === 'LOCKED' || c.outcome === 'FORBIDDEN'}
                            >
                              {t('sync.edit')}
                            </button>
                          </>
                        ) : null}
                      </>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
