/** How people's names are written in journals and documents. */
export type NameParts = { lastName: string; firstName: string; patronymic: string | null };

/** 'Төрөбеков Айбек Нурланович' (a patronymic in the Kyrgyz style, 'Нурлан уулу', is kept whole). */
export function fullName(p: NameParts): string {
  return p.patronymic ? `${p.lastName} ${p.firstName} ${p.patronymic}` : `${p.lastName} ${p.firstName}`;
}

/** 'Төрөбеков А. Н.' — how journals print a teacher. */
export function shortName(p: NameParts): string {
  const initials = `${p.firstName.slice(0, 1)}.` + (p.patronymic ? ` ${p.patronymic.slice(0, 1)}.` : '');
  return `${p.lastName} ${initials}`;
}
