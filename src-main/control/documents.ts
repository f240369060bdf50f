import type { ControlLessonRow, ControlReport } from '../../src-shared/contract/control.contract';
import { formatDateShort } from '../../src-shared/i18n/format';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/translate';
import { documentFrame, documentNumber, PdfWriter, stamp, type FinishedDocument } from '../print/pdf';
import type { ControlExportData } from './export';

/**
 * Printed documents of the weekly control: the act of the check (акт проверки) with signature lines,
 * and notices to teachers (§5.3) — one page per teacher with the lessons owed and a receipt line.
 */

type DocContext = { locale: Locale; now: number; checker: string };

const tr = (locale: Locale) => (k: MessageKey, p?: Record<string, string | number>) =>
  translate(locale, k, p);
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const periodText = (p: ControlReport['period']) =>
  `${p.week ? `${p.week}, ` : ''}${formatDateShort(p.from)} – ${formatDateShort(p.to)}`;

function figureRow(name: string, f: ControlReport['total']): string[] {
  return [
    name,
    String(f.due),
    String(f.filled),
    pct(f.fillRate),
    pct(f.timeliness),
    String(f.late),
    String(f.missing),
  ];
}

/** The act of the check: unit, period, figures per department, teachers owing lessons, signatures. */
export async function controlActPdf(
  data: ControlExportData,
  ctx: DocContext & { comment?: string },
): Promise<FinishedDocument & { number: string }> {
  const t = tr(ctx.locale);
  const r = data.summary;
  const number = documentNumber('АКТ', ctx.now);
  const unit = r.within.length ? r.within.map((w) => w.name[ctx.locale]).join(' › ') : t('control.all');
  const pdf = await PdfWriter.create('portrait', {
    title: t('act.title'),
    author: ctx.checker,
    now: ctx.now,
  });
  pdf.text(t('doc.university'), { size: 9, color: 'grey' });
  pdf.text(t('act.title'), { size: 14, bold: true, gap: 8 });
  pdf.text(t('act.basis'), { size: 9, color: 'grey' });
  pdf.text(t('act.unit', { unit }));
  pdf.text(t('act.period', { period: periodText(r.period), time: stamp(r.checkedAt) }), { gap: 10 });
  pdf.text(t('act.summary'), { bold: true, size: 11 });
  const cols = [
    { header: t('control.col.unit'), width: 49 },
    { header: t('doc.col.due'), width: 8.5, align: 'right' as const },
    { header: t('doc.col.filled'), width: 8.5, align: 'right' as const },
    { header: t('doc.col.fillRate'), width: 8.5, align: 'right' as const },
    { header: t('doc.col.onTime'), width: 8.5, align: 'right' as const },
    { header: t('doc.col.late'), width: 8.5, align: 'right' as const },
    { header: t('doc.col.missing'), width: 8.5, align: 'right' as const },
  ];
  const rows = [
    ...r.rows.map((x) => figureRow(x.name[ctx.locale], x.figures)),
    figureRow(t('control.total'), r.total),
  ];
  pdf.table(cols, rows, new Set([rows.length - 1]));
  pdf.text(t('act.debtors'), { bold: true, size: 11 });
  const debtors = data.departments.flatMap((d) =>
    d.teachers.rows
      .filter((x) => x.figures.missing > 0)
      .map((x) => [x.name[ctx.locale], d.name[ctx.locale], String(x.figures.due), String(x.figures.missing)]),
  );
  if (debtors.length === 0) pdf.text(t('act.none'));
  else
    pdf.table(
      [
        { header: t('control.col.responsible'), width: 30 },
        { header: t('control.col.department'), width: 46 },
        { header: t('doc.col.due'), width: 11, align: 'right' },
        { header: t('doc.col.missing'), width: 13, align: 'right' },
      ],
      debtors,
    );
  if (ctx.comment) pdf.text(t('act.comment', { comment: ctx.comment }), { gap: 8 });
  pdf.signatures(
    [
      { role: t('act.checker'), name: ctx.checker },
      { role: r.within.some((w) => w.kind === 'faculty') ? t('act.dean') : t('act.head') },
    ],
    t('doc.date'),
  );
  return { ...(await pdf.finish(documentFrame(ctx.locale, ctx.now, number))), number };
}

/** The lessons each teacher owes (missing now), by teacher. */
export function owedByTeacher(
  lessons: readonly ControlLessonRow[],
): Array<{ teacherId: number; name: string; lessons: ControlLessonRow[] }> {
  const by = new Map<number, { teacherId: number; name: string; lessons: ControlLessonRow[] }>();
  for (const l of lessons) {
    if (l.state !== 'missing') continue;
    let e = by.get(l.responsible.id);
    if (!e)
      by.set(l.responsible.id, (e = { teacherId: l.responsible.id, name: l.responsible.name, lessons: [] }));
    e.lessons.push(l);
  }
  return [...by.values()].sort((a, b) => a.name.localeCompare(b.name, 'ru'));
}

/** What a lesson is missing, in words. */
export function whatMissing(l: ControlLessonRow, locale: Locale): string {
  const t = tr(locale);
  return [
    ...(l.missingTopic ? [t('control.missingTopic')] : []),
    ...(l.missingStudents.length
      ? [t('control.missingMarks', { names: l.missingStudents.map((s) => s.name).join(', ') })]
      : []),
  ].join('; ');
}

/** Notices (§5.3): one page per teacher with the lessons owed in the period and a receipt line. */
export async function noticesPdf(
  period: ControlReport['period'],
  teachers: ReturnType<typeof owedByTeacher>,
  ctx: DocContext,
): Promise<FinishedDocument & { number: string }> {
  const t = tr(ctx.locale);
  const number = documentNumber('УВ', ctx.now);
  const pdf = await PdfWriter.create('portrait', {
    title: t('notice.title'),
    author: ctx.checker,
    now: ctx.now,
  });
  if (teachers.length === 0) pdf.text(t('notice.none'));
  teachers.forEach((teacher, i) => {
    if (i > 0) pdf.newPage();
    pdf.text(t('doc.university'), { size: 9, color: 'grey' });
    pdf.text(t('notice.title'), { size: 13, bold: true, gap: 8 });
    pdf.text(t('notice.to', { name: teacher.name }), { bold: true, gap: 6 });
    pdf.text(t('notice.body', { period: periodText(period) }), { gap: 8 });
    pdf.table(
      [
        { header: t('control.col.date'), width: 13 },
        { header: t('control.col.pair'), width: 7, align: 'right' },
        { header: t('control.col.group'), width: 13 },
        { header: t('control.col.discipline'), width: 27 },
        { header: t('control.col.whatMissing'), width: 40 },
      ],
      teacher.lessons.map((l) => [
        formatDateShort(l.date),
        String(l.pair),
        l.group,
        l.discipline[ctx.locale],
        whatMissing(l, ctx.locale),
      ]),
    );
    pdf.signatures(
      [
        { role: t('notice.issuer'), name: ctx.checker },
        { role: t('notice.received'), name: teacher.name },
      ],
      t('doc.date'),
    );
  });
  return { ...(await pdf.finish(documentFrame(ctx.locale, ctx.now, number))), number };
}
