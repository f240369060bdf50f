import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SCALES, type Scale } from './demo/structure';
import { DEFAULT_DEMO_DATE, generateDemo } from './demo/generate';
import { getMeta, META } from './db/meta';
import { openReplica } from './db/open';
import { entityCounts, ENTITY_TABLES } from './db/replica.repo';
import { formatBishkekInstant } from '../src-shared/domain/time';
import { translate } from '../src-shared/i18n/translate';
import { formatNumber } from '../src-shared/i18n/format';
import type { Progress } from './jobs/job';
import { defaultReplicaPath } from './paths';
import { boot } from './boot';

/**
 * The command line (`npm run cli -- <command> …`): batch work for the study office and developers.
 * Every command takes --db FILE (default: the app's own replica) and --help; any failure exits non-zero.
 */
type Command = {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(
    values: Record<string, string | boolean | Array<string | boolean> | undefined>,
    out: Output,
  ): Promise<void> | void;
};
type Output = { log: (line: string) => void; progress: (p: Progress) => void; done: () => void };

const common = { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

class UsageError extends Error {}

const COMMANDS: Record<string, Command> = {
  demo: {
    summary: 'generate the demo university into a replica',
    usage: `demo [--scale tiny|faculty|university] [--today YYYY-MM-DD] [--seed N] [--db FILE] [--force]

Writes a deterministic demo university: tiny (two small faculties, for tests), faculty (one faculty,
about 2,000 students; the default) or university (about 20,000 students, 1,000 teachers). The demo's
"today" (default ${DEFAULT_DEMO_DATE}) is stored in the replica, so the app, web mode and CLI agree on it.
An existing demo replica is replaced; a replica with real data only with --force.`,
    options: {
      ...common,
      scale: { type: 'string' },
      today: { type: 'string' },
      seed: { type: 'string' },
      force: { type: 'boolean' },
    },
    run(v, out) {
      const scale = (v.scale ?? 'faculty') as string;
      if (!SCALES.includes(scale as Scale))
        throw new UsageError(`--scale must be one of ${SCALES.join(', ')}, got "${scale}"`);
      const seed = v.seed === undefined ? undefined : Number(v.seed);
      if (seed !== undefined && !Number.isInteger(seed))
        throw new UsageError(`--seed must be an integer, got "${String(v.seed)}"`);
      const file = dbPath(v);
      if (existsSync(file) && !v.force) {
        const db = openReplica(file, { readonly: true });
        const isDemo = getMeta(db, META.demoNow) !== null;
        db.$client.close();
        if (!isDemo)
          throw new UsageError(`${file} holds a replica that is not a demo; add --force to replace it`);
      }
      const r = generateDemo(file, {
        scale: scale as Scale,
        today: v.today as string | undefined,
        seed,
        onProgress: out.progress,
      });
      out.done();
      out.log(
        `Demo university (${r.scale}) written to ${file} in ${r.seconds.toFixed(1)} s: ${formatNumber(r.rows)} rows, ` +
          `${formatNumber(r.counts.students ?? 0)} students, ${formatNumber(r.counts.marks ?? 0)} marks; today ${r.today}.`,
      );
    },
  },
  sync: {
    summary: 'sync the replica with the AVN gateway (push, pull, verify)',
    usage: `sync [--gateway URL --login LOGIN [--password P] [--scope S]] [--db FILE]

Connects the replica to the gateway when --gateway and --login are given (the password from --password
or the AVN_PASSWORD environment variable), then runs one sync cycle with a progress bar: pushes the
outbox, pulls the scope (downloading it first into a new or empty replica), compares checksums and
repairs what differs. A replica that does not exist yet is created empty.`,
    options: {
      ...common,
      gateway: { type: 'string' },
      login: { type: 'string' },
      password: { type: 'string' },
      scope: { type: 'string' },
    },
    async run(v, out) {
      const file = dbPath(v);
      const app = boot({ dbPath: file, demoIfMissing: null, log: () => undefined });
      try {
        if (typeof v.gateway === 'string' || typeof v.login === 'string') {
          const password = typeof v.password === 'string' ? v.password : process.env.AVN_PASSWORD;
          if (typeof v.gateway !== 'string' || typeof v.login !== 'string' || !password) {
            throw new UsageError(
              'connecting needs --gateway, --login and a password (--password or AVN_PASSWORD)',
            );
          }
          const c = await app.deps.sync.connect(
            v.gateway,
            v.login,
            password,
            typeof v.scope === 'string' ? v.scope : undefined,
          );
          out.log(
            `Connected to ${v.gateway} as ${v.login}: scope ${c.scope} (may hold ${c.scopes.join(', ')}).`,
          );
        }
        const r = await app.deps.sync.sync({ verify: 'always', onProgress: out.progress });
        out.done();
        const s = app.deps.sync.status();
        out.log(
          `Synced ${file} (${s.scope ?? '?'}) at cursor ${s.cursor ?? '-'}: pushed ${r.pushed} (applied ${r.applied}, refused ${r.conflicts}), ` +
            `pulled ${r.pulled} changes${r.resynced ? `, downloaded ${r.snapshotRows} rows` : ''}; checksums ${r.verified}` +
            `${r.repairedPartitions ? ` (${r.repairedPartitions} partitions repaired)` : ''}; pending ${s.pending}, conflicts ${s.conflicts}.`,
        );
      } finally {
        app.close();
      }
    },
  },
  info: {
    summary: 'counts of every entity in the replica',
    usage: `info [--db FILE] [--json]

Prints the replica's scope, its clock (the demo's stored "now" for a demo), and the number of rows of
every entity.`,
    options: { ...common, json: { type: 'boolean' } },
    run(v, out) {
      const file = dbPath(v);
      if (!existsSync(file))
        throw new UsageError(`no replica at ${file} (make one with: npm run cli -- demo --db ${file})`);
      const db = openReplica(file, { readonly: true });
      try {
        const counts = entityCounts(db);
        const demoNow = getMeta(db, META.demoNow);
        const info = {
          file,
          scope: JSON.parse(getMeta(db, META.scope) ?? 'null') as unknown,
          demoNow: demoNow === null ? null : formatBishkekInstant(Number(demoNow)),
          demoScale: getMeta(db, META.demoScale),
          counts: Object.fromEntries(counts.map((c) => [c.entity, c.count])),
        };
        if (v.json) {
          out.log(JSON.stringify(info, null, 2));
          return;
        }
        out.log(`Replica ${file}`);
        out.log(
          `  scope: ${JSON.stringify(info.scope)}${info.demoNow ? `; demo now: ${info.demoNow} (${info.demoScale})` : ''}`,
        );
        const width = Math.max(...counts.map((c) => translate('ru', `entity.${c.entity}`).length));
        for (const c of counts) {
          const label = translate('ru', `entity.${c.entity}`).padEnd(width);
          out.log(`  ${label}  ${formatNumber(c.count).padStart(12)}  ${ENTITY_TABLES[c.entity]}`);
        }
      } finally {
        db.$client.close();
      }
    },
  },
};

function dbPath(v: Record<string, unknown>): string {
  return typeof v.db === 'string' && v.db ? v.db : defaultReplicaPath();
}

function terminalOutput(stream: NodeJS.WriteStream = process.stderr): Output {
  let shown = false;
  let lastPhase = '';
  return {
    log: (line) => console.log(line),
    progress(p) {
      if (stream.isTTY) {
        const width = 30;
        const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
        const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
        stream.write(
          `\r${bar} ${String(Math.round(frac * 100)).padStart(3)}%  ${p.phase.padEnd(12)} ${p.done}/${p.total}   `,
        );
        shown = true;
      } else if (p.phase !== lastPhase) {
        stream.write(`${p.phase}…\n`);
        lastPhase = p.phase;
      }
    },
    done() {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}

function usage(): string {
  return `Usage: npm run cli -- <command> [options]   (every command: --db FILE, --help)

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)
  .join('\n')}

Default replica: ${defaultReplicaPath()}`;
}

/** Run the CLI with arguments (without node and script); returns the exit code. */
export async function runCli(argv: string[], out: Output = terminalOutput()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out.log(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    const { values } = parseArgs({ args: rest, options: cmd.options, strict: true, allowPositionals: false });
    if (values.help) {
      out.log(`Usage: npm run cli -- ${cmd.usage}`);
      return 0;
    }
    await cmd.run(values, out);
    return 0;
  } catch (err) {
    out.done();
    const message = err instanceof Error ? err.message : String(err);
    console.error(`${name}: ${message}`);
    if (
      err instanceof UsageError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`Usage: npm run cli -- ${cmd.usage.split('\n')[0]}`);
      return 2;
    }
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
