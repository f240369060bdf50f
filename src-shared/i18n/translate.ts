import { ky } from './ky';
import { ru, type MessageKey } from './ru';

export type { MessageKey } from './ru';

/** The UI languages. Russian is the default (I18N.md). */
export const LOCALES = ['ru', 'ky'] as const;
export type Locale = (typeof LOCALES)[number];

export const CATALOGUES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { ru, ky };

export type Params = Readonly<Record<string, string | number>>;

type PluralCategory = 'one' | 'few' | 'many' | 'other';

/**
 * Plural category of an integer. Written down rather than taken from Intl.PluralRules, because
 * Chromium's ICU lacks Kyrgyz (I18N.md): Russian one/few/many, Kyrgyz one/other.
 */
export function pluralCategory(locale: Locale, count: number): PluralCategory {
  const n = Math.abs(Math.trunc(count));
  if (locale === 'ky') return n === 1 ? 'one' : 'other';
  const m10 = n % 10;
  const m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return 'one';
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return 'few';
  return 'many';
}

function interpolate(text: string, params: Params | undefined): string {
  if (!params) return text;
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

/**
 * Translate a message key. With a numeric `count` parameter the key's plural forms (`key_one`,
 * `key_few`, `key_many`, `key_other`) are tried first, as i18next names them.
 */
export function translate(locale: Locale, key: string, params?: Params): string {
  const cat = CATALOGUES[locale] as Readonly<Record<string, string>>;
  const count = params?.count;
  if (typeof count === 'number') {
    const form = cat[`${key}_${pluralCategory(locale, count)}`] ?? cat[`${key}_other`] ?? cat[`${key}_many`];
    if (form !== undefined) return interpolate(form, params);
  }
  const text = cat[key] ?? (ru as Readonly<Record<string, string>>)[key] ?? key;
  return interpolate(text, params);
}

/** True when `s` is a supported locale. */
export function isLocale(s: unknown): s is Locale {
  return s === 'ru' || s === 'ky';
}
