import type { Rng } from './rng';

/**
 * Name pools of the demo university: Kyrgyz (with ң, ө, ү), Russian and Uzbek names, as the
 * student body of Jalal-Abad is. Surnames are given in the male form; female forms are derived.
 */
const KYRGYZ_SURNAMES = [
  'Асанов',
  'Үсөнов',
  'Төрөбеков',
  'Өмүрбеков',
  'Жээнбеков',
  'Сүйүнбаев',
  'Түлөбердиев',
  'Мамытов',
  'Осмонов',
  'Курманбеков',
  'Абдыкадыров',
  'Токтогулов',
  'Бакиров',
  'Ташиев',
  'Шаршеналиев',
  'Нурмаматов',
  'Эшмаматов',
  'Бекболотов',
  'Жумабеков',
  'Сатыбалдиев',
  'Калыков',
  'Кочкоров',
  'Мырзабеков',
  'Орозбеков',
  'Сыдыков',
  'Төлөгөнов',
  'Үмөталиев',
  'Өскөнбаев',
  'Көчөров',
  'Түгөлбаев',
  'Дүйшөнбиев',
  'Жүнүсов',
  'Маматкадыров',
  'Алымкулов',
  'Бообеков',
  'Тойчуев',
  'Исаков',
  'Абдраимов',
  'Сагынбаев',
  'Чотонов',
  'Болотбеков',
  'Рысбеков',
  'Эсенгулов',
  'Кадыров',
  'Ормонов',
  'Кеңешов',
  'Жаңыбеков',
  'Таңатаров',
  'Өмүралиев',
  'Мөлдөкулов',
  'Зулпуев',
  'Арзыматов',
  'Бейшеналиев',
  'Каныбеков',
  'Төрөкулов',
  'Үсөналиев',
  'Шамшиев',
  'Айтбаев',
];
const KYRGYZ_MALE = [
  'Айбек',
  'Нурлан',
  'Бакыт',
  'Эрлан',
  'Өмүр',
  'Бекболот',
  'Таалай',
  'Мирлан',
  'Элдияр',
  'Нуржигит',
  'Санжар',
  'Азамат',
  'Жаңыбек',
  'Төлөгөн',
  'Күбанычбек',
  'Адилет',
  'Бекзат',
  'Эмир',
  'Тилек',
  'Үсөн',
  'Өмүрбек',
  'Нурсултан',
  'Улан',
  'Чыңгыз',
  'Темирлан',
  'Алмаз',
  'Дастан',
  'Эрмек',
  'Жоомарт',
  'Мелис',
  'Нурбек',
  'Бектур',
  'Айдар',
  'Жыргалбек',
  'Курманбек',
  'Сыймык',
  'Акылбек',
  'Кутман',
  'Байтик',
  'Үмөт',
];
const KYRGYZ_FEMALE = [
  'Айгерим',
  'Айжан',
  'Бүбүсара',
  'Гүлнара',
  'Жылдыз',
  'Нургүл',
  'Үмүт',
  'Чолпон',
  'Бегимай',
  'Айпери',
  'Мээрим',
  'Сезим',
  'Күмүшай',
  'Аруужан',
  'Назира',
  'Мөлмөл',
  'Гүлзат',
  'Айзада',
  'Жибек',
  'Нуриза',
  'Сүйүмкан',
  'Айсулуу',
  'Каныкей',
  'Бермет',
  'Асель',
  'Динара',
  'Элнура',
  'Толгонай',
  'Турсунай',
  'Айнура',
  'Гүлмира',
  'Нурайым',
  'Өмүркан',
  'Көкүл',
  'Зуурата',
  'Адинай',
];
const RUSSIAN_SURNAMES = [
  'Иванов',
  'Петров',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Соколов',
  'Лебедев',
  'Новиков',
  'Морозов',
  'Волков',
  'Соловьёв',
  'Васильев',
  'Зайцев',
  'Павлов',
  'Семёнов',
  'Голубев',
  'Виноградов',
  'Богданов',
  'Фёдоров',
  'Михайлов',
  'Беляев',
  'Тарасов',
  'Белов',
  'Комаров',
  'Орлов',
  'Киселёв',
  'Макаров',
  'Андреев',
  'Ковалёв',
];
const RUSSIAN_MALE = [
  'Александр',
  'Дмитрий',
  'Максим',
  'Сергей',
  'Андрей',
  'Алексей',
  'Артём',
  'Илья',
  'Кирилл',
  'Михаил',
  'Никита',
  'Роман',
  'Егор',
  'Владимир',
  'Павел',
  'Виктор',
  'Игорь',
  'Олег',
  'Юрий',
  'Николай',
];
const RUSSIAN_FEMALE = [
  'Анна',
  'Мария',
  'Елена',
  'Ольга',
  'Наталья',
  'Екатерина',
  'Татьяна',
  'Ирина',
  'Светлана',
  'Юлия',
  'Анастасия',
  'Дарья',
  'Полина',
  'Виктория',
  'Ксения',
  'Людмила',
  'Валентина',
];
const UZBEK_SURNAMES = [
  'Юлдашев',
  'Рахимов',
  'Каримов',
  'Турсунов',
  'Абдуллаев',
  'Мирзаев',
  'Хасанов',
  'Усманов',
  'Ахмедов',
  'Исмаилов',
  'Эргашев',
  'Нематов',
  'Холматов',
  'Набиев',
  'Саидов',
];
const UZBEK_MALE = [
  'Бахтиёр',
  'Шерзод',
  'Фаррух',
  'Жасур',
  'Улугбек',
  'Отабек',
  'Азизбек',
  'Шохрух',
  'Достон',
  'Санжарбек',
];
const UZBEK_FEMALE = [
  'Дилноза',
  'Гулноза',
  'Мадина',
  'Нилуфар',
  'Зарина',
  'Шахноза',
  'Мохира',
  'Феруза',
  'Садокат',
];

