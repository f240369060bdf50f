import { useState } from 'react';
import { useI18n } from '../../i18n/I18n';
import { Tab } from '../../ui/controls';
import { PackagesView } from './PackagesView';
import { RetentionView } from './RetentionView';
import { VerifyOpenView } from './VerifyOpenView';

/**
 * Archive (issue 7): archive packages of a unit and period with the archive register, verifying and
 * opening a package, and the retention register with purge requests.
 */
export function ArchiveScreen({ onSwitched }: { onSwitched: (notice: string) => void }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<'packages' | 'verify' | 'retention'>('packages');
  return (
    <div className="subs">
      <div className="control-bar">
        <h2>{t('archiveui.title')}</h2>
        <div className="seg" role="tablist" aria-label={t('archiveui.title')}>
          <Tab on={tab === 'packages'} onSelect={() => setTab('packages')}>
            {t('archiveui.tab.packages')}
          </Tab>
          <Tab on={tab === 'verify'} onSelect={() => setTab('verify')}>
            {t('archiveui.tab.verify')}
          </Tab>
          <Tab on={tab === 'retention'} onSelect={() => setTab('retention')}>
            {t('archiveui.tab.retention')}
          </Tab>
        </div>
      </div>
      <div className="control-body">
        {tab === 'packages' ? (
          <PackagesView />
        ) : tab === 'verify' ? (
          <VerifyOpenView onSwitched={onSwitched} />
        ) : (
          <RetentionView />
        )}
      </div>
    </div>
  );
}
