import { homedir } from 'node:os';
import { join } from 'node:path';

/** The product name, which is also the name of the user-data folder (as Electron names it). */
export const PRODUCT_NAME = 'AVN Desk';

/**
 * The user's data folder, the same one Electron's app.getPath('userData') gives for this product, so
 * the desktop, web mode and the CLI share one replica. AVN_DESK_HOME overrides it.
 */
export function userDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.AVN_DESK_HOME) return env.AVN_DESK_HOME;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

/** The app's own replica. */
export function defaultReplicaPath(): string {
  return join(userDataDir(), 'replica.db');
}
