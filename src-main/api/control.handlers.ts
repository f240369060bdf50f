import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { translate } from '../../src-shared/i18n/translate';
import { getCheck, listChecks, recordCheck } from '../control/checks';
import { controlExportData, writeControlWorkbook } from '../control/export';
import { controlLessonList, controlReport } from '../control/report';
import { requireSession, type Deps, type Handlers } from './context';

/** The weekly control (regulation §3.5, §5.3): figures per unit, the owed lessons, recorded checks. */
export function controlHandlers(
  d: Deps,
): Pick<
  Handlers,
  | 'control.report'
  | 'control.lessons'
  | 'control.record'
  | 'control.checks'
  | 'control.check'
  | 'control.export'
> {
  return {
    'control.report': (input, ctx) => controlReport(d.db, requireSession(ctx), input, ctx.now, ctx.locale),
    'control.lessons': (input, ctx) =>
      controlLessonList(d.db, requireSession(ctx), input, ctx.now, ctx.locale),
    'control.record': (input, ctx) =>
      recordCheck(d.db, requireSession(ctx), input, { deviceId: d.deviceId, now: ctx.now }, ctx.locale),
    'control.checks': (input, ctx) => listChecks(d.db, requireSession(ctx), input.limit),
    'control.check': (input, ctx) => getCheck(d.db, requireSession(ctx), input.id),
    'control.export': async (input, ctx) => {
      const data = controlExportData(d.db, requireSession(ctx), input, ctx.now, ctx.locale);
      const dir = mkdtempSync(join(tmpdir(), 'avn-export-'));
      try {
        const file = join(dir, 'control.xlsx');
        await writeControlWorkbook(file, data, ctx.locale);
        const p = data.summary.period;
        return {
          fileName: `${translate(ctx.locale, 'control.fileName')}-${p.week ?? `${p.from}_${p.to}`}.xlsx`,
          mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          base64: readFileSync(file).toString('base64'),
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