/** Russian patronymics: [male, female]. */
const RUSSIAN_PATRONYMICS: ReadonlyArray<readonly [string, string]> = [
  ['Александрович', 'Александровна'],
  ['Дмитриевич', 'Дмитриевна'],
  ['Сергеевич', 'Сергеевна'],
  ['Андреевич', 'Андреевна'],
  ['Алексеевич', 'Алексеевна'],
  ['Михайлович', 'Михайловна'],
  ['Владимирович', 'Владимировна'],
  ['Павлович', 'Павловна'],
  ['Николаевич', 'Николаевна'],
  ['Викторович', 'Викторовна'],
  ['Игоревич', 'Игоревна'],
  ['Олегович', 'Олеговна'],
  ['Юрьевич', 'Юрьевна'],
  ['Петрович', 'Петровна'],
];

export type PersonName = {
  lastName: string;
  firstName: string;
  patronymic: string | null;
  gender: 'm' | 'f';
};

function femaleSurname(male: string): string {
  return male.endsWith('ий') ? `${male.slice(0, -2)}ая` : `${male}а`;
}

/** A patronymic from a father's given name, in the Kyrgyz (уулу/кызы) or the Russian style. */
function turkicPatronymic(rng: Rng, father: string, gender: 'm' | 'f'): string {
  if (rng.chance(0.35)) return `${father} ${gender === 'm' ? 'уулу' : 'кызы'}`;
  const last = father.slice(-1);
  if ('аеёиоуыэюяөү'.includes(last)) return `${father} ${gender === 'm' ? 'уулу' : 'кызы'}`;
  const stem = last === 'й' ? father.slice(0, -1) + 'е' : father + 'о';
  return `${stem}${gender === 'm' ? 'вич' : 'вна'}`;
}

/** A person of the demo; `kyrgyzShare` is the share of Kyrgyz names (the rest Russian and Uzbek). */
export function personName(rng: Rng, kyrgyzShare: number): PersonName {
  const gender = rng.chance(0.55) ? 'f' : 'm';
  const roll = rng.next();
  let surname: string;
  let first: string;
  let patronymic: string;
  if (roll < kyrgyzShare) {
    surname = rng.pick(KYRGYZ_SURNAMES);
    first = rng.pick(gender === 'm' ? KYRGYZ_MALE : KYRGYZ_FEMALE);
    patronymic = turkicPatronymic(rng, rng.pick(KYRGYZ_MALE), gender);
  } else if (roll < kyrgyzShare + (1 - kyrgyzShare) * 0.55) {
    surname = rng.pick(UZBEK_SURNAMES);
    first = rng.pick(gender === 'm' ? UZBEK_MALE : UZBEK_FEMALE);
    patronymic = turkicPatronymic(rng, rng.pick(UZBEK_MALE), gender);
  } else {
    surname = rng.pick(RUSSIAN_SURNAMES);
    first = rng.pick(gender === 'm' ? RUSSIAN_MALE : RUSSIAN_FEMALE);
    const p = rng.pick(RUSSIAN_PATRONYMICS);
    patronymic = gender === 'm' ? p[0] : p[1];
  }
  return {
    lastName: gender === 'm' ? surname : femaleSurname(surname),
    firstName: first,
    patronymic: rng.chance(0.97) ? patronymic : null,
    gender,
  };
}

/** A Kyrgyz mobile number. */
export function phoneNumber(rng: Rng): string {
  const op = rng.pick([
    '700',
    '701',
    '702',
    '705',
    '707',
    '709',
    '550',
    '555',
    '557',
    '770',
    '772',
    '775',
    '777',
    '999',
  ]);
  return `+996 ${op} ${String(rng.int(0, 999)).padStart(3, '0')} ${String(rng.int(0, 999)).padStart(3, '0')}`;
}
