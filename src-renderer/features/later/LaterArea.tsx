import type { MessageKey } from '../../../src-shared/i18n/translate';
import { useI18n } from '../../i18n/I18n';
import { EmptyState } from '../../ui/States';

/** An area that arrives in a later release: says so plainly and offers the journal. */
export function LaterArea({ area, onOpenJournal }: { area: string; onOpenJournal: () => void }) {
  const { t } = useI18n();
  return (
    <div className="pane-center">
      <EmptyState title={t('area.later.title', { area: t(`nav.${area}` as MessageKey) })}>
        <p>{t('area.later.body')}</p>
        <button type="button" className="btn primary" onClick={onOpenJournal}>
          {t('area.later.openJournal')}
        </button>
      </EmptyState>
    </div>
  );
}
