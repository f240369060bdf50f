import {
  NUMBER_FUTURE_MS,
  parseDocumentNumber,
  type Canon,
  type DocumentKind,
  type SubjectKind,
} from '../../domain/documents';
import { one, type Load } from '../facts';
import { refuse, type Actor, type Refusal, type RowChange } from './types';

/**
 * What the register's two mutations share (issue 15, item 4): `paper.printed` enters a journal and
 * `document.printed` any other document in the one register (`documents`). A number is judged from the
 * register as the judge holds it and its own clock, never from what the client says: it must be the
 * kind's, name what the entry names, not lie in the future, and be nobody's yet — never an overwrite.
 */

/** What the register holds about an entry's id and number. */
export type RegisterFacts = {
  /** A register entry with this id exists (ids are owned). */
  idTaken: boolean;
  /** Another entry (another id) holds this number. */
  numberTaken: boolean;
};

/**
 * Read whether the id and the number are taken; rows found stay locked centrally until the push ends
 * (a number no row holds yet is kept by the unique index: of two pushes taking it at once, the second's
 * transaction fails and is judged again at its retry).
 */
export function* loadRegister(id: string, number: string): Load<RegisterFacts> {
  const byId = yield* one<{ id: string }>('SELECT id FROM documents WHERE id = ?', [id], true);
  const byNumber = yield* one<{ id: string }>(
    'SELECT id FROM documents WHERE number = ? AND id <> ? LIMIT 1',
    [number, id],
    true,
  );
  return { idTaken: byId !== null, numberTaken: byNumber !== null };
}

/**
 * Why a number (and the twin's) cannot enter the register, or null: the kind's prefix and a number that
 * parses (a journal's naming its own offering; one marked Kyrgyz only for a Kyrgyz print), made no
 * later than the judged time plus a little drift, nobody's yet; a twin of the same kind that is not the
 * number itself.
 */
export function numberRefusal(
  a: { number: string; twin: string | null; locale: 'ru' | 'ky' },
  kind: DocumentKind,
  offeringId: number | null,
  f: RegisterFacts,
  at: number,
): Refusal | null {
  const parsed = parseDocumentNumber(a.number);
  if (
    !parsed ||
    parsed.kind !== kind ||
    parsed.offeringId !== offeringId ||
    (parsed.locale === 'ky' && a.locale !== 'ky')
  )
    return refuse('INVALID', 'number_bad', 'number');
  if (parsed.at > at + NUMBER_FUTURE_MS) return refuse('INVALID', 'number_future', 'number');
  if (f.numberTaken) return refuse('CONFLICT', 'number_taken', 'number');
  if (a.twin !== null) {
    const twin = parseDocumentNumber(a.twin);
    if (!twin || twin.kind !== kind || twin.offeringId !== offeringId || a.twin === a.number)
      return refuse('INVALID', 'twin_bad', 'twin');
  }
  return null;
}

/** The register entry a judged print writes: printed when the judge says, by the actor. */
export function registerRow(
  id: string,
  e: {
    number: string;
    kind: DocumentKind;
    locale: 'ru' | 'ky';
    code: string;
    canon: Canon;
    pages: number;
    subjectKind: SubjectKind;
    subjectId: number | null;
    twin: string | null;
  },
  j: { actor: Actor; at: number },
): RowChange {
  return {
    table: 'documents',
    key: { id },
    set: {
      number: e.number,
      kind: e.kind,
      locale: e.locale,
      code: e.code,
      canon: e.canon,
      pages: e.pages,
      subject_kind: e.subjectKind,
      subject_id: e.subjectId,
      twin: e.twin,
      printed_at: j.at,
      printed_by: j.actor.userId,
    },
  };
}
