import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Builds the three Electron targets: main (ESM), the sandboxed preload (one CommonJS file: a sandboxed
// preload can only require 'electron') and the renderer, which web mode serves as well.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          main: resolve(import.meta.dirname, 'src-main/electron/main.ts'),
          // Batch printing and archive packages run in worker threads with their own heap limit
          // (src-main/jobs/worker-job.ts).
          'print-worker': resolve(import.meta.dirname, 'src-main/print/worker.ts'),
          'archive-worker': resolve(import.meta.dirname, 'src-main/archive/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve(import.meta.dirname, 'src-main/electron/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') } },
    },
  },
});
