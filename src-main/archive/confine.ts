import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../src-shared/contract/errors';

/**
 * Confined package paths (issue 14, item 3). Through the API (web mode over HTTP, the desktop's IPC) a
 * package file is named only by its *name* in the app's archive folder — resolved there and checked
 * with realpath to still be a plain file directly inside it, so `../`, an absolute path or a symlink in
 * the folder pointing out are refused alike — or by a one-time grant of a file the person chose in the
 * desktop's own file dialog (never a path a client sends). The CLI, a local operator on their own
 * files, keeps taking paths.
 */

/** The real path of the folder (made when missing for writing). */
function realFolder(folder: string, make: boolean): string | null {
  if (make) mkdirSync(folder, { recursive: true });
  try {
    return realpathSync(folder);
  } catch {
    return null;
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.zip$/;

function checkName(name: string): void {
  // The contract validates names already; this guards every other caller of the module.
  if (!NAME.test(name) || name.includes('..')) throw new AppError('PATH_REFUSED');
}

/**
 * The package `name` in `folder`, to read: a plain file directly inside the folder once every symlink
 * is resolved. NOT_FOUND when there is none; PATH_REFUSED for anything that leads elsewhere.
 */
export function packageToRead(folder: string, name: string): string {
  checkName(name);
  const root = realFolder(folder, false);
  if (!root) throw new AppError('NOT_FOUND', {}, 'name');
  let real: string;
  try {
    real = realpathSync(join(root, name));
  } catch {
    // A dangling symlink is refused like any other that leads out; nothing is there otherwise.
    let link = false;
    try {
      link = lstatSync(join(root, name)).isSymbolicLink();
    } catch {
      link = false;
    }
    if (link) throw new AppError('PATH_REFUSED');
    throw new AppError('NOT_FOUND', {}, 'name');
  }
  if (dirname(real) !== root || !statSync(real).isFile()) throw new AppError('PATH_REFUSED');
  return real;
}

/**
 * Where a new package named `name` goes in `folder`: never over an existing file (or a symlink, even a
 * dangling one) — FILE_EXISTS. The writer still creates it without overwriting (a race is refused too).
 */
export function packageToWrite(
  folder: string,
  name: string,
  reserved: ReadonlySet<string> = new Set(),
): string {
  const root = writableFolder(folder, name);
  const target = join(root, name);
  if (exists(target) || reserved.has(target)) throw new AppError('FILE_EXISTS', {}, 'name');
  return target;
}

/**
 * A name in `folder` not taken yet — by a file, or by a package still being written (`reserved`):
 * `name`, else `name-2.zip`, `name-3.zip`…
 */
export function freshPackage(
  folder: string,
  name: string,
  reserved: ReadonlySet<string> = new Set(),
): string {
  const root = writableFolder(folder, name);
  const stem = name.slice(0, -'.zip'.length);
  for (let n = 1; ; n++) {
    const target = join(root, n === 1 ? name : `${stem}-${n}.zip`);
    if (!exists(target) && !reserved.has(target)) return target;
  }
}

/** The real path of the folder a new package named `name` goes in (made if missing). */
function writableFolder(folder: string, name: string): string {
  checkName(name);
  const root = realFolder(folder, true);
  if (!root) throw new AppError('PATH_REFUSED');
  return root;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The packages in the folder (plain files named *.zip, no symlinks), newest first. */
export function packagesIn(folder: string): string[] {
  const root = realFolder(folder, false);
  if (!root) return [];
  const out: Array<{ name: string; mtime: number }> = [];
  for (const name of readdirSync(root)) {
    if (!NAME.test(name) || name.includes('..')) continue;
    try {
      const s = lstatSync(join(root, name));
      if (s.isFile()) out.push({ name, mtime: s.mtimeMs });
    } catch {
      // Removed meanwhile.
    }
  }
  return out.sort((a, b) => b.mtime - a.mtime || (a.name < b.name ? -1 : 1)).map((x) => x.name);
}

/** What a grant allows: reading a chosen package, or writing a new one where the person said. */
export type GrantMode = 'open' | 'save';

type Grant = { path: string; mode: GrantMode; owner: number; until: number };

/** How long a dialog's choice stays valid. */
const GRANT_MS = 10 * 60_000;

/**
 * One-time grants of files chosen in the desktop's own dialog: the main process shows the dialog and
 * registers its result here, in-process; the client only ever holds the opaque token, and a token is
 * taken once, by the person it was made for, for what it was made for.
 */
export class FileGrants {
  private readonly grants = new Map<string, Grant>();

  issue(path: string, mode: GrantMode, owner: number, now: number): string {
    for (const [k, g] of this.grants) if (g.until < now) this.grants.delete(k);
    const token = randomBytes(18).toString('base64url');
    this.grants.set(token, { path, mode, owner, until: now + GRANT_MS });
    return token;
  }

  /** The path of a grant, used up; FILE_CHOICE_EXPIRED when it is unknown, spent, expired or not theirs. */
  take(token: string, mode: GrantMode, owner: number, now: number): string {
    const path = this.peek(token, mode, owner, now);
    this.grants.delete(token);
    return path;
  }

  /** The path of a grant, left usable (see `take`); `drop` or `take` spends it later. */
  peek(token: string, mode: GrantMode, owner: number, now: number): string {
    const g = this.grants.get(token);
    if (!g || g.mode !== mode || g.owner !== owner || g.until < now)
      throw new AppError('FILE_CHOICE_EXPIRED');
    return g.path;
  }

  /** Spend a grant (whatever its state). */
  drop(token: string): void {
    this.grants.delete(token);
  }
}
