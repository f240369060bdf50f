import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../src-main/demo/generate';

/**
 * Start `src-main/web.ts` as a child process on a fresh tiny demo replica, exactly as `npm run web`
 * does after building, and read the address it prints.
 */
export type WebMode = { url: string; dbPath: string; stop(): Promise<void> };

export async function startWebMode(): Promise<WebMode> {
  const dir = mkdtempSync(join(tmpdir(), 'avn-e2e-'));
  const dbPath = join(dir, 'replica.db');
  generateDemo(dbPath, { scale: 'tiny' });
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/web.ts', '--db', dbPath, '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode did not start: ${stderr}`)), 30_000);
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`web mode exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    dbPath,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
