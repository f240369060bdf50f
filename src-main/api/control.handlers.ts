import { getCheck, listChecks, recordCheck } from '../control/checks';
import { controlLessonList, controlReport } from '../control/report';
import { requireSession, type Deps, type Handlers } from './context';

/** The weekly control (regulation §3.5, §5.3): figures per unit, the owed lessons, recorded checks. */
export function controlHandlers(
  d: Deps,
): Pick<
  Handlers,
  'control.report' | 'control.lessons' | 'control.record' | 'control.checks' | 'control.check'
> {
  return {
    'control.report': (input, ctx) => controlReport(d.db, requireSession(ctx), input, ctx.now, ctx.locale),
    'control.lessons': (input, ctx) =>
      controlLessonList(d.db, requireSession(ctx), input, ctx.now, ctx.locale),
    'control.record': (input, ctx) =>
      recordCheck(d.db, requireSession(ctx), input, { deviceId: d.deviceId, now: ctx.now }, ctx.locale),
    'control.checks': (input, ctx) => listChecks(d.db, requireSession(ctx), input.limit),
    'control.check': (input, ctx) => getCheck(d.db, requireSession(ctx), input.id),
  };
}
