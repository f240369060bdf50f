import { closeSync, openSync, statSync, writeSync } from 'node:fs';

/**
 * Damage a closed replica file as a failing disk would: overwrite a run of bytes in the middle of it
 * (several pages of b-tree nodes) with garbage. The file's header stays, so SQLite still opens it.
 */
export function damageMiddle(file: string, bytes = 64 * 1024): void {
  const size = statSync(file).size;
  const at = Math.floor(size / 2 / 4096) * 4096;
  const garbage = Buffer.alloc(Math.min(bytes, size - at), 0xa5);
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, garbage, 0, garbage.length, at);
  } finally {
    closeSync(fd);
  }
}
