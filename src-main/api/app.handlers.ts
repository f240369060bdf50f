import { sql } from 'drizzle-orm';
import type { ScopeKind } from '../../src-shared/domain/roles';
import { bishkekDate } from '../../src-shared/domain/time';
import { DEMO_ACCOUNTS } from '../demo/generate';
import { getMeta, META } from '../db/meta';
import { SYNC_META } from '../sync/engine';
import { parseScopeKey } from '../../src-shared/sync/tables';
import { requireSession, type Deps, type Handlers } from './context';

export function appHandlers(d: Deps): Pick<Handlers, 'app.info' | 'app.recentErrors'> {
  return {
    'app.recentErrors': (_input, ctx) => {
      const s = requireSession(ctx);
      // The admin keeps the PC: every entry. Others: their own calls and the PC's sync, which is everyone's.
      const admin = s.grants.some((g) => g.role === 'admin');
      const entries = d.logger
        .recent()
        .filter((e) => admin || e.userId === s.user.id || (e.userId === null && e.event.startsWith('sync.')))
        .map(({ at, level, event, code, method }) => ({ at, level, event, code, method }));
      return { entries };
    },
    'app.info': (_input, ctx) => {
      // A replica connected to the gateway holds its sync scope; a demo replica the demo's.
      const synced = parseScopeKey(getMeta(d.db, SYNC_META.scope) ?? '');
      const scope: { kind: ScopeKind; id: number | null } = synced
        ? { kind: synced.kind, id: synced.kind === 'university' ? null : synced.id }
        : (JSON.parse(getMeta(d.db, META.scope) ?? '{"kind":"university","id":null}') as {
            kind: ScopeKind;
            id: number | null;
          });
      const names =
        scope.kind === 'faculty' && scope.id !== null
          ? d.db.get<{ ru: string; ky: string }>(
              sql`SELECT name_ru AS ru, name_ky AS ky FROM faculties WHERE id = ${scope.id}`,
            )
          : scope.kind === 'department' && scope.id !== null
            ? d.db.get<{ ru: string; ky: string }>(
                sql`SELECT name_ru AS ru, name_ky AS ky FROM departments WHERE id = ${scope.id}`,
              )
            : undefined;
      const demo = d.clock.demoNow !== null;
      const existing = demo
        ? new Set(
            d.db
              .all<{ login: string }>(sql`SELECT login FROM users WHERE password_hash IS NOT NULL`)
              .map((r) => r.login),
          )
        : new Set<string>();
      return {
        version: d.version,
        now: ctx.now,
        today: bishkekDate(ctx.now),
        demo,
        demoScale: getMeta(d.db, META.demoScale),
        scope: { kind: scope.kind, id: scope.id, nameRu: names?.ru ?? null, nameKy: names?.ky ?? null },
        demoAccounts: DEMO_ACCOUNTS.filter((a) => existing.has(a)),
        archive: d.archive
          ? {
              unitName: d.archive.unit.name,
              periodName: d.archive.period.name,
              periodKind: d.archive.period.kind,
              madeAt: d.archive.madeAt,
              digest: d.archive.digest,
              registered: d.archive.registered ?? null,
            }
          : null,
      };
    },
  };
}
