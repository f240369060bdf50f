import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { translate } from '../../src-shared/i18n/translate';
import { getCheck, listChecks, recordCheck } from '../control/checks';
import { controlActPdf, noticesPdf, owedByTeacher } from '../control/documents';
import { registerHandedOut } from '../print/documents-register';
import { controlExportData, writeControlWorkbook } from '../control/export';
import { sendNotices } from '../control/notices';
import { controlHeatmap, controlLessonList, controlReport } from '../control/report';
import { localActor, requireSession, type Deps, type Handlers } from './context';

/** The weekly control (regulation §3.5, §5.3): figures, owed lessons, recorded checks, files, notices. */
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
  | 'control.sendNotices'
  | 'control.heatmap'
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
      const session = requireSession(ctx);
      const t = (k: 'control.fileName' | 'act.title' | 'notice.title') => translate(ctx.locale, k);
      // The act and the notices go into the register of printed documents, about the innermost unit
      // of the drill-down (the university when there is none).
      const handedOut = (kind: 'act' | 'notices', doc: { number: string; code: string; pages: number }) => {
        if (d.archive) return;
        const unit = [...input.within]
          .reverse()
          .find((u) => u.kind === 'faculty' || u.kind === 'department' || u.kind === 'group');
        registerHandedOut(
          d.db,
          session,
          localActor(d, ctx),
          {
            number: doc.number,
            kind,
            locale: ctx.locale,
            code: doc.code,
            pages: doc.pages,
            subject: unit
              ? { kind: unit.kind as 'faculty' | 'department' | 'group', id: unit.id }
              : { kind: 'university', id: null },
          },
          ctx.locale,
        );
      };
      if (input.format !== 'xlsx') {
        const checker = session.user.displayName;
        if (input.format === 'act') {
          const data = controlExportData(d.db, session, input, ctx.now, ctx.locale);
          const doc = await controlActPdf(data, {
            locale: ctx.locale,
            now: ctx.now,
            checker,
            comment: input.comment,
          });
          handedOut('act', doc);
          return {
            fileName: `${t('act.title')} ${doc.number}.pdf`,
            mime: 'application/pdf',
            base64: Buffer.from(doc.bytes).toString('base64'),
          };
        }
        const list = controlLessonList(d.db, session, { ...input, onlyOwed: true }, ctx.now, ctx.locale);
        const doc = await noticesPdf(list.period, owedByTeacher(list.lessons), {
          locale: ctx.locale,
          now: ctx.now,
          checker,
        });
        handedOut('notices', doc);
        return {
          fileName: `${t('notice.title')} ${doc.number}.pdf`,
          mime: 'application/pdf',
          base64: Buffer.from(doc.bytes).toString('base64'),
        };
      }
      const data = controlExportData(d.db, session, input, ctx.now, ctx.locale);
      const dir = mkdtempSync(join(tmpdir(), 'avn-export-'));
      try {
        const file = join(dir, 'control.xlsx');
        await writeControlWorkbook(file, data, ctx.locale);
        const p = data.summary.period;
        return {
          fileName: `${t('control.fileName')}-${p.week ?? `${p.from}_${p.to}`}.xlsx`,
          mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          base64: readFileSync(file).toString('base64'),
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    'control.heatmap': (input, ctx) => controlHeatmap(d.db, requireSession(ctx), input, ctx.now, ctx.locale),
    'control.sendNotices': (input, ctx) =>
      sendNotices(d.db, requireSession(ctx), input, { deviceId: d.deviceId, now: ctx.now }, ctx.locale),
  };
}
