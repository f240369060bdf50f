import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerHandedOut } from '../print/documents-register';
import { translate } from '../../src-shared/i18n/translate';
import { substitutionOrderPdf, writeCoverWorkbook } from '../subs/documents';
import {
  absenceDetail,
  assign,
  cancel,
  candidates,
  coverReport,
  orderData,
  overview,
  registerAbsence,
} from '../subs/service';
import { localActor, requireSession, type Deps, type Handlers } from './context';

type SubsMethod =
  | 'subs.overview'
  | 'subs.absence'
  | 'subs.registerAbsence'
  | 'subs.candidates'
  | 'subs.assign'
  | 'subs.cancel'
  | 'subs.order'
  | 'subs.report'
  | 'subs.reportExport';

/** Substitutions (regulation §3.4): absences, covers, the order and the month's cover report. */
export function subsHandlers(d: Deps): Pick<Handlers, SubsMethod> {
  const actor = (now: number) => ({ deviceId: d.deviceId, now });
  return {
    'subs.overview': (input, ctx) => overview(d.db, requireSession(ctx), input.departmentId),
    'subs.absence': (input, ctx) => absenceDetail(d.db, requireSession(ctx), input.absenceId),
    'subs.registerAbsence': (input, ctx) =>
      registerAbsence(d.db, requireSession(ctx), input, actor(ctx.now), ctx.locale),
    'subs.candidates': (input, ctx) => candidates(d.db, requireSession(ctx), input, ctx.locale),
    'subs.assign': (input, ctx) => assign(d.db, requireSession(ctx), input, actor(ctx.now), ctx.locale),
    'subs.cancel': (input, ctx) => cancel(d.db, requireSession(ctx), input, actor(ctx.now), ctx.locale),
    'subs.order': async (input, ctx) => {
      const session = requireSession(ctx);
      const data = orderData(d.db, session, input.absenceId);
      const doc = await substitutionOrderPdf(data, {
        locale: ctx.locale,
        now: ctx.now,
        author: session.user.displayName,
      });
      if (!d.archive && data.departmentId !== null)
        registerHandedOut(
          d.db,
          session,
          localActor(d, ctx),
          {
            number: doc.number,
            kind: 'order',
            locale: ctx.locale,
            code: doc.code,
            pages: doc.pages,
            subject: { kind: 'department', id: data.departmentId },
          },
          ctx.locale,
        );
      return {
        fileName: `${translate(ctx.locale, 'order.fileName')} ${doc.number}.pdf`,
        mime: 'application/pdf',
        base64: Buffer.from(doc.bytes).toString('base64'),
      };
    },
    'subs.report': (input, ctx) => coverReport(d.db, requireSession(ctx), input),
    'subs.reportExport': async (input, ctx) => {
      const report = coverReport(d.db, requireSession(ctx), input);
      const dir = mkdtempSync(join(tmpdir(), 'avn-cover-'));
      try {
        const file = join(dir, 'cover.xlsx');
        await writeCoverWorkbook(file, report, ctx.locale);
        return {
          fileName: `${translate(ctx.locale, 'cover.fileName')}-${report.month}.xlsx`,
          mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          base64: readFileSync(file).toString('base64'),
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
