import { useState, type FormEvent } from 'react';
import type { SessionUser } from '../../../src-shared/contract/common';
import { formatDateLong } from '../../../src-shared/i18n/format';
import { ApiCallError, call } from '../../api/client';
import type { AppInfo } from '../../App';
import { useI18n } from '../../i18n/I18n';
import { LeaveArchive, UnregisteredNote, useArchiveText } from '../archive/ArchiveBanner';
import { LanguageSwitch } from '../shell/LanguageSwitch';

/** The head of the login card: the brand and the language switch. */
export function LoginHead() {
  return (
    <div className="login-head">
      <div className="brand">
        <span className="brand-mark">AVN</span> Desk
      </div>
      <LanguageSwitch />
    </div>
  );
}

/** Login with the demo accounts listed for a demo replica (password `demo`). */
export function LoginScreen({
  info,
  notice = null,
  onLogin,
  onSwitched,
}: {
  info: AppInfo;
  /** A note to show above the form (e.g. that the replica was restored and everyone logs in again). */
  notice?: string | null;
  onLogin: (session: string, user: SessionUser) => void;
  /** The backend went back from an archive replica to the working one. */
  onSwitched: (notice: string) => void;
}) {
  const { t, locale } = useI18n();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const archiveText = useArchiveText();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    call('auth.login', { login, password }).then(
      (r) => onLogin(r.session, r.user),
      (err: unknown) => {
        setBusy(false);
        setError(
          err instanceof ApiCallError && err.code !== 'BAD_CREDENTIALS' ? err.message : t('login.failed'),
        );
      },
    );
  };

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={submit} aria-label={t('login.title')}>
        <LoginHead />
        <p className="login-tagline">{t('app.tagline')}</p>
        <h1>{t('login.title')}</h1>
        {info.archive ? (
          <div className="login-archive" role="note" title={`SHA-256 ${info.archive.digest}`}>
            {archiveText(info.archive, 'archiveui.loginArchive')} <LeaveArchive onLeft={onSwitched} />
            <UnregisteredNote archive={info.archive} />
          </div>
        ) : null}
        {notice ? (
          <div className="login-notice" role="status">
            {notice}
          </div>
        ) : null}
        <label>
          {t('login.login')}
          <input
            name="login"
            autoComplete="username"
            autoFocus
            value={login}
            onChange={(e) => setLogin(e.target.value)}
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error ? (
          <div className="form-error" role="alert">
            {error}
          </div>
        ) : null}
        <button className="btn primary" type="submit" disabled={busy || !login || !password}>
          {t('login.submit')}
        </button>
        {info.demo ? (
          <div className="demo-accounts">
            <div className="demo-title">{t('login.demoTitle')}</div>
            <div className="demo-list">
              {info.demoAccounts.map((a) => (
                <button
                  key={a}
                  type="button"
                  className="chip"
                  onClick={() => {
                    setLogin(a);
                    setPassword('demo');
                  }}
                >
                  {a}
                </button>
              ))}
            </div>
            <div className="demo-today">
              {t('app.demoToday', { date: formatDateLong(locale, info.today) })}
            </div>
          </div>
        ) : null}
      </form>
    </div>
  );
}
