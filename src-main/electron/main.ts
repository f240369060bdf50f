import { app, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { CallEnvelope } from '../../src-shared/contract/errors';
import { startBackend, type Backend } from '../boot';
import { PRODUCT_NAME, userDataDir } from '../paths';
import { archiveFolder } from '../archive/files';
import { pickPackageFile } from './dialog';
import { printPdfFile } from './print';
import { safeStorageCipher } from './secrets';
import { setupUpdater } from './updater';
import { createMainWindow, RENDERER_INDEX } from './window';

/**
 * The desktop entry: one composition root (boot.ts), one `api:call` channel to dispatch, `api:event`
 * for pushes. Calls are accepted only from our own renderer's main frame.
 */
const rendererUrl = pathToFileURL(RENDERER_INDEX).href;

function fromOurRenderer(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame === event.sender.mainFrame && frame.url.split('#')[0] === rendererUrl;
}

function start(): void {
  const { values } = parseArgs({
    args: process.argv.slice(app.isPackaged ? 1 : 2),
    options: { db: { type: 'string' } },
    strict: false,
  });
  app.setName(PRODUCT_NAME);
  app.setPath('userData', userDataDir());
  let backend: Backend | null = null;

  ipcMain.handle('api:call', async (event, envelope: CallEnvelope) => {
    if (!fromOurRenderer(event)) throw new Error('api:call from an unexpected frame');
    if (!backend) throw new Error('backend not started');
    return backend.dispatch(envelope);
  });

  void app.whenReady().then(() => {
    // No permission prompts: the app needs none of camera, location, notifications…
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    // The holder: a damaged replica opens in the damaged state (restore offer on the login screen), and
    // a restore swaps the replica behind the one `api:call` channel without restarting the app.
    const dbPath = typeof values.db === 'string' ? values.db : join(userDataDir(), 'replica.db');
    const b = startBackend({
      dbPath,
      secretsCipher: safeStorageCipher,
      printPdf: printPdfFile,
      pickFile: pickPackageFile(() => archiveFolder(dbPath)),
    });
    backend = b;
    b.startBackground();
    const win = createMainWindow(PRODUCT_NAME);
    b.events.subscribe((e) => {
      if (!win.isDestroyed()) win.webContents.send('api:event', e);
    });
    setupUpdater(() => b.backup('pre-update'));
  });

  app.on('window-all-closed', () => {
    backend?.close();
    app.quit();
  });
}

if (!app.requestSingleInstanceLock()) app.quit();
else start();
