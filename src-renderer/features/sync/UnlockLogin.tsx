import { useState, type FormEvent } from 'react';
import type { Output } from '../../../src-shared/contract';
import { call } from '../../api/client';
import { useI18n } from '../../i18n/I18n';
import { ErrorState } from '../../ui/States';
import { useAction } from '../../ui/use-action';

/**
 * The admin lifts a login's lock after wrong passwords (issue 14, item 2): on this PC and, when the
 * replica is connected, at the gateway. Shown on the Sync screen, the admin's screen of this PC.
 */
export function UnlockLogin() {
  const { t } = useI18n();
  const [login, setLogin] = useState('');
  const [result, setResult] = useState<Output<'auth.unlock'> | null>(null);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    action.run(() => call('auth.unlock', { login }), setResult);
  };
  return (
    <form className="connect" onSubmit={submit} data-testid="unlock-login">
      <h2>{t('auth.unlockTitle')}</h2>
      <p className="muted">{t('auth.unlockHint')}</p>
      <label>
        {t('login.login')}
        <input value={login} onChange={(e) => setLogin(e.target.value)} />
      </label>
      <button type="submit" className="btn" disabled={action.busy || !login.trim()}>
        {t('auth.unlock')}
      </button>
      {result ? (
        <div className="note ok" role="status">
          {result.local || result.central ? t('auth.unlocked') : t('auth.unlockNothing')}
          {result.central === null ? ` ${t('auth.unlockLocalOnly')}` : ''}
        </div>
      ) : null}
      {action.error ? <ErrorState error={action.error} /> : null}
    </form>
  );
}
