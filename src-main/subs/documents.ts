import type { CoverReport } from '../../src-shared/contract/subs.contract';
import { formatDateShort, monthName } from '../../src-shared/i18n/format';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/translate';
import { writeWorkbook } from '../export/excel';
import { documentFrame, documentNumber, PdfWriter, type FinishedDocument } from '../print/pdf';
import type { orderData } from './service';

/**
 * Documents of substitutions: the order (распоряжение о замене) a department head signs and the
 * substitutes countersign, and the month's cover report as an Excel workbook for the timesheet.
 */

const tr = (locale: Locale) => (k: MessageKey, p?: Record<string, string | number>) =>
  translate(locale, k, p);

export async function substitutionOrderPdf(
  data: ReturnType<typeof orderData>,
  ctx: { locale: Locale; now: number; author: string },
): Promise<FinishedDocument & { number: string }> {
  const t = tr(ctx.locale);
  const a = data.absence;
  const number = documentNumber('ЗАМ', ctx.now);
  const pdf = await PdfWriter.create('portrait', {
    title: t('order.title'),
    author: ctx.author,
    now: ctx.now,
  });
  pdf.text(t('doc.university'), { size: 9, color: 'grey' });
  if (data.department) pdf.text(t('order.department', { department: data.department[ctx.locale] }));
  pdf.text(t('order.title'), { size: 14, bold: true, gap: 8 });
  pdf.text(t('order.basis'), { size: 9, color: 'grey', gap: 8 });
  pdf.text(
    t('order.absent', {
      teacher: a.teacherName,
      reason: t(`absence.${a.reason}`),
      from: formatDateShort(a.startsOn),
      to: formatDateShort(a.endsOn),
      pairs: a.pairs === null ? '' : t('order.pairs', { pairs: a.pairs.join(', ') }),
    }),
  );
  if (a.documentRef) pdf.text(t('order.document', { doc: a.documentRef }), { gap: 8 });
  pdf.table(
    [
      { header: t('order.col.date'), width: 13 },
      { header: t('order.col.pair'), width: 9 },
      { header: t('order.col.lesson'), width: 38 },
      { header: t('order.col.group'), width: 14 },
      { header: t('order.col.substitute'), width: 26 },
    ],
    data.lessons.map(({ lesson: l, cover }) => [
      formatDateShort(l.date),
      l.startsAt ? `${l.pair} (${l.startsAt})` : String(l.pair),
      `${l.discipline[ctx.locale]}, ${t(`kind.${l.kind}`)}`,
      l.group,
      cover ? cover.substituteName : t('order.uncovered'),
    ]),
  );
  const substitutes = [...new Set(data.lessons.flatMap((x) => (x.cover ? [x.cover.substituteName] : [])))];
  pdf.signatures(
    [
      { role: t('order.head'), name: ctx.author },
      ...substitutes.map((name) => ({ role: t('order.acquainted'), name })),
    ],
    t('doc.date'),
  );
  return { ...(await pdf.finish(documentFrame(ctx.locale, ctx.now, number))), number };
}

/** The cover report as a workbook: substitutes, absent teachers, by reason (numbers as numbers). */
export async function writeCoverWorkbook(file: string, r: CoverReport, locale: Locale): Promise<void> {
  const t = tr(locale);
  const month = `${monthName(locale, Number(r.month.slice(5, 7)))} ${r.month.slice(0, 4)}`;
  const reason = (x: string) => t(`absence.${x}` as MessageKey);
  await writeWorkbook(
    file,
    [
      {
        name: t('cover.fileName'),
        title: t('cover.title', { month }),
        subtitle: `${r.department.name[locale]} · ${formatDateShort(r.from)} – ${formatDateShort(r.to)}`,
        columns: [
          { header: t('cover.col.teacher'), width: 30 },
          { header: t('cover.col.lessons'), width: 12, numFmt: '0' },
          { header: t('cover.col.hours'), width: 12, numFmt: '0' },
          { header: t('cover.col.reasons'), width: 44 },
        ],
        rows: r.substitutes.map((s) => [
          s.teacher.name,
          s.lessons,
          s.hours,
          s.byReason.map((b) => `${reason(b.reason)}: ${b.lessons}`).join('; '),
        ]),
        total: [t('cover.total'), r.total.covered, r.total.hours, null],
        after: [
          {
            title: t('cover.absent'),
            columns: [
              { header: t('cover.col.teacher'), width: 30 },
              { header: t('cover.col.reason'), width: 22 },
              { header: t('cover.col.missed'), width: 12, numFmt: '0' },
              { header: t('cover.col.covered'), width: 12, numFmt: '0' },
              { header: t('cover.col.uncovered'), width: 12, numFmt: '0' },
              { header: t('cover.col.hours'), width: 12, numFmt: '0' },
            ],
            rows: r.absent.map((x) => [
              x.teacher.name,
              reason(x.reason),
              x.missed,
              x.covered,
              x.uncovered,
              x.hoursCovered,
            ]),
          },
          {
            title: t('cover.byReason'),
            columns: [
              { header: t('cover.col.reason'), width: 30 },
              { header: t('cover.col.missed'), width: 12, numFmt: '0' },
              { header: t('cover.col.covered'), width: 12, numFmt: '0' },
              { header: t('cover.col.hours'), width: 12, numFmt: '0' },
            ],
            rows: [
              ...r.byReason.map((x) => [reason(x.reason), x.missed, x.covered, x.hours]),
              [t('cover.total'), r.total.missed, r.total.covered, r.total.hours],
            ],
          },
        ],
      },
    ],
    { creator: 'AVN Desk', title: t('cover.title', { month }) },
  );
}
