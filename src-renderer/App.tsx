import { useEffect, useState } from 'react';
import type { Output } from '../src-shared/contract';
import type { SessionUser } from '../src-shared/contract/common';
import { call, hasSession, setSession } from './api/client';
import { AppInfoContext, SessionContext } from './app-context';
import { DamagedReplica } from './features/login/DamagedReplica';
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
  // A note for the login screen (after a restore, which ends every session).
  const [notice, setNotice] = useState<string | null>(null);
  const restored = (message: string) => {
    setSession(null);
    setUser(null);
    setNotice(message);
    info.reload();
  };

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

  // A damaged replica answers nothing but its status and the restore offer (issue 7).
  if (info.error?.code === 'REPLICA_DAMAGED') return <DamagedReplica onRestored={restored} />;
  if (info.error) return <ErrorState error={info.error} onRetry={info.reload} />;
  if (!info.data || !checked) return <Loading />;
  if (!user) {
    return (
      <LoginScreen
        info={info.data}
        notice={notice}
        onSwitched={restored}
        onLogin={(session, u) => {
          setNotice(null);
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
          onRestored={restored}
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
