import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-shared/contract/errors';
import type { App } from '../boot';
import { sessionUserOf } from '../db/users.repo';
import type { LocalActor } from '../db/write-path';
import { bootTiny, DEMO_NOW } from '../../tests/helpers/replica';
import {
  findDocument,
  LIST_LIMIT,
  listDocuments,
  registerDocument,
  registerDocuments,
  type NewDocument,
} from './documents-register';
import { registerPrinted } from './register';

/**
 * The desktop's side of the register of printed documents (issue 15, item 4): `registerDocuments` writes
 * through the one write path — all of a call or nothing, refusals as translated API errors — and
 * `findDocument` reads an entry with its twin; `registerPrinted` takes a journal's canon and twin.
 */
let app: App;

beforeAll(() => {
  app = bootTiny();
});
afterAll(() => {
  app.close();
  rmSync(dirname(app.db.$client.name), { recursive: true, force: true });
});

function actorOf(login: string, now = DEMO_NOW): LocalActor {
  const u = app.db.$client.prepare('SELECT id FROM users WHERE login = ?').get(login) as { id: number };
  const found = sessionUserOf(app.db, u.id);
  if (!found) throw new Error(login);
  return { userId: u.id, teacherId: found.user.teacherId, grants: found.grants, deviceId: 'dev', now };
}

const order = (number: string, over: Partial<NewDocument> = {}): NewDocument => ({
  number,
  kind: 'order',
  locale: 'ru',
  code: 'ABCD-EFGH-JKMN',
  pages: 1,
  subject: { kind: 'department', id: 1 },
  ...over,
});

const errorOf = (f: () => unknown): AppError => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('no error');
};

const outbox = () =>
  (
    app.db.$client.prepare("SELECT count(*) AS n FROM outbox WHERE name = 'document.printed'").get() as {
      n: number;
    }
  ).n;

