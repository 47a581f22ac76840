import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { serveDatasets } from './src/serveDatasets';

/** The Fashion-MNIST and MNIST files at /datasets/…, for the image datasets (dev server and preview). */
const datasets: Plugin = {
  name: 'mtl-datasets',
  configureServer: (server) => {
    server.middlewares.use(serveDatasets);
  },
  configurePreviewServer: (server) => {
    server.middlewares.use(serveDatasets);
  },
};

/** The web page: built from web/ into dist/, with the @mtl packages read from their sources. */
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  plugins: [datasets],
  resolve: { conditions: ['@mtl/source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { outDir: fileURLToPath(new URL('./dist', import.meta.url)), emptyOutDir: true, target: 'es2022' },
  server: { port: 5173 },
  preview: { port: 4173 },
});
