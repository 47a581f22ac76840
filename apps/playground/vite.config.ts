import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

/** The web page: built from web/ into dist/, with the @mtl packages read from their sources. */
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  resolve: { conditions: ['@mtl/source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { outDir: fileURLToPath(new URL('./dist', import.meta.url)), emptyOutDir: true, target: 'es2022' },
  server: { port: 5173 },
  preview: { port: 4173 },
});
