import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { formatDateShort } from '../../src-shared/i18n/format';
import { uuidv7 } from '../../src-shared/ids';
import { translate, type Locale } from '../../src-shared/i18n/translate';
import type { Viewer } from '../db/access';
import type { UnitFilter } from '../db/control.repo';
import type { Db } from '../db/open';
import { commitLocal, type Intent } from '../db/write-path';
import { owedByTeacher, whatMissing } from './documents';
import { controlLessonList, type PeriodInput } from './report';

/** The longest message AVN takes (MUTATIONS['messages.send'].body). */
const BODY_MAX = 4000;

/**
 * Notices to teachers (§5.3): each teacher owing lessons of the period gets a message in their AVN
 * cabinet listing them; all messages are queued in one transaction through the one write path.
 * A teacher without an AVN account is reported, not skipped silently.
 */
export function sendNotices(
  db: Db,
  session: Viewer & { user: { id: number } },
  input: PeriodInput & { within: readonly UnitFilter[] },
  actor: { deviceId: string; now: number },
  locale: Locale,
): { queued: number; teachers: Array<{ id: number; name: string; lessons: number; sent: boolean }> } {
  const list = controlLessonList(db, session, { ...input, onlyOwed: true }, actor.now, locale);
  const owed = owedByTeacher(list.lessons);
  const p = list.period;
  const period = `${p.week ? `${p.week}, ` : ''}${formatDateShort(p.from)} – ${formatDateShort(p.to)}`;
  const t = (k: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate(locale, k, params);
  const mutations: Intent[] = [];
  const teachers = owed.map((teacher) => {
    const user = db.get<{ id: number }>(
      sql`SELECT id FROM users WHERE teacher_id = ${teacher.teacherId} AND active = 1 ORDER BY id LIMIT 1`,
    );
    if (user) {
      let body = `${t('notice.body', { period })}\n`;
      for (const [i, l] of teacher.lessons.entries()) {
        const line = `\n${t('notice.line', {
          date: formatDateShort(l.date),
          pair: l.pair,
          group: l.group,
          discipline: l.discipline[locale],
          what: whatMissing(l, locale),
        })}`;
        if (body.length + line.length > BODY_MAX - 20) {
          body += `\n… +${teacher.lessons.length - i}`;
          break;
        }
        body += line;
      }
      mutations.push({
        name: 'messages.send',
        args: {
          messageId: uuidv7(actor.now, randomBytes(10)),
          toUserId: user.id,
          kind: 'notice',
          subject: t('notice.subject', { period }).slice(0, 200),
          body,
        },
      });
    }
    return {
      id: teacher.teacherId,
      name: teacher.name,
      lessons: teacher.lessons.length,
      sent: user !== undefined,
    };
  });
  if (mutations.length > 0)
    commitLocal(
      db,
      { userId: session.user.id, teacherId: session.teacherId, grants: session.grants, ...actor },
      mutations,
    );
  return { queued: mutations.length, teachers };
}
