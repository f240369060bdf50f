import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contract } from '../../src-shared/contract';
import { METHOD_ACCESS, METHOD_RIGHTS, matrixProblems } from '../../src-shared/contract/rights';
import { ACTIONS, MATRIX, type Action } from '../../src-shared/domain/matrix';
import { ROLES, type Role } from '../../src-shared/domain/roles';

/**
 * DOMAIN.md's role × action table is the one source of who may do what (issue 13). `MATRIX` is its
 * transcription: this test reads the table from DOMAIN.md itself (`../shared/docs/DOMAIN.md` beside the
 * repository, as in CI) and holds the transcription equal to it cell by cell; and every method of the
 * contract is decided by a row of it.
 */
const DOMAIN_MD = fileURLToPath(new URL('../../../shared/docs/DOMAIN.md', import.meta.url));

type Table = { roles: string[]; rows: Array<{ label: string; cells: string[] }> };

/** The markdown table whose header starts with `| action |`, split into cells. */
function roleTable(markdown: string): Table {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^\|\s*action\s*\|/.test(l));
  if (start < 0) throw new Error('DOMAIN.md has no "| action |" table');
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
  const [, ...roles] = cells(lines[start] ?? '');
  if (!/^\|[\s|:-]+\|$/.test(lines[start + 1]?.trim() ?? ''))
    throw new Error('the table has no separator row');
  const rows: Table['rows'] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    const [label = '', ...rest] = cells(line);
    rows.push({ label, cells: rest });
  }
  return { roles, rows };
}

const table = roleTable(readFileSync(DOMAIN_MD, 'utf8'));
const actionOf = new Map<string, Action>(
  (Object.entries(ACTIONS) as Array<[Action, string]>).map(([action, label]) => [label, action]),
);

describe('the role matrix', () => {
  it('has DOMAIN.md’s columns: the roles AVN Desk serves', () => {
    expect(table.roles).toEqual([...ROLES]);
  });

  it('has a row for every action of DOMAIN.md’s table, and no other', () => {
    expect(table.rows.length).toBeGreaterThan(10);
    const unknown = table.rows.map((r) => r.label).filter((label) => !actionOf.has(label));
    expect(unknown, 'rows of DOMAIN.md with no action in ACTIONS (labels must match exactly)').toEqual([]);
    expect(table.rows.map((r) => actionOf.get(r.label))).toEqual(Object.keys(ACTIONS));
  });

  it('holds MATRIX equal to DOMAIN.md cell by cell', () => {
    const differences: string[] = [];
    for (const row of table.rows) {
      const action = actionOf.get(row.label);
      if (!action) continue;
      expect(row.cells, `${row.label}: one cell per role`).toHaveLength(table.roles.length);
      table.roles.forEach((role, i) => {
        const md = row.cells[i];
        const ours = MATRIX[action][role as Role];
        if (md !== ours) differences.push(`${action} × ${role}: DOMAIN.md "${md}", MATRIX "${ours}"`);
      });
    }
    expect(differences).toEqual([]);
  });
});

describe('the rights of the contract', () => {
  it('decides every method of the contract by the matrix', () => {
    expect(matrixProblems(contract, METHOD_RIGHTS)).toEqual([]);
  });

  it('names a method added to the contract without a right', () => {
    const grown = { ...contract, 'journal.drop': contract['journal.grid'] };
    expect(matrixProblems(grown, METHOD_RIGHTS)).toEqual([
      'journal.drop: the method has no right in METHOD_RIGHTS (DOMAIN.md, Roles)',
    ]);
  });

  it('names a right for no method, an action that is not a row, and a need that is not one', () => {
    const problems = matrixProblems(contract, {
      ...METHOD_RIGHTS,
      'journal.drop': 'session',
      'journal.grid': { action: 'viewMarks', need: 'view' },
      'journal.groups': { action: 'viewJournals', need: 'edit' },
      'journal.cellHistory': 'everyone',
    });
    expect(problems).toEqual([
      'journal.groups: the need "edit" is not one of view, comment, do',
      'journal.grid: the action "viewMarks" is not a row of the matrix (ACTIONS)',
      'journal.cellHistory: the right "everyone" is not public, session or a matrix right',
      'journal.drop: a right for a method the contract does not have',
    ]);
  });

  it('holds every row of a right that serves several rows to the matrix', () => {
    const problems = matrixProblems(contract, {
      ...METHOD_RIGHTS,
      'journal.grid': { anyOf: [] },
      'journal.groups': {
        anyOf: [
          { action: 'print', need: 'do' },
          { action: 'viewMarks', need: 'view' },
        ],
      },
    });
    expect(problems).toEqual([
      'journal.groups: the action "viewMarks" is not a row of the matrix (ACTIONS)',
      'journal.grid: anyOf must list at least one matrix right',
    ]);
    // The document register's right is the union of its rows' roles, in ROLES order.
    expect(METHOD_ACCESS['documents.list']).toEqual([
      'studyOffice',
      'deanery',
      'departmentHead',
      'teacher',
      'archivist',
    ]);
  });
});
