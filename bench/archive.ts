import { spawnSync } from 'node:child_process';

type Line = (label: string, value: string, baseline: string, ratio: string) => void;
type Result = { seconds: number; bytesIn: number; bytesOut: number; records: number; peakMb: number };

function child(mode: string, dbFile: string, variant = ''): Result {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/archive-child.ts', mode, dbFile, variant],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  if (r.status !== 0) throw new Error(`archive bench (${mode}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Result;
}

const mb = (b: number) => b / 1_048_576;

/**
 * Packaging a semester (issue 7: seconds, MB/s and peak memory; target under 400 MB whatever the size
 * of the scope): the whole package of the faculty-scale demo's full semester, and its data files beside
 * the obvious in-memory way of writing them (every table read whole, zipped from memory), measured in
 * the same run. `large` (the university demo): the data files of a scope many times larger, to show
 * that the package's memory does not grow with the scope while the naive way's does.
 */
export function benchArchive(row: Line, facultyFile: string, largeFile: string | null): void {
  const whole = child('package', facultyFile);
  row(
    `archive package, faculty semester: seconds (${whole.records.toLocaleString('en-US')} records)`,
    whole.seconds.toFixed(1),
    '',
    '',
  );
  row(
    'archive package: MB/s (files in / ZIP out)',
    `${(mb(whole.bytesIn) / whole.seconds).toFixed(1)} / ${(mb(whole.bytesOut) / whole.seconds).toFixed(1)}`,
    '',
    '',
  );
  row('archive package: peak memory MB (target < 400)', String(whole.peakMb), '', '');
  const data = child('package', facultyFile, 'data');
  const naive = child('naive', facultyFile);
  row(
    'archive data files: MB/s',
    (mb(data.bytesIn) / data.seconds).toFixed(1),
    `${(mb(naive.bytesIn) / naive.seconds).toFixed(1)} in-memory`,
    (mb(data.bytesIn) / data.seconds / (mb(naive.bytesIn) / naive.seconds)).toFixed(2),
  );
  row(
    'archive data files: peak memory MB',
    String(data.peakMb),
    `${naive.peakMb} in-memory`,
    (data.peakMb / naive.peakMb).toFixed(2),
  );
  if (!largeFile) return;
  const big = child('package', largeFile, 'data');
  row(
    `archive data files, university (${big.records.toLocaleString('en-US')} records): s`,
    big.seconds.toFixed(1),
    '',
    '',
  );
  row('archive data files, university: MB/s', (mb(big.bytesIn) / big.seconds).toFixed(1), '', '');
  const bigNaive = child('naive', largeFile);
  row(
    'archive data files, university: peak memory MB',
    String(big.peakMb),
    `${bigNaive.peakMb} in-memory`,
    (big.peakMb / bigNaive.peakMb).toFixed(2),
  );
}
