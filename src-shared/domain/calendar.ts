import type { IsoDate } from './time';

/** A non-teaching day of the university calendar (DOMAIN.md, Time units). */
export type Holiday = { date: IsoDate; nameRu: string; nameKy: string };

const FIXED: ReadonlyArray<[string, string, string]> = [
  ['01-01', 'Новый год', 'Жаңы жыл'],
  ['01-07', 'Рождество Христово', 'Ыйсанын туулган күнү'],
  ['02-23', 'День защитника Отечества', 'Ата Мекенди коргоочулар күнү'],
  ['03-08', 'Международный женский день', 'Эл аралык аялдар күнү'],
  ['03-21', 'Нооруз', 'Нооруз'],
  ['04-07', 'День народной Апрельской революции', 'Элдик Апрель революциясы күнү'],
  ['05-01', 'Праздник труда', 'Эмгек майрамы'],
  ['05-05', 'День Конституции', 'Конституция күнү'],
  ['05-09', 'День Победы', 'Жеңиш күнү'],
  ['08-31', 'День независимости', 'Эгемендүүлүк күнү'],
  ['11-07', 'Дни истории и памяти предков', 'Тарых жана ата-бабаларды эскерүү күндөрү'],
  ['11-08', 'Дни истории и памяти предков', 'Тарых жана ата-бабаларды эскерүү күндөрү'],
];

/**
 * Orozo Ait and Kurman Ait follow the lunar calendar and are declared by the government each year;
 * these are the expected dates. The admin corrects the calendar at the start of year (§4.1).
 */
const MOVABLE: Readonly<Record<number, { orozo: string; kurman: string }>> = {
  2025: { orozo: '2025-03-30', kurman: '2025-06-06' },
  2026: { orozo: '2026-03-20', kurman: '2026-05-27' },
  2027: { orozo: '2027-03-10', kurman: '2027-05-16' },
  2028: { orozo: '2028-02-27', kurman: '2028-05-05' },
  2029: { orozo: '2029-02-14', kurman: '2029-04-24' },
  2030: { orozo: '2030-02-04', kurman: '2030-04-13' },
};

/** Kyrgyz public holidays of a calendar year, sorted by date. */
export function kyrgyzPublicHolidays(year: number): Holiday[] {
  const out: Holiday[] = FIXED.map(([md, nameRu, nameKy]) => ({ date: `${year}-${md}`, nameRu, nameKy }));
  const movable = MOVABLE[year];
  if (movable) {
    out.push({ date: movable.orozo, nameRu: 'Орозо айт', nameKy: 'Орозо айт' });
    out.push({ date: movable.kurman, nameRu: 'Курман айт', nameKy: 'Курман айт' });
  }
  return out.sort((a, b) => a.date.localeCompare(b.date));
}
