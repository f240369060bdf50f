import { useEffect, useState } from 'react';
import type { Output } from '../src-shared/contract';
import type { SessionUser } from '../src-shared/contract/common';
import { call, hasSession, setSession } from './api/client';
import { AppInfoContext, SessionContext } from './app-context';
import { LoginScreen } from './features/login/LoginScreen';
import { Shell } from './features/shell/Shell';
import { useI18n } from './i18n/I18n';
import { useCall } from './ui/use-call';
import { ErrorState, Loading } from './ui/States';

export type AppInfo = Output<'app.info'>;

/** The app: app info first, then the login screen or the shell of a logged-in user. */
export function App() {
  const { t } = useI18n();
  const info = useCall('app.info', {});
  const [user, setUser] = useState<SessionUser | null>(null);
  const [checked, setChecked] = useState(!hasSession());

  useEffect(() => {
    if (checked) return;
    call('auth.me', {}).then(
      (u) => {
        setUser(u);
        setChecked(true);
      },
      () => {
        setSession(null);
        setChecked(true);
      },
    );
  }, [checked]);

  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  if (info.error) return <ErrorState error={info.error} onRetry={info.reload} />;
  if (!info.data || !checked) return <Loading />;
  if (!user) {
    return (
      <LoginScreen
        info={info.data}
        onLogin={(session, u) => {
          setSession(session);
          setUser(u);
        }}
      />
    );
  }
  return (
    <AppInfoContext.Provider value={info.data}>
      <SessionContext.Provider value={user}>
        <Shell
          info={info.data}
          user={user}
          onLogout={() => {
            void call('auth.logout', {}).catch(() => undefined);
            setSession(null);
            setUser(null);
          }}
        />
      </SessionContext.Provider>
    </AppInfoContext.Provider>
  );
}
