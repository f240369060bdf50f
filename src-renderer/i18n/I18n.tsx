import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import {
  isLocale,
  translate,
  type Locale,
  type MessageKey,
  type Params,
} from '../../src-shared/i18n/translate';
import { setCallLocale } from '../api/client';

/** The UI language: Russian by default, Kyrgyz by choice, remembered on this PC (I18N.md). */
export type I18n = {
  locale: Locale;
  setLocale: (l: Locale) => void;
  t: (key: MessageKey | (string & {}), params?: Params) => string;
};

const LOCALE_KEY = 'avn.locale';
const Ctx = createContext<I18n | null>(null);

function initialLocale(): Locale {
  const stored = localStorage.getItem(LOCALE_KEY);
  return isLocale(stored) ? stored : 'ru';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => {
    const l = initialLocale();
    setCallLocale(l);
    document.documentElement.lang = l;
    return l;
  });
  const setLocale = useCallback((l: Locale) => {
    localStorage.setItem(LOCALE_KEY, l);
    setCallLocale(l);
    document.documentElement.lang = l;
    setLocaleState(l);
  }, []);
  const value = useMemo<I18n>(
    () => ({ locale, setLocale, t: (key, params) => translate(locale, key, params) }),
    [locale, setLocale],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
