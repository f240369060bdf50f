import { describe, expect, it } from 'vitest';
import { MUTATION_NAMES } from '../sync/mutations';
import { REFUSAL_CODES } from '../sync/registry/types';
import { CATALOGUES, LOCALES } from './translate';

/**
 * Every refusal of the registry and every mutation has words in both languages (issue 13): a person
 * reads why their edit was refused (`refusal.<code>`) and what kind of edit it was (`mutation.<name>`)
 * on the Sync screen, never the registry's English code.
 */
const text = (locale: (typeof LOCALES)[number], key: string): string | undefined =>
  (CATALOGUES[locale] as Readonly<Record<string, string>>)[key];

describe('the catalogues and the mutation registry', () => {
  it('translate every refusal code in Russian and Kyrgyz, differently', () => {
    const problems: string[] = [];
    for (const code of REFUSAL_CODES) {
      const key = `refusal.${code}`;
      for (const locale of LOCALES) if (!text(locale, key)?.trim()) problems.push(`${locale}: no ${key}`);
      if (text('ru', key) !== undefined && text('ru', key) === text('ky', key))
        problems.push(`${key}: the same text in both languages`);
    }
    expect(problems).toEqual([]);
  });

  it('name every mutation in Russian and Kyrgyz', () => {
    expect(MUTATION_NAMES.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const name of MUTATION_NAMES)
      for (const locale of LOCALES)
        if (!text(locale, `mutation.${name}`)?.trim()) problems.push(`${locale}: no mutation.${name}`);
    expect(problems).toEqual([]);
  });
});
