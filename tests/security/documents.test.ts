import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CentralDb } from '../../src-gateway/db/client';
import type { MutationArgs } from '../../src-shared/sync/mutations';
import { BACKENDS, testGateway, type TestGateway } from '../helpers/central';
import { RawClient, type RawMutation } from '../helpers/raw-client';
import { DEMO_NOW } from '../helpers/replica';

/**
 * The register of printed documents judged by the gateway (issue 15, item 4): what an ordinary user with
 * bad intent and a program of their own would try with `document.printed` and `paper.printed` — another
 * unit's subject, a kind their role does not register, a number already in the register (also by
 * replaying an applied mutation under fresh ids), a number from the future or of another kind, an old
 * canonical version, a subject a kind cannot be about, a twin of another kind, an entry's id taken by
 * a journal. Each is refused with its code, the register stays as it was, and the attempt is audited;
 * the honest registration is applied once.
 */
let clock = DEMO_NOW + 3600_000;
const tick = (ms = 1000) => (clock += ms);

/** '…-YYYYMMDD-HHMMSS' of an instant, as a document number carries it (Asia/Bishkek). */
const stampOf = (ms: number) =>
  new Date(ms + 6 * 3600_000).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');

let seconds = 0;
/** A number of the kind's prefix, made a few seconds before the gateway's now, never used before. */
const fresh = (prefix: string) => `${prefix}-${stampOf(DEMO_NOW + ++seconds * 1000)}`;

type Doc = MutationArgs<'document.printed'>;
type Paper = MutationArgs<'paper.printed'>;

const act = (over: Partial<Doc> = {}): Doc => ({
  documentId: randomUUID(),
  number: fresh('АКТ'),
  kind: 'act',
  locale: 'ru',
  code: 'AAAA-BBBB-CCCC',
  canon: 2,
  pages: 2,
  subjectKind: 'faculty',
  subjectId: 1,
  twin: null,
  ...over,
});

async function fingerprint(db: CentralDb): Promise<string> {
  const docs = await db.query('SELECT * FROM documents ORDER BY id');
  const papers = await db.query('SELECT * FROM paper_journals ORDER BY id');
  const [c] = await db.query<{ seq: number }>('SELECT seq FROM sync_counter WHERE id = 1');
  return JSON.stringify([docs, papers, c?.seq]);
}

