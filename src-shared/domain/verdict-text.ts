import type { VerifyVerdict } from '../contract/print.contract';
import { formatDateShort } from '../i18n/format';
import { translate, type Locale, type MessageKey } from '../i18n/translate';
import { formatBishkekStamp } from './time';

/**
 * A verification verdict in words (issue 15), the same for the CLI and the screen: the paper against its
 * own code, the code against the register, the replica against the registered code — each on its own
 * line, then what changed and where the paper differs, each named.
 */

export type VerdictLine = { tone: 'ok' | 'bad' | 'info'; text: string; detail?: boolean };

const WHATS = new Set([
  'cell',
  'name',
  'topic',
  'date',
  'pair',
  'hours',
  'conducted',
  'total',
  'result',
  'recordBook',
  'number',
]);
const COLUMNS = new Set(['absent', 'excused', 'mean', 'intermediate', 'exam']);

export function verdictLines(v: VerifyVerdict, locale: Locale): VerdictLine[] {
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
  const out: VerdictLine[] = [];
  const pages =
    v.pages.length === 0
      ? ''
      : v.pages.length > 1
        ? `${v.pages[0]}–${v.pages[v.pages.length - 1]}`
        : String(v.pages[0]);
  out.push({
    tone: v.ok ? 'ok' : 'bad',
    text: `${t(pages ? 'verify.docPages' : 'verify.doc', { number: v.number, code: v.code || '—', pages })} ${t(v.ok ? 'verify.ok' : 'verify.notOk')}`,
  });
  if (v.paper === 'intact') out.push({ tone: 'ok', text: t('verify.paper.intact') });
  else if (v.paper === 'tampered') {
    out.push({ tone: 'bad', text: t('verify.paper.tampered') });
    for (const p of v.paperProblems)
      out.push({ tone: 'bad', detail: true, text: t(`verify.problem.${p.kind}`, { page: p.page ?? '?' }) });
  } else if (v.paper === 'v1') out.push({ tone: 'info', text: t('verify.paper.v1') });
  const r = v.registered;
  if (v.register === 'unknown')
    out.push({ tone: 'bad', text: t('verify.register.unknown', { number: v.number }) });
  else if (r && v.register === 'matches')
    out.push({
      tone: 'ok',
      text: t('verify.register.matches', { time: formatBishkekStamp(r.printedAt), by: r.printedBy ?? '?' }),
    });
  else if (r) out.push({ tone: 'bad', text: t('verify.register.differs', { registered: r.code }) });
  if (r?.twin) out.push({ tone: 'info', detail: true, text: t('verify.twin', { number: r.twin }) });
  if (v.replica === 'unchanged') out.push({ tone: 'ok', text: t('verify.replica.unchanged') });
  else if (v.replica === 'not_in_replica') out.push({ tone: 'bad', text: t('verify.replica.notInReplica') });
  else if (v.replica === 'changed') {
    out.push({
      tone: 'bad',
      text: t('verify.replica.changed', {
        printed: v.printedAt === null ? '?' : formatBishkekStamp(v.printedAt),
        current: v.current ?? '?',
      }),
    });
    if (v.changes.length === 0) out.push({ tone: 'info', detail: true, text: t('verify.noChanges') });
    for (const c of v.changes)
      out.push({
        tone: 'info',
        detail: true,
        text: t(`verify.change.${c.kind}`, {
          date: formatDateShort(c.date),
          student: c.student ?? '',
          now: c.now,
          by: c.by ?? '?',
          at: formatBishkekStamp(c.at),
        }),
      });
  }
  if (v.differences.length > 0) {
    out.push({ tone: 'bad', text: t('verify.differences') });
    for (const d of v.differences) {
      const what = WHATS.has(d.what) ? d.what : 'text';
      const column = d.column && COLUMNS.has(d.column) ? t(`verify.column.${d.column}` as MessageKey) : '';
      out.push({
        tone: 'bad',
        detail: true,
        text: t('verify.difference', {
          page: d.page,
          what: t(`verify.what.${what}` as MessageKey, {
            student: d.student ?? '',
            date: d.date ? formatDateShort(d.date) : '',
            pair: d.pair ?? '',
            row: d.row ?? '',
            column,
          }),
          paper: d.paper,
          printed: d.printed,
        }),
      });
    }
  }
  return out;
}
