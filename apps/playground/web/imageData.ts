/**
 * The page's image data: an image dataset is loaded once, in a worker of its own
 * (web/imageLoader.ts), and kept while the data part of the config is unchanged, so a second Start
 * (or Reset and Start) does not build the images again.
 */
import type { ExperimentConfig } from '../src/config';
import type { ImageFolders, PackedImages } from '../src/images';
import type { FromImageLoader, ToImageLoader } from './imageLoader';

/** Where this page's server serves the IDX files (src/serveDatasets.ts), relative to the page. */
const SERVED = { fashion: 'datasets/fashion-mnist/', mnist: 'datasets/mnist/' };

/** The last load, by the data part of its config. */
let imageCache: { key: string; images: Promise<PackedImages> } | null = null;

/**
 * The images of an image config: from the config's `dir` (a URL relative to the page) or this
 * page's server, which first says, with the library's message, when the files are missing.
 */
export function loadImageData(c: ExperimentConfig): Promise<PackedImages> {
  const key = JSON.stringify(c.data);
  if (imageCache?.key === key) return imageCache.images;
  const url = (path: string) => new URL(path, document.baseURI).href;
  const { dir, fashionDir } = c.data.options;
  // multiFashion reads Fashion-MNIST from `dir`; multiMnist and multiFashionMnist read MNIST from it.
  const fashionOnly = c.data.dataset === 'multiFashion';
  const folders: ImageFolders = {
    dir: url(dir ?? (fashionOnly ? SERVED.fashion : SERVED.mnist)),
    ...(c.data.dataset === 'multiFashionMnist' ? { fashionDir: url(fashionDir ?? SERVED.fashion) } : {}),
  };
  const served = [
    ...(dir === undefined ? [url(fashionOnly ? SERVED.fashion : SERVED.mnist)] : []),
    ...(c.data.dataset === 'multiFashionMnist' && fashionDir === undefined ? [url(SERVED.fashion)] : []),
  ];
  const images = new Promise<PackedImages>((resolve, reject) => {
    const loader = new Worker(new URL('./imageLoader.ts', import.meta.url), { type: 'module' });
    loader.onmessage = (e: MessageEvent<FromImageLoader>) => {
      loader.terminate();
      if (e.data.type === 'loaded') resolve(e.data.images);
      else reject(new Error(e.data.message));
    };
    loader.onerror = (e) => {
      loader.terminate();
      reject(new Error(e.message || 'the image loader failed'));
    };
    loader.postMessage({ config: c, folders, served } satisfies ToImageLoader);
  });
  imageCache = { key, images };
  // A failure is not kept: the next Start tries again (after the files were installed, say).
  images.catch(() => {
    if (imageCache?.images === images) imageCache = null;
  });
  return images;
}
