import { getTableColumns } from 'drizzle-orm';
import { z } from 'zod';
import { parseScopeKey, syncedTable, type ScopeRef } from '../src-shared/sync/tables';
import { HEADER } from '../src-shared/sync/wire';
import { centralTable } from './db/tables';

/**
 * The gateway's door for request input (issue 14): every route's query, body and headers are parsed
 * with zod before anything reaches the database, and a failure is a 400 MALFORMED that names the field
 * — `{ code, reason, field }`, the house's `{ code, reason }` with the field added. Nothing a request
 * sends can make PostgreSQL raise (a type it cannot cast, a number out of a column's range, a NUL
 * character), so no answer ever carries the database's text.
 */

/** PostgreSQL `integer` (the central ids and row versions). */
export const INT4_MAX = 2_147_483_647;

/** A 400 MALFORMED naming the field. */
export function malformed(field: string, reason: string): Response {
  return new Response(JSON.stringify({ code: 'MALFORMED', reason: `${field}: ${reason}`, field }), {
    status: 400,
    headers: { 'content-type': 'application/json' },
  });
}

/** What the readers need of a request (any Hono context has it). */
type Req = {
  req: {
    query(): Record<string, string>;
    header(): Record<string, string>;
    text(): Promise<string>;
  };
};

function firstIssue(error: z.ZodError, root: string): Response {
  const issue = error.issues[0];
  const path = issue?.path.map(String) ?? [];
  // zod's messages state what was expected, never the value sent.
  return malformed(path.length ? path.join('.') : root, issue?.message ?? 'invalid');
}

/** The query parameters (the first of each name), parsed; or the 400 answer. */
export function readQuery<T extends z.ZodType>(c: Req, schema: T): z.infer<T> | Response {
  const r = schema.safeParse(c.req.query());
  return r.success ? r.data : firstIssue(r.error, 'query');
}

/** The request headers (lower-case names), parsed; or the 400 answer. */
export function readHeaders<T extends z.ZodType>(c: Req, schema: T): z.infer<T> | Response {
  const r = schema.safeParse(c.req.header());
  return r.success ? r.data : firstIssue(r.error, 'headers');
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text PostgreSQL stores as it is: no NUL character, no lone UTF-16 surrogate. */
export function storable(s: string): boolean {
  return !s.includes('\0') && !LONE_SURROGATE.test(s);
}

/**
 * The first string (or key) in a JSON value PostgreSQL cannot store — a NUL character, or a lone
 * UTF-16 surrogate (jsonb refuses both) — as its path; null when there is none.
 */
export function unstorableText(value: unknown, path: string[] = []): string[] | null {
  const bad = (s: string) => !storable(s);
  if (typeof value === 'string') return bad(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const p = unstorableText(v, [...path, String(i)]);
      if (p) return p;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (bad(k)) return [...path, k];
      const p = unstorableText(v, [...path, k]);
      if (p) return p;
    }
  }
  return null;
}

/** The JSON body, parsed; or the 400 answer (not JSON, text PostgreSQL cannot store, the schema). */
export async function readJson<T extends z.ZodType>(c: Req, schema: T): Promise<z.infer<T> | Response> {
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    return malformed('body', 'expected a JSON body');
  }
  const bad = unstorableText(raw);
  if (bad) return malformed(bad.join('.') || 'body', 'NUL characters and lone surrogates are not allowed');
  const r = schema.safeParse(raw);
  return r.success ? r.data : firstIssue(r.error, 'body');
}

/** A whole number in decimal, at most `max`. */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** The headers every request but /health carries (SYNC.md; the desktop's GatewayClient sends them). */
export const commonHeaders = z.object({
  [HEADER.protocol]: z.string().regex(/^\d{1,6}$/, 'expected the protocol version, a whole number'),
  [HEADER.schema]: z.string().regex(/^\d{1,6}$/, 'expected the schema version, a whole number'),
  /** The device's clock in ms since the epoch (0: not stated). */
  [HEADER.deviceTime]: z
    .string()
    .regex(/^\d{1,16}(\.\d{1,6})?$/, 'expected milliseconds since 1970, a number')
    .transform(Number)
    .pipe(z.number().min(0).max(8.64e15))
    .optional(),
  [HEADER.cycle]: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'expected a UUID')
    .optional(),
});

