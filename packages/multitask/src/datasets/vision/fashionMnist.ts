import { FASHION_MNIST, loadMnistFormat, MNIST, type MnistOptions, type MnistSplit } from './mnistFiles';

/**
 * A split of Fashion-MNIST (Xiao, Rasul & Vollgraf 2017; MIT licence): 28×28 grey images of 10
 * kinds of clothing, 60,000 for training and 10,000 for testing, read from the four official IDX
 * files. Nothing is bundled: see {@link MnistOptions.dir} for where the files are looked for; if
 * they are nowhere, the `DatasetError` says how to get them (on Debian and Ubuntu:
 * `sudo apt-get install dataset-fashion-mnist`).
 *
 * @example
 * const { images, labels, classes } = await fashionMnist({ split: 'test' });
 * // images: float32 [10000, 1, 28, 28] in [0, 1]; labels: int32 [10000]; classes[labels[0]]
 */
export function fashionMnist(options?: MnistOptions): Promise<MnistSplit> {
  return loadMnistFormat(FASHION_MNIST, options);
}

/** A split of MNIST's handwritten digits, read like {@link fashionMnist} (no Debian package). */
export function mnist(options?: MnistOptions): Promise<MnistSplit> {
  return loadMnistFormat(MNIST, options);
}
