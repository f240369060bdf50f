import { LOCALES } from '../../../src-shared/i18n/translate';
import { useI18n } from '../../i18n/I18n';

const LABELS = { ru: 'Рус', ky: 'Кыр' } as const;

/** Russian / Kyrgyz switch. */
export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label={t('app.language')}>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          className={l === locale ? 'on' : ''}
          aria-pressed={l === locale}
          lang={l}
          onClick={() => setLocale(l)}
        >
          {LABELS[l]}
        </button>
      ))}
    </div>
  );
}
