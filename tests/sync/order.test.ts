import { afterEach, describe, expect, it } from 'vitest';
import { pullLog } from '../../src-gateway/sync/pull';
import { writeCentral } from '../../src-gateway/sync/write';
import { testGateway, type TestGateway } from '../helpers/central';
import {
  centralOutcomes,
  desktopLogin,
  emptyReplica,
  expectReplicaEqualsCentral,
  teacherCells,
} from '../helpers/sync';
import type { App } from '../../src-main/boot';

/**
 * SYNC.md "order" and concurrent pushes. These need PostgreSQL: PGlite has a single connection, so
 * its writers never overlap and it would pass without testing anything. Without DATABASE_URL the tests
 * are reported as skipped, with this reason in their names.
 */
const PG = Boolean(process.env.DATABASE_URL);
const WHY = PG
  ? ''
  : ' — skipped: needs PostgreSQL (set DATABASE_URL); PGlite has one connection and would prove nothing';
if (!PG) console.warn(`tests/sync/order.test.ts${WHY}`);
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('concurrency on PostgreSQL', () => {
  it.skipIf(!PG)(
    `writers holding transactions open while a client pulls: no seq is ever skipped${WHY}`,
    async () => {
      const gw: TestGateway = await testGateway('postgres');
      closers.push(() => gw.stop());
      const marks = await gw.db.query<{ l: number; s: number }>(
        'SELECT lesson_id l, student_id s FROM marks ORDER BY lesson_id, student_id LIMIT 60',
      );
      let done = false;
      const seen: number[] = [];
      let cursor = 0;
      const reader = (async () => {
        while (
          !done ||
          cursor < ((await gw.db.query<{ seq: number }>('SELECT seq FROM sync_counter'))[0]?.seq ?? 0)
        ) {
          const page = await pullLog(gw.db, { kind: 'university' }, cursor, 7);
          for (const e of page.entries) {
            expect(e[0], 'an entry at or below the cursor: a skipped row').toBeGreaterThan(cursor);
            seen.push(e[0]);
          }
          cursor = page.next;
          await sleep(3);
        }
      })();
      // Six writers; each takes its seq range last, then holds its transaction open a random while.
      await Promise.all(
        Array.from({ length: 6 }, (_, w) =>
          (async () => {
            for (let i = w; i < marks.length; i += 6) {
              const m = marks[i];
              if (!m) continue;
              await gw.db.tx(async (q) => {
                await writeCentral(
                  q,
                  [
                    {
                      table: 'marks',
                      key: { lesson_id: m.l, student_id: m.s },
                      set: { attendance: i % 2 ? 'a' : 'e', grade: null },
                    },
                  ],
                  { at: Date.now(), userId: null },
                );
                await sleep(Math.floor(Math.random() * 25));
              });
            }
          })(),
        ),
      );
      done = true;
      await reader;
      const all = (await gw.db.query<{ seq: number }>('SELECT seq FROM change_log ORDER BY seq')).map(
        (r) => r.seq,
      );
      expect(all).toHaveLength(marks.length);
      expect(seen).toEqual(all);
    },
  );

  it.skipIf(!PG)(
    `four replicas push edits of the same cells at the same moment: no lost update${WHY}`,
    async () => {
      const gw: TestGateway = await testGateway('postgres');
      closers.push(() => gw.stop());
      const replicas: Array<{ app: App; session: string }> = [];
      for (let i = 0; i < 4; i++) {
        const app = emptyReplica();
        closers.push(() => app.close());
        await app.deps.sync.connect(gw.url, 'dean', 'demo');
        await app.deps.sync.sync();
        replicas.push({ app, session: await desktopLogin(app, 'teacher') });
      }
      const cells = teacherCells(replicas[0].app, 8);
      for (const [ri, { app, session }] of replicas.entries()) {
        for (const c of cells) {
          const r = await app.dispatch({
            method: 'journal.setMarks',
            input: {
              lessonId: c.lessonId,
              marks: [{ studentId: c.studentId, attendance: ri % 2 ? 'a' : 'e', grade: null }],
            },
            session,
          });
          expect(r.ok).toBe(true);
        }
      }
      await Promise.all(replicas.map(({ app }) => app.deps.sync.sync()));
      let applied = 0;
      let conflicts = 0;
      for (const { app } of replicas) {
        const o = await centralOutcomes(gw.db, app.deps.deviceId);
        expect(o.audited).toBe(o.total);
        applied += o.byOutcome.APPLIED ?? 0;
        conflicts += o.byOutcome.CONFLICT ?? 0;
      }
      // Each cell: exactly one edit applied; the other three stored as conflicts.
      expect(applied).toBe(cells.length);
      expect(conflicts).toBe(cells.length * 3);
      for (const { app } of replicas) {
        await app.deps.sync.sync();
        await expectReplicaEqualsCentral(app, gw.db, 'faculty:1');
      }
    },
  );
});
