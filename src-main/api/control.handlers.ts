import { controlLessonList, controlReport } from '../control/report';
import { requireSession, type Deps, type Handlers } from './context';

/** The weekly control (regulation §3.5, §5.3): figures per unit and the owed lessons themselves. */
export function controlHandlers(d: Deps): Pick<Handlers, 'control.report' | 'control.lessons'> {
  return {
    'control.report': (input, ctx) => controlReport(d.db, requireSession(ctx), input, ctx.now, ctx.locale),
    'control.lessons': (input, ctx) =>
      controlLessonList(d.db, requireSession(ctx), input, ctx.now, ctx.locale),
  };
}
