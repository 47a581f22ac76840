/**
 * Loads an image dataset once for all the runs of a Start, in a worker of its own: the library
 * builds the canvases of a whole file (60,000 for training: seconds, and hundreds of MB while it
 * does), too much to repeat in every run's worker. Posts the subset the config uses.
 */
import { DatasetError } from '@mtl/multitask';
import type { ExperimentConfig } from '../src/config';
import { type ImageFolders, loadImages, type PackedImages, packImages } from '../src/images';

export interface ToImageLoader {
  config: ExperimentConfig;
  /** Folder URLs of the IDX files. */
  folders: ImageFolders;
  /** Folder URLs served by the page's own server, which says (with the library's message) when files are missing. */
  served: string[];
}

export type FromImageLoader = { type: 'loaded'; images: PackedImages } | { type: 'error'; message: string };

const post = (message: FromImageLoader, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(message, transfer);

self.onmessage = async (event: MessageEvent<ToImageLoader>) => {
  const { config, folders, served } = event.data;
  try {
    for (const url of served) await checkServed(url);
    const images = packImages(await loadImages(config, folders));
    post({ type: 'loaded', images }, [
      images.features.data.buffer,
      ...Object.values(images.labels).map((l) => l.buffer),
    ]);
  } catch (error) {
    // A DatasetError's message says how to get the files; anything else is named by its type.
    const message =
      error instanceof DatasetError
        ? error.message
        : error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error);
    post({ type: 'error', message });
  }
};

/** The page's server answers a dataset folder with 404 and the library's message when its files are missing. */
async function checkServed(url: string): Promise<void> {
  const response = await fetch(url).catch(() => null);
  if (response?.status === 404 && response.headers.get('x-mtl-dataset-error') !== null)
    throw new DatasetError(await response.text());
}