describe.each(BACKENDS)('the document register, attacked at the gateway on %s', (backend) => {
  let gw: TestGateway;
  const clients = new Map<string, RawClient>();
  let offeringF1 = 0;
  let otherF1 = 0;

  const client = async (login: string) => {
    let c = clients.get(login);
    if (!c) {
      c = new RawClient(gw.url, () => clock);
      expect(await c.login(login)).toBe(200);
      clients.set(login, c);
    }
    return c;
  };

  /** Pushed by `login`: the outcome. */
  async function push(login: string, m: RawMutation) {
    tick();
    const r = await (await client(login)).push([m]);
    return { outcome: r.outcomes[0], mutationId: r.sent[0]?.mutationId ?? '' };
  }

  /** Must be refused with this outcome and code, change nothing, and be in the central audit. */
  async function refused(login: string, m: RawMutation, outcome: string, code: string) {
    const before = await fingerprint(gw.db);
    const r = await push(login, m);
    expect(r.outcome, JSON.stringify(m.args)).toMatchObject({ outcome, code });
    expect(await fingerprint(gw.db)).toBe(before);
    const audit = await gw.db.query<{ outcome: string }>(
      'SELECT outcome FROM central_audit WHERE mutation_id = $1',
      [r.mutationId],
    );
    expect(audit.map((a) => a.outcome)).toEqual([outcome]);
  }

  const paper = (over: Partial<Paper> = {}): Paper => ({
    paperId: randomUUID(),
    offeringId: offeringF1,
    number: fresh(`ЖУР-${over.offeringId ?? offeringF1}`),
    code: 'AAAA-BBBB-CCCC',
    locale: 'ru',
    pages: 3,
    canon: 1,
    twin: null,
    ...over,
  });

  beforeAll(async () => {
    gw = await testGateway(backend, () => clock);
    const offerings = await gw.db.query<{ id: number }>(
      'SELECT o.id FROM offerings o JOIN groups g ON g.id = o.group_id WHERE g.faculty_id = 1 ORDER BY o.id LIMIT 2',
    );
    offeringF1 = Number(offerings[0]?.id);
    otherF1 = Number(offerings[1]?.id);
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('applies honest registrations: each kind by whoever registers it, a number a minute ahead too', async () => {
    const honest: Array<[string, Doc]> = [
      ['dean', act()],
      ['dean', act({ kind: 'notices', number: fresh('УВ'), subjectKind: 'department', subjectId: 1 })],
      ['study', act({ subjectKind: 'university', subjectId: null })],
      ['head', act({ kind: 'order', number: fresh('ЗАМ'), subjectKind: 'department', subjectId: 1 })],
      ['archivist', act({ kind: 'transfer', number: fresh('АРХ'), subjectKind: 'group', subjectId: 1 })],
      // A bilingual act: the Kyrgyz print's number carries -КЫ, each names the other.
      ['dean', act({ number: 'АКТ-20261126-120000', twin: 'АКТ-20261126-120000-КЫ' })],
      ['dean', act({ number: 'АКТ-20261126-120000-КЫ', locale: 'ky', twin: 'АКТ-20261126-120000' })],
      // The PC's clock a minute fast: inside the drift the register allows.
      ['dean', act({ number: `АКТ-${stampOf(clock + 60_000)}` })],
    ];
    for (const [login, args] of honest) {
      const r = await push(login, { name: 'document.printed', args });
      expect(r.outcome, `${login} ${args.kind}`).toMatchObject({ outcome: 'APPLIED' });
      const [row] = await gw.db.query<{ number: string; printed_at: number; printed_by: number }>(
        'SELECT number, printed_at, printed_by FROM documents WHERE id = $1',
        [args.documentId],
      );
      expect(row).toMatchObject({ number: args.number, printed_by: (await client(login)).userId });
      expect(row?.printed_at).toBe(clock);
    }
  });

  it('refuses another unit’s subject and a kind the role does not register', async () => {
    // The deanery records its own faculty's check, not faculty 2's nor the university's.
    await refused(
      'dean',
      { name: 'document.printed', args: act({ subjectId: 2 }) },
      'FORBIDDEN',
      'out_of_scope',
    );
    await refused(
      'dean',
      { name: 'document.printed', args: act({ subjectKind: 'department', subjectId: 4 }) },
      'FORBIDDEN',
      'out_of_scope',
    );
    await refused(
      'dean',
      { name: 'document.printed', args: act({ subjectKind: 'university', subjectId: null }) },
      'FORBIDDEN',
      'out_of_scope',
    );
    // An order is the head's of that department; a transfer act an archivist's of the unit.
    await refused(
      'head',
      {
        name: 'document.printed',
        args: act({ kind: 'order', number: fresh('ЗАМ'), subjectKind: 'department', subjectId: 4 }),
      },
      'FORBIDDEN',
      'out_of_scope',
    );
    await refused(
      'archivist',
      {
        name: 'document.printed',
        args: act({ kind: 'transfer', number: fresh('АРХ'), subjectKind: 'faculty', subjectId: 2 }),
      },
      'FORBIDDEN',
      'out_of_scope',
    );
    // Roles without the right at all (DOMAIN.md's matrix): the deanery orders nothing, a department head
    // only looks at the weekly check, a teacher archives nothing, the admin prints no journal.
    await refused(
      'dean',
      {
        name: 'document.printed',
        args: act({ kind: 'order', number: fresh('ЗАМ'), subjectKind: 'department', subjectId: 1 }),
      },
      'FORBIDDEN',
      'role',
    );
    await refused(
      'head',
      { name: 'document.printed', args: act({ subjectKind: 'department', subjectId: 1 }) },
      'FORBIDDEN',
      'role',
    );
    await refused(
      'teacher',
      { name: 'document.printed', args: act({ kind: 'transfer', number: fresh('АРХ') }) },
      'FORBIDDEN',
      'role',
    );
    await refused('admin', { name: 'paper.printed', args: paper() }, 'FORBIDDEN', 'role');
    // A teacher's own journals only.
    const [others] = await gw.db.query<{ id: number }>(
      `SELECT o.id FROM offerings o WHERE o.teacher_id <> (SELECT teacher_id FROM users WHERE login = 'teacher') ORDER BY o.id LIMIT 1`,
    );
    const offeringId = Number(others?.id);
    await refused(
      'teacher',
      { name: 'paper.printed', args: paper({ offeringId, number: fresh(`ЖУР-${offeringId}`) }) },
      'FORBIDDEN',
      'out_of_scope',
    );
  });

  it('refuses a number already in the register, also an applied mutation replayed under fresh ids', async () => {
    const first = act();
    const applied = await push('dean', { name: 'document.printed', args: first });
    expect(applied.outcome).toMatchObject({ outcome: 'APPLIED' });
    // The same mutation under a new mutation id: its entry's id is taken — never an overwrite.
    await refused('dean', { name: 'document.printed', args: first }, 'FORBIDDEN', 'id_taken');
    // …and under a new entry id as well: its number is taken. By another account too.
    await refused(
      'dean',
      { name: 'document.printed', args: { ...first, documentId: randomUUID() } },
      'CONFLICT',
      'number_taken',
    );
    await refused(
      'study',
      { name: 'document.printed', args: { ...first, documentId: randomUUID(), code: 'ZZZZ-ZZZZ-ZZZZ' } },
      'CONFLICT',
      'number_taken',
    );
    // A journal's number likewise.
    const journal = paper();
    expect((await push('dean', { name: 'paper.printed', args: journal })).outcome).toMatchObject({
      outcome: 'APPLIED',
    });
    await refused(
      'archivist',
      { name: 'paper.printed', args: { ...journal, paperId: randomUUID(), locale: 'ky' } },
      'CONFLICT',
      'number_taken',
    );
    // A journal under the id of another entry of the register (an act's): never an overwrite.
    await refused(
      'dean',
      { name: 'paper.printed', args: paper({ paperId: first.documentId }) },
      'FORBIDDEN',
      'id_taken',
    );
  });

  it('refuses a number from the future, of another kind or offering, or unreadable; an old canon; a subject the kind cannot have; a foreign twin', async () => {
    const future = `АКТ-${stampOf(clock + 10 * 60_000)}`;
    await refused(
      'dean',
      { name: 'document.printed', args: act({ number: future }) },
      'INVALID',
      'number_future',
    );
    await refused(
      'dean',
      { name: 'paper.printed', args: paper({ number: `ЖУР-${offeringF1}-${stampOf(clock + 3 * 60_000)}` }) },
      'INVALID',
      'number_future',
    );
    for (const number of [
      fresh('ЗАМ'),
      fresh('ЖУР-1'),
      'АКТ-2026-11-26',
      'АКТ-20261126-250000',
      `АКТ-${stampOf(DEMO_NOW)}-1`,
      'акт-20261126-120000',
      // Marked as the Kyrgyz print, but the Russian one.
      `${fresh('АКТ')}-КЫ`,
    ])
      await refused('dean', { name: 'document.printed', args: act({ number }) }, 'INVALID', 'number_bad');
    // A journal's number names its own offering.
    await refused(
      'dean',
      { name: 'paper.printed', args: paper({ number: fresh(`ЖУР-${otherF1}`) }) },
      'INVALID',
      'number_bad',
    );
    await refused(
      'dean',
      { name: 'paper.printed', args: paper({ number: fresh('АКТ') }) },
      'INVALID',
      'number_bad',
    );
    await refused('dean', { name: 'document.printed', args: act({ canon: 1 }) }, 'INVALID', 'canon_old');
    await refused(
      'head',
      { name: 'document.printed', args: act({ kind: 'order', number: fresh('ЗАМ'), subjectId: 1 }) },
      'INVALID',
      'subject_kind',
    );
    await refused(
      'dean',
      { name: 'document.printed', args: act({ subjectKind: 'group', subjectId: 999_999 }) },
      'INVALID',
      'no_unit',
    );
    await refused(
      'dean',
      { name: 'document.printed', args: act({ twin: fresh('ЗАМ') }) },
      'INVALID',
      'twin_bad',
    );
    const self = fresh('АКТ');
    await refused(
      'dean',
      { name: 'document.printed', args: act({ number: self, twin: self }) },
      'INVALID',
      'twin_bad',
    );
    await refused(
      'dean',
      { name: 'paper.printed', args: paper({ twin: fresh(`ЖУР-${otherF1}`) }) },
      'INVALID',
      'twin_bad',
    );
    // A journal is entered with its paper entry, never as `document.printed`.
    await refused(
      'dean',
      { name: 'document.printed', args: { ...act(), kind: 'journal' } as unknown as Doc },
      'INVALID',
      'invalid_args',
    );
  });
});