describe('registerDocuments and findDocument', () => {
  it('enters twins in one transaction and finds each with the other; canon 2 by default', () => {
    const ids = registerDocuments(app.db, actorOf('head'), [
      order('ЗАМ-20261126-133000', { twin: 'ЗАМ-20261126-133001' }),
      order('ЗАМ-20261126-133001', { locale: 'ky', twin: 'ЗАМ-20261126-133000' }),
    ]);
    expect(ids).toHaveLength(2);
    const found = findDocument(app.db, 'ЗАМ-20261126-133001');
    expect(found).toMatchObject({
      id: ids[1],
      kind: 'order',
      locale: 'ky',
      canon: 2,
      subjectKind: 'department',
      subjectId: 1,
      twinNumber: 'ЗАМ-20261126-133000',
      printedAt: DEMO_NOW,
      pending: true,
      twin: { id: ids[0], locale: 'ru', twinNumber: 'ЗАМ-20261126-133001' },
    });
    expect(outbox()).toBe(2);
  });

  it('refuses with the reason in the person’s language and writes nothing of the call', () => {
    const before = outbox();
    // The second of the two reuses a number already in the register: neither is entered.
    const taken = errorOf(() =>
      registerDocuments(app.db, actorOf('head'), [
        order('ЗАМ-20261126-133002'),
        order('ЗАМ-20261126-133000'),
      ]),
    );
    expect(taken).toMatchObject({ code: 'INVALID_INPUT', field: 'number' });
    expect(taken.params.reason).toBe('документ с таким номером уже есть в реестре документов');
    expect(findDocument(app.db, 'ЗАМ-20261126-133002')).toBeNull();
    // Another department's order; in Kyrgyz.
    const foreign = errorOf(() =>
      registerDocument(
        app.db,
        actorOf('head'),
        order('ЗАМ-20261126-133003', { subject: { kind: 'department', id: 4 } }),
        'ky',
      ),
    );
    expect(foreign).toMatchObject({ code: 'SCOPE_FORBIDDEN', field: 'subjectId' });
    // A number made after the PC's clock (beyond the drift it allows).
    const future = errorOf(() => registerDocument(app.db, actorOf('head'), order('ЗАМ-20261126-134000')));
    expect(future.params.reason).toMatch(/позже текущего/);
    // The deanery orders nothing.
    expect(errorOf(() => registerDocument(app.db, actorOf('dean'), order('ЗАМ-20261126-133004'))).code).toBe(
      'ROLE_FORBIDDEN',
    );
    expect(outbox()).toBe(before);
  });

  it('enters a journal with its canon and twin, and refuses it under a number the register holds', () => {
    const o = app.db.$client
      .prepare(
        'SELECT o.id FROM offerings o JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = 1 ORDER BY o.id LIMIT 1',
      )
      .get() as { id: number };
    const ru = `ЖУР-${o.id}-20261126-133000`;
    const ky = `ЖУР-${o.id}-20261126-133001`;
    registerPrinted(
      app.db,
      actorOf('dean'),
      [
        {
          journals: [
            { offeringId: o.id, number: ru, code: 'ABCD-EFGH-JKMN', pages: 4, canon: 2, twin: ky },
            { offeringId: o.id, number: ky, code: 'ABCD-EFGH-JKMP', pages: 4, canon: 2, twin: ru },
          ],
        },
      ],
      'ru',
    );
    expect(findDocument(app.db, ru)).toMatchObject({
      kind: 'journal',
      canon: 2,
      subjectKind: 'offering',
      subjectId: o.id,
      twin: { number: ky, twinNumber: ru },
    });
    const paper = app.db.$client.prepare('SELECT id FROM paper_journals WHERE number = ?').get(ru) as {
      id: string;
    };
    expect(findDocument(app.db, ru)?.id).toBe(paper.id);
    // The same journal printed again within its second (same number, same code): registered already.
    registerPrinted(
      app.db,
      actorOf('dean'),
      [
        {
          journals: [{ offeringId: o.id, number: ru, code: 'ABCD-EFGH-JKMN', pages: 4, canon: 2, twin: ky }],
        },
      ],
      'ru',
    );
    // Other content under that number: refused, never a second entry under the number.
    const again = errorOf(() =>
      registerPrinted(
        app.db,
        actorOf('dean'),
        [{ journals: [{ offeringId: o.id, number: ru, code: 'ABCD-EFGH-JKMQ', pages: 4 }] }],
        'ru',
      ),
    );
    expect(again.params.reason).toBe('документ с таким номером уже есть в реестре документов');
    expect(
      app.db.$client.prepare('SELECT count(*) AS n FROM paper_journals WHERE number = ?').get(ru),
    ).toEqual({
      n: 1,
    });
  });

  it('lists newest first, at most LIST_LIMIT entries, saying there were more', () => {
    const insert = app.db.$client
      .prepare(`INSERT INTO documents (id, number, kind, locale, code, canon, pages,
      subject_kind, subject_id, twin, printed_at, printed_by, row_version, updated_at, updated_by)
      VALUES (?, ?, 'act', 'ru', 'ABCD-EFGH-JKMN', 2, 1, 'faculty', 1, NULL, ?, NULL, 1, ?, NULL)`);
    app.db.$client.transaction(() => {
      for (let i = 0; i <= LIST_LIMIT; i++) {
        const at = DEMO_NOW - 86_400_000 - i * 1000;
        insert.run(`0190a0a0-0000-7000-8000-${String(i).padStart(12, '0')}`, `АКТ-x-${i}`, at, at);
      }
    })();
    const dean = actorOf('dean');
    const all = listDocuments(app.db, dean.grants, null, { kind: 'act' }, 'ru');
    expect(all.items).toHaveLength(LIST_LIMIT);
    expect(all.truncated).toBe(true);
    expect(all.items[0]?.number).toBe('АКТ-x-0');
    expect(all.items.every((d, i, a) => i === 0 || (a[i - 1]?.printedAt ?? 0) >= d.printedAt)).toBe(true);
    // The same entries are nobody's in another faculty; a search narrows them.
    const dean2 = actorOf('dean2');
    expect(listDocuments(app.db, dean2.grants, null, { kind: 'act' }, 'ru')).toEqual({
      items: [],
      truncated: false,
    });
    expect(listDocuments(app.db, dean.grants, null, { search: 'акт-x-2000' }, 'ky').items).toMatchObject([
      { number: 'АКТ-x-2000', subject: { kind: 'faculty', id: 1 }, twin: null, pending: false },
    ]);
  });
});
