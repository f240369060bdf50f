import { dayNumber, isoWeekday, type IsoDate } from '../domain/time';
import type { Locale } from './translate';

/**
 * Dates for people, in Russian and Kyrgyz. The month and weekday names are written down (for Kyrgyz,
 * as Node's ICU gives them) because Chromium's Intl prints Kyrgyz dates as "M09 1, Tue" (I18N.md).
 */
const KY_MONTHS = [
  'январь',
  'февраль',
  'март',
  'апрель',
  'май',
  'июнь',
  'июль',
  'август',
  'сентябрь',
  'октябрь',
  'ноябрь',
  'декабрь',
];
const RU_MONTHS = [
  'Январь',
  'Февраль',
  'Март',
  'Апрель',
  'Май',
  'Июнь',
  'Июль',
  'Август',
  'Сентябрь',
  'Октябрь',
  'Ноябрь',
  'Декабрь',
];
const RU_MONTHS_GENITIVE = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];
/** Month names after a day number: Russian uses the genitive, Kyrgyz the lower-case nominative ('15-январь'). */
const MONTHS_GENITIVE: Record<Locale, readonly string[]> = { ru: RU_MONTHS_GENITIVE, ky: KY_MONTHS };
const capitalize = (s: string) => s.slice(0, 1).toUpperCase() + s.slice(1);
const MONTHS: Record<Locale, readonly string[]> = { ru: RU_MONTHS, ky: KY_MONTHS.map(capitalize) };
const WEEKDAYS: Record<Locale, readonly string[]> = {
  ru: ['понедельник', 'вторник', 'среда', 'четверг', 'пятница', 'суббота', 'воскресенье'],
  ky: ['дүйшөмбү', 'шейшемби', 'шаршемби', 'бейшемби', 'жума', 'ишемби', 'жекшемби'],
};
const WEEKDAYS_SHORT: Record<Locale, readonly string[]> = {
  ru: ['пн', 'вт', 'ср', 'чт', 'пт', 'сб', 'вс'],
  ky: ['дүй.', 'шейш.', 'шарш.', 'бейш.', 'жума', 'ишм.', 'жек.'],
};

function parts(date: IsoDate): { y: number; m: number; d: number } {
  dayNumber(date); // validates
  return { y: Number(date.slice(0, 4)), m: Number(date.slice(5, 7)), d: Number(date.slice(8, 10)) };
}

/** 'dd.mm.yyyy', as both languages write dates in tables and documents. */
export function formatDateShort(date: IsoDate): string {
  return `${date.slice(8, 10)}.${date.slice(5, 7)}.${date.slice(0, 4)}`;
}

/** 'dd.mm', for dense column headers. */
export function formatDayMonthNumeric(date: IsoDate): string {
  return `${date.slice(8, 10)}.${date.slice(5, 7)}`;
}

/** Russian '26 ноября', Kyrgyz '26-ноябрь'. */
export function formatDayMonth(locale: Locale, date: IsoDate): string {
  const { m, d } = parts(date);
  const month = MONTHS_GENITIVE[locale][m - 1] ?? '';
  return locale === 'ky' ? `${d}-${month}` : `${d} ${month}`;
}

/** Russian 'четверг, 26 ноября 2026 г.', Kyrgyz '2026-ж., 26-ноябрь, бейшемби'. */
export function formatDateLong(locale: Locale, date: IsoDate): string {
  const { y } = parts(date);
  const wd = WEEKDAYS[locale][isoWeekday(date) - 1] ?? '';
  return locale === 'ky'
    ? `${y}-ж., ${formatDayMonth(locale, date)}, ${wd}`
    : `${wd}, ${formatDayMonth(locale, date)} ${y} г.`;
}

/** Short weekday name: 'чт' / 'бейш.'. */
export function formatWeekdayShort(locale: Locale, date: IsoDate): string {
  return WEEKDAYS_SHORT[locale][isoWeekday(date) - 1] ?? '';
}

/** Weekday name by ISO number (1 = Monday). */
export function weekdayName(locale: Locale, isoDay: number): string {
  return WEEKDAYS[locale][isoDay - 1] ?? '';
}

/** Month name (nominative) by number 1–12. */
export function monthName(locale: Locale, month: number): string {
  return MONTHS[locale][month - 1] ?? '';
}

/** A number with the locale's separators (space for thousands, comma for decimals in both languages). */
export function formatNumber(n: number, fractionDigits = 0): string {
  const fixed = Math.abs(n).toFixed(fractionDigits);
  const [int = '0', frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return (n < 0 ? '−' : '') + grouped + (frac ? `,${frac}` : '');
}
