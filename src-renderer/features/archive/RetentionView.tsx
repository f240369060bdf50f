import { useI18n } from '../../i18n/I18n';
import { EmptyState } from '../../ui/States';

/** The retention register (issue 7, item 3): being built. */
export function RetentionView() {
  const { t } = useI18n();
  return <EmptyState title={t('archiveui.tab.retention')} />;
}
