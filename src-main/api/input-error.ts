import type { z } from 'zod';
import { AppError } from '../../src-shared/contract/errors';
import { translate, type Locale } from '../../src-shared/i18n/translate';

/** The value at a path of an input, or undefined when any step of it is absent. */
function at(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** What `invalid_type` expected, in the catalogue's words (`reason.expected.<type>`). */
const EXPECTED = new Set(['number', 'int', 'string', 'boolean', 'array', 'object']);
/** Formats the contract uses, in the catalogue's words (`reason.format.<format>`). */
const FORMATS = new Set(['date', 'datetime', 'time', 'uuid', 'email', 'url']);

/**
 * The reason of one zod issue in the reader's language (issue 14): "required" only when the value is
 * absent — zod v4 does not report the input, so it is looked up at the issue's path — and otherwise
 * what was expected: a number, text, a date as YYYY-MM-DD, a length or a bound, one of a few numbers.
 * Never zod's English, never a field's key.
 */
export function issueReason(issue: z.ZodError['issues'][number], input: unknown, locale: Locale): string {
  const t = (key: string, params?: Record<string, string | number>) => translate(locale, key, params);
  switch (issue.code) {
    case 'invalid_type':
      if (at(input, issue.path) === undefined) return t('reason.required');
      return EXPECTED.has(issue.expected) ? t(`reason.expected.${issue.expected}`) : t('reason.invalid');
    case 'invalid_format':
      return FORMATS.has(issue.format) ? t(`reason.format.${issue.format}`) : t('reason.invalidFormat');
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = Number(small ? issue.minimum : issue.maximum);
      const origin = issue.origin === 'int' ? 'number' : issue.origin;
      if (origin === 'string' || origin === 'array')
        return t(`reason.${small ? 'tooShort' : 'tooLong'}.${origin}`, { limit });
      if (origin === 'number') {
        const inclusive = issue.inclusive !== false;
        return t(`reason.${small ? 'atLeast' : 'atMost'}${inclusive ? '' : 'Strict'}`, { limit });
      }
      return t('reason.invalid');
    }
    case 'invalid_value': {
      const values = issue.values;
      // A short list of numbers is said as it is; codes (English words) are never shown.
      if (values.length > 0 && values.length <= 10 && values.every((v) => typeof v === 'number'))
        return t('reason.oneOf', { values: values.join(', ') });
      return t('reason.invalidValue');
    }
    case 'unrecognized_keys':
      return t('reason.unknownField');
    case 'custom':
      return typeof issue.params?.reason === 'string'
        ? t(`reason.${issue.params.reason}`)
        : t('reason.invalid');
    default:
      return t('reason.invalid');
  }
}

/**
 * An input that failed its schema, as INVALID_INPUT naming the field in `field` (for the screen to
 * point at) and saying in words what was wrong (shared with the damaged state's door).
 */
export function inputError(error: z.ZodError, locale: Locale, input: unknown): AppError {
  const issue = error.issues[0];
  if (!issue)
    return new AppError('INVALID_INPUT', { field: '', reason: translate(locale, 'reason.invalid') }, '');
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0] ?? '');
  const field = path.join('.') || '(input)';
  return new AppError('INVALID_INPUT', { field, reason: issueReason(issue, input, locale) }, field);
}
