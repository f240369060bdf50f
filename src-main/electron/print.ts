import { BrowserWindow } from 'electron';
import { pathToFileURL } from 'node:url';

/**
 * The system print dialog for a printed journal: the PDF opens in a hidden window with Chromium's PDF
 * viewer (no preload, no Node, sandboxed) and is printed from there. Electron 32+ prints PDF documents
 * correctly (electron/electron#43309, "blank page when printing pdf").
 */
export function printPdfFile(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const win = new BrowserWindow({
      show: false,
      webPreferences: { plugins: true, sandbox: true, contextIsolation: true, nodeIntegration: false },
    });
    const done = (ok: boolean) => {
      if (!win.isDestroyed()) win.destroy();
      resolve(ok);
    };
    win.webContents.once('did-fail-load', () => done(false));
    win.webContents.once('did-finish-load', () => {
      win.webContents.print({ silent: false, printBackground: true }, (success) => done(success));
    });
    win.loadURL(pathToFileURL(file).href).catch(() => done(false));
  });
}