/** `scope=university|faculty:N|department:N`, N an id. */
const scope = z.string().transform((key, ctx): { key: string; ref: ScopeRef } => {
  const ref = parseScopeKey(key);
  if (!ref || (ref.kind !== 'university' && ref.id > INT4_MAX)) {
    ctx.addIssue({ code: 'custom', message: 'expected university, faculty:N or department:N' });
    return z.NEVER;
  }
  return { key, ref };
});

const table = z.string().refine((t) => syncedTable(t) !== undefined, 'expected a synced table');
const limit = wholeNumber(1, 50_000).optional().default(5000);

/** Whether each key column of a synced table is a number (integer) or text, from the central schema. */
export function keyKinds(tableName: string): Array<'number' | 'string'> {
  const t = syncedTable(tableName);
  if (!t) return [];
  const cols = Object.values(getTableColumns(centralTable(t.name)));
  return t.pk.map((k) => (cols.find((c) => c.name === k)?.dataType === 'number' ? 'number' : 'string'));
}

export const headQuery = z.object({ scope });

export const pullQuery = z.object({
  scope,
  after: wholeNumber(0, Number.MAX_SAFE_INTEGER),
  limit,
});

export const checksumsQuery = z.object({ scope, table: table.optional() });

/**
 * A snapshot page: `after` is the JSON key of the last row (a value per key column, of its type) and
 * `partition` a checksum partition of the table's first key column (`n<k>` for numbers, `s<prefix>`
 * for text) — checked against the table, so no value reaches PostgreSQL that it cannot compare.
 */
export const snapshotQuery = z
  .object({ scope, table, limit, after: z.string().max(2000).optional(), partition: z.string().optional() })
  .transform((q, ctx) => {
    const kinds = keyKinds(q.table);
    let after: Array<string | number> | null = null;
    if (q.after) {
      let v: unknown;
      try {
        v = JSON.parse(q.after);
      } catch {
        v = undefined;
      }
      const fits =
        Array.isArray(v) &&
        v.length === kinds.length &&
        v.every((x, i) =>
          kinds[i] === 'number'
            ? Number.isInteger(x) && Math.abs(x as number) <= INT4_MAX
            : typeof x === 'string' && x.length <= 200 && storable(x),
        );
      if (!fits) {
        ctx.addIssue({
          code: 'custom',
          path: ['after'],
          message: "expected the JSON key of the table's last row",
        });
        return z.NEVER;
      }
      after = v as Array<string | number>;
    }
    const p = q.partition;
    if (p !== undefined) {
      const numeric = kinds[0] === 'number';
      const ok = numeric
        ? /^n\d{1,7}$/.test(p) && Number(p.slice(1)) * 1024 < INT4_MAX
        : /^s.{1,2}$/su.test(p) && p.length <= 3 && storable(p);
      if (!ok) {
        ctx.addIssue({
          code: 'custom',
          path: ['partition'],
          message: numeric
            ? 'expected n<number>, as the checksums name it'
            : 'expected s<prefix>, as the checksums name it',
        });
        return z.NEVER;
      }
    }
    return { scope: q.scope, table: q.table, limit: q.limit, after, partition: p };
  });

/**
 * `/admin/edit` (dev endpoints only): central edits of synced tables, naming only their columns (the
 * values' types are the test's business: a wrong one is a generic 500).
 */
export const adminEditRequest = z.object({
  changes: z
    .array(
      z
        .object({
          table,
          key: z.record(
            z.string(),
            z.union([z.string().max(200), z.number().int().min(-INT4_MAX).max(INT4_MAX)]),
          ),
          set: z.record(z.string(), z.unknown()).nullable(),
        })
        .superRefine((ch, ctx) => {
          const t = syncedTable(ch.table);
          if (!t) return;
          for (const k of Object.keys(ch.key))
            if (!t.pk.includes(k))
              ctx.addIssue({ code: 'custom', path: ['key', k], message: 'not a key of the table' });
          for (const k of Object.keys(ch.set ?? {}))
            if (!t.columns.includes(k))
              ctx.addIssue({ code: 'custom', path: ['set', k], message: 'not a field of the table' });
        }),
    )
    .max(10_000),
});
