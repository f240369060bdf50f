import { useEffect, useMemo, useState } from 'react';
import type { SessionUser } from '../../../src-shared/contract/common';
import { formatDateLong } from '../../../src-shared/i18n/format';
import type { MessageKey } from '../../../src-shared/i18n/translate';
import { METHOD_RIGHTS, rightAllows, type MethodRight } from '../../../src-shared/contract/rights';
import type { AppInfo } from '../../App';
import { useI18n } from '../../i18n/I18n';
import { BackupScreen } from '../backup/BackupScreen';
import { ControlScreen } from '../control/ControlScreen';
import { JournalScreen } from '../journal/JournalScreen';
import { LaterArea } from '../later/LaterArea';
import { SyncIndicator } from '../sync/SyncIndicator';
import { PrintScreen } from '../print/PrintScreen';
import { ArchiveBanner } from '../archive/ArchiveBanner';
import { ArchiveScreen } from '../archive/ArchiveScreen';
import { SubsScreen } from '../subs/SubsScreen';
import { SyncScreen } from '../sync/SyncScreen';
import { ErrorsIndicator } from './ErrorsIndicator';
import { LanguageSwitch } from './LanguageSwitch';

export const AREAS = [
  'control',
  'journal',
  'substitutions',
  'print',
  'archive',
  'reports',
  'sync',
  'settings',
  'backups',
] as const;
export type Area = (typeof AREAS)[number];

/** The API methods behind each area (by name prefix); an area without any arrives in a later release. */
const AREA_METHODS: Readonly<Record<Area, readonly string[]>> = {
  control: ['control.'],
  journal: ['journal.'],
  substitutions: ['subs.'],
  print: ['print.', 'documents.'],
  archive: ['archive.', 'retention.'],
  reports: [],
  sync: ['sync.'],
  settings: [],
  backups: ['backup.'],
};

/**
 * The areas a user sees: those with a method the door lets their roles call (METHOD_RIGHTS, from
 * DOMAIN.md's role matrix), so nobody lands on a screen that refuses them. Public methods (what the
 * login screen needs: backup.status, archive.leave) do not make an area theirs.
 */
function areasOf(user: SessionUser): Area[] {
  const rights: Array<[string, MethodRight]> = Object.entries(METHOD_RIGHTS);
  const callable = rights
    .filter(([, right]) => right !== 'public' && rightAllows(right, user.grants))
    .map(([method]) => method);
  return AREAS.filter((area) => {
    const prefixes = AREA_METHODS[area];
    return prefixes.length === 0 || callable.some((m) => prefixes.some((p) => m.startsWith(p)));
  });
}

/**
 * The app shell: navigation for every area the user may open, the user and their roles, the replica's
 * clock. Alt+1…Alt+9 open the areas by their place in AREAS, the same for every role (Alt+9 is always
 * Backups); the digit of an area the user does not have does nothing.
 */
export function Shell({
  info,
  user,
  onLogout,
  onRestored,
}: {
  info: AppInfo;
  user: SessionUser;
  onLogout: () => void;
  /** The replica was restored from a backup: every session ended, back to the login screen. */
  onRestored: (notice: string) => void;
}) {
  const { t, locale } = useI18n();
  const [area, setArea] = useState<Area>('journal');
  const areas = useMemo(() => areasOf(user), [user]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const n = Number(e.key);
      const next = AREAS[n - 1];
      if (Number.isInteger(n) && next && areas.includes(next)) {
        e.preventDefault();
        setArea(next);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [areas]);

  const scopeName = locale === 'ky' ? info.scope.nameKy : info.scope.nameRu;
  return (
    <div className={info.archive ? 'shell archived' : 'shell'}>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark">AVN</span> Desk
        </div>
        <nav className="nav" aria-label="main">
          {areas.map((a) => (
            <button
              key={a}
              type="button"
              className={a === area ? 'nav-item on' : 'nav-item'}
              aria-current={a === area ? 'page' : undefined}
              title={t('nav.shortcut', { n: AREAS.indexOf(a) + 1 })}
              onClick={() => setArea(a)}
            >
              {t(`nav.${a}` as MessageKey)}
            </button>
          ))}
        </nav>
        <div className="topbar-right">
          <div className="user" title={user.login}>
            <span className="user-name">{user.displayName}</span>
            <span className="user-roles">
              {user.grants.map((g, i) => (
                <span key={i} className="role-chip">
                  {t(`role.${g.role}` as MessageKey)}
                  {g.scopeName ? ` · ${g.scopeName}` : ''}
                </span>
              ))}
            </span>
          </div>
          <LanguageSwitch />
          <button type="button" className="btn" onClick={onLogout}>
            {t('login.logout')}
          </button>
        </div>
      </header>
      {info.archive ? <ArchiveBanner archive={info.archive} onLeft={onRestored} /> : null}
      <main className="workspace">
        {area === 'control' ? (
          <ControlScreen />
        ) : area === 'journal' ? (
          <JournalScreen />
        ) : area === 'print' ? (
          <PrintScreen />
        ) : area === 'archive' ? (
          <ArchiveScreen onSwitched={onRestored} />
        ) : area === 'substitutions' ? (
          <SubsScreen />
        ) : area === 'sync' ? (
          <SyncScreen />
        ) : area === 'backups' ? (
          <BackupScreen onRestored={onRestored} />
        ) : (
          <LaterArea area={area} onOpenJournal={() => setArea('journal')} />
        )}
      </main>
      <footer className="statusbar">
        <span>{t('app.replica', { scope: scopeName ?? t('app.scopeUniversity') })}</span>
        {info.demo ? (
          <span className="demo-flag">
            {t('app.demoToday', { date: formatDateLong(locale, info.today) })}
          </span>
        ) : null}
        <SyncIndicator onOpen={() => setArea('sync')} />
        <ErrorsIndicator />
        <span className="spacer" />
        <span>v{info.version}</span>
      </footer>
    </div>
  );
}
