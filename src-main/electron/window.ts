import { BrowserWindow, shell, type WebContents } from 'electron';
import { fileURLToPath } from 'node:url';

/** The renderer's entry file in the built app. */
export const RENDERER_INDEX = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../preload/preload.cjs', import.meta.url));

/**
 * The hardened main window (Electron security checklist): context isolation, sandbox, no Node in the
 * renderer, no navigation away from the app, no new windows (external links open in the browser).
 * The CSP is in index.html's meta tag, which both the desktop and web mode serve.
 */
export function createMainWindow(title: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title,
    show: false,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  harden(win.webContents);
  win.once('ready-to-show', () => win.show());
  void win.loadFile(RENDERER_INDEX);
  return win;
}

function harden(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}
