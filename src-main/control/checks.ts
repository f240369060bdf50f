import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import {
  checkSnapshot,
  type CheckSnapshot,
  type CheckSummary,
} from '../../src-shared/contract/control.contract';
import { AppError } from '../../src-shared/contract/errors';
import type { RoleGrant } from '../../src-shared/domain/roles';
import { uuidv7 } from '../../src-shared/ids';
import { translate, type Locale } from '../../src-shared/i18n/translate';
import type { Viewer } from '../db/access';
import { unitNames, type UnitFilter } from '../db/control.repo';
import type { Db } from '../db/open';
import { commitLocal } from '../db/write-path';
import { controlReport, type PeriodInput } from './report';

/**
 * Recorded weekly checks (§3.5, §5.3): the figures computed at the time, frozen with who checked and a
 * comment, written through the one write path (row, audit, outbox) and kept for later looks.
 */

type CheckUnit = { kind: 'university' | 'faculty' | 'department'; id: number | null };

/** The unit a person records a check for: the study office the university (or a faculty), the deanery its faculty. */
export function checkUnitOf(grants: readonly RoleGrant[], facultyId: number | undefined): CheckUnit {
  if (grants.some((g) => g.role === 'studyOffice'))
    return facultyId === undefined ? { kind: 'university', id: null } : { kind: 'faculty', id: facultyId };
  const mine = grants
    .filter((g) => g.role === 'deanery' && g.scopeKind === 'faculty' && g.scopeId !== null)
    .map((g) => g.scopeId as number);
  if (mine.length === 0) throw new AppError('ROLE_FORBIDDEN', { method: 'control.record' });
  if (facultyId !== undefined && !mine.includes(facultyId))
    throw new AppError('SCOPE_FORBIDDEN', {}, 'facultyId');
  return { kind: 'faculty', id: facultyId ?? mine[0] };
}

function unitName(db: Db, u: CheckUnit): { ru: string; ky: string } {
  if (u.kind === 'university' || u.id === null)
    return { ru: translate('ru', 'unit.university'), ky: translate('ky', 'unit.university') };
  return unitNames(db, u.kind, [u.id]).get(u.id) ?? { ru: `#${u.id}`, ky: `#${u.id}` };
}

/** Figures per unit and per teacher of a check's unit and period, as the checker sees them now. */
export function snapshotOf(
  db: Db,
  v: Viewer,
  unit: CheckUnit,
  period: PeriodInput,
  now: number,
  locale: Locale,
): CheckSnapshot {
  const within: UnitFilter[] =
    unit.kind === 'university' || unit.id === null ? [] : [{ kind: unit.kind, id: unit.id }];
  const by = unit.kind === 'university' ? 'faculty' : unit.kind === 'faculty' ? 'department' : 'teacher';
  return {
    version: 1,
    units: controlReport(db, v, { ...period, within, by }, now, locale),
    teachers: controlReport(db, v, { ...period, within, by: 'teacher' }, now, locale),
  };
}

/** Record a check: compute the snapshot now, write it with the comment through the one write path. */
export function recordCheck(
  db: Db,
  session: Viewer & { user: { id: number } },
  input: PeriodInput & { facultyId?: number; comment: string },
  actor: { deviceId: string; now: number },
  locale: Locale,
): CheckSummary {
  const unit = checkUnitOf(session.grants, input.facultyId);
  const period = { week: input.week, from: input.from, to: input.to };
  const snap = snapshotOf(db, session, unit, period, actor.now, locale);
  const p = snap.units.period;
  const checkId = uuidv7(actor.now, randomBytes(10));
  const snapshot = JSON.stringify(snap);
  commitLocal(
    db,
    { userId: session.user.id, teacherId: session.teacherId, grants: session.grants, ...actor },
    [
      {
        name: 'checks.record',
        args: {
          checkId,
          unitKind: unit.kind,
          unitId: unit.id,
          periodFrom: p.from,
          periodTo: p.to,
          week: p.week,
          comment: input.comment,
          snapshot,
        },
      },
    ],
  );
  const stored = readChecks(db, sql`c.id = ${checkId}`, 1)[0];
  if (!stored) throw new Error('the recorded check was not stored');
  return stored.summary;
}

type CheckRow = {
  id: string;
  unitKind: CheckUnit['kind'];
  unitId: number | null;
  periodFrom: string;
  periodTo: string;
  week: string | null;
  checkedAt: number;
  checker: string | null;
  comment: string;
  snapshot: string;
  rowVersion: number;
};

function readChecks(
  db: Db,
  where: ReturnType<typeof sql>,
  limit: number,
): Array<{ summary: CheckSummary; snapshot: CheckSnapshot }> {
  const rows = db.all<CheckRow>(sql`
    SELECT c.id, c.unit_kind AS unitKind, c.unit_id AS unitId, c.period_from AS periodFrom, c.period_to AS periodTo,
      c.week, c.checked_at AS checkedAt, u.display_name AS checker, c.comment, c.snapshot, c.row_version AS rowVersion
    FROM weekly_checks c LEFT JOIN users u ON u.id = c.checked_by
    WHERE ${where} ORDER BY c.checked_at DESC, c.id DESC LIMIT ${limit}`);
  return rows.map((r) => {
    const snapshot = checkSnapshot.parse(JSON.parse(r.snapshot));
    const unit = { kind: r.unitKind, id: r.unitId };
    return {
      snapshot,
      summary: {
        id: r.id,
        checkedAt: r.checkedAt,
        checkedBy: r.checker ?? '?',
        unit: { ...unit, name: unitName(db, unit) },
        period: { from: r.periodFrom, to: r.periodTo, week: r.week },
        comment: r.comment,
        total: snapshot.units.total,
        pending: r.rowVersion === 0,
      },
    };
  });
}

/** Which checks a person may look at: the study office all; the deanery its faculties'; a head their faculty's. */
function visibleChecks(db: Db, v: Viewer): ReturnType<typeof sql> {
  if (v.grants.some((g) => g.role === 'studyOffice' || g.role === 'admin')) return sql`1 = 1`;
  const faculties = new Set<number>();
  for (const g of v.grants) {
    if (g.role === 'deanery' && g.scopeKind === 'faculty' && g.scopeId !== null) faculties.add(g.scopeId);
    if (g.role === 'departmentHead' && g.scopeKind === 'department' && g.scopeId !== null) {
      const d = db.get<{ f: number }>(sql`SELECT faculty_id AS f FROM departments WHERE id = ${g.scopeId}`);
      if (d) faculties.add(d.f);
    }
  }
  const list = JSON.stringify([...faculties]);
  return sql`c.unit_kind = 'faculty' AND c.unit_id IN (SELECT value FROM json_each(${list}))`;
}

export function listChecks(db: Db, v: Viewer, limit: number): CheckSummary[] {
  return readChecks(db, visibleChecks(db, v), limit).map((c) => c.summary);
}

export function getCheck(db: Db, v: Viewer, id: string): CheckSummary & { snapshot: CheckSnapshot } {
  const found = readChecks(db, sql`c.id = ${id} AND ${visibleChecks(db, v)}`, 1)[0];
  if (!found) throw new AppError('NOT_FOUND', {}, 'id');
  return { ...found.summary, snapshot: found.snapshot };
}
