import type { ControlLessonRow, ControlReport } from '../../src-shared/contract/control.contract';
import { formatBishkekStamp } from '../../src-shared/domain/time';
import { translate, type Locale, type MessageKey } from '../../src-shared/i18n/translate';
import type { Viewer } from '../db/access';
import type { UnitFilter } from '../db/control.repo';
import type { Db } from '../db/open';
import { writeWorkbook, type Column, type SheetSpec } from '../export/excel';
import { controlLessonList, controlReport, type PeriodInput } from './report';

/**
 * The weekly control as files (issue: Excel workbook and PDF act): the figures of the caller's unit per
 * department (per faculty for the university), and per department its teachers and owed lessons.
 */
export type ControlExportData = {
  summary: ControlReport;
  departments: Array<{
    id: number;
    name: { ru: string; ky: string };
    teachers: ControlReport;
    lessons: ControlLessonRow[];
  }>;
};

/** Everything an export shows, computed once with the same rules as the screen. */
export function controlExportData(
  db: Db,
  v: Viewer,
  input: PeriodInput & { within: readonly UnitFilter[] },
  now: number,
  locale: Locale,
): ControlExportData {
  const period = { week: input.week, from: input.from, to: input.to };
  const summary = controlReport(db, v, { ...period, within: input.within, by: 'department' }, now, locale);
  const departments = summary.rows.map((d) => {
    const within = [...input.within, { kind: 'department' as const, id: d.id }];
    return {
      id: d.id,
      name: d.name,
      teachers: controlReport(db, v, { ...period, within, by: 'teacher' }, now, locale),
      lessons: controlLessonList(db, v, { ...period, within, onlyOwed: true }, now, locale).lessons,
    };
  });
  return { summary, departments };
}

const figureColumns = (t: (k: MessageKey) => string, first: string): Column[] => [
  { header: first, width: 44 },
  { header: t('control.col.due'), width: 10 },
  { header: t('control.col.filled'), width: 12 },
  { header: t('control.col.fillRate'), width: 14, numFmt: '0.0%' },
  { header: t('control.col.onTime'), width: 14, numFmt: '0.0%' },
  { header: t('control.col.late'), width: 13 },
  { header: t('control.col.missing'), width: 14 },
  { header: t('control.col.uncovered'), width: 12 },
  { header: t('control.col.trend'), width: 10, numFmt: '+0.0%;-0.0%;0.0%' },
];

type Figures = ControlReport['total'];
const figureCells = (f: Figures, trend: number | null) => [
  f.due,
  f.filled,
  f.fillRate,
  f.timeliness,
  f.late,
  f.missing,
  f.uncovered,
  trend,
];

/** A date 'YYYY-MM-DD' as an Excel date (a number with a date format, not text). */
const excelDate = (d: string) => new Date(`${d}T00:00:00Z`);

/** Write the control workbook: a summary sheet and one sheet per department. */
export async function writeControlWorkbook(
  file: string,
  data: ControlExportData,
  locale: Locale,
): Promise<void> {
  const t = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);
  const r = data.summary;
  const when = formatBishkekStamp(r.checkedAt);
  const subtitle = `${r.period.week ? `${r.period.week}, ` : ''}${r.period.from} – ${r.period.to}; ${t('control.checkedAt', { time: when })}`;
  const sheets: SheetSpec[] = [
    {
      name: t('control.total'),
      title: `${t('control.title')}${r.within.length ? ` — ${r.within.map((w) => w.name[locale]).join(' › ')}` : ''}`,
      subtitle,
      columns: figureColumns(t, t('control.by.department')),
      rows: r.rows.map((x) => [x.name[locale], ...figureCells(x.figures, x.trend.change)]),
      total: [t('control.total'), ...figureCells(r.total, null)],
      colourScale: [3, 4],
    },
  ];
  const lessonColumns: Column[] = [
    { header: t('control.col.date'), width: 12, numFmt: 'dd.mm.yyyy' },
    { header: t('control.col.pair'), width: 6 },
    { header: t('control.col.group'), width: 14 },
    { header: t('control.col.discipline'), width: 36 },
    { header: t('control.col.responsible'), width: 24 },
    { header: t('control.col.state'), width: 16 },
    { header: t('control.col.whatMissing'), width: 60 },
  ];
  for (const d of data.departments) {
    sheets.push({
      name: d.name[locale],
      title: d.name[locale],
      subtitle,
      columns: figureColumns(t, t('control.by.teacher')),
      rows: d.teachers.rows.map((x) => [x.name[locale], ...figureCells(x.figures, x.trend.change)]),
      total: [t('control.total'), ...figureCells(d.teachers.total, null)],
      colourScale: [3, 4],
      after: [
        {
          title: t('control.lessons.title'),
          columns: lessonColumns,
          rows: d.lessons.map((l) => [
            excelDate(l.date),
            l.pair,
            l.group,
            l.discipline[locale],
            l.responsible.name,
            t(`control.state.${l.state}`),
            [
              ...(l.missingTopic ? [t('control.missingTopic')] : []),
              ...(l.missingStudents.length
                ? [t('control.missingMarks', { names: l.missingStudents.map((s) => s.name).join(', ') })]
                : []),
            ].join('; '),
          ]),
        },
      ],
    });
  }
  await writeWorkbook(file, sheets, { creator: 'AVN Desk', title: t('control.title') });
}
