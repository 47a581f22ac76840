import { checkBoolean, checkInteger, type Generator, type Tensor, tensor, ValueError } from '@mtl/tensor';
import { checkOptions, ownEntries, taskRecord } from './check';
import { checkDataset, type MultiTaskDataset } from './MultiTaskDataset';
import { type RandomSource, resolveGenerator } from './resolveGenerator';

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions extends RandomSource {
  /** Samples per batch, a positive integer. */
  batchSize: number;
  /** Visit the samples in a new random order every epoch. Default false (dataset order). */
  shuffle?: boolean;
  /** Leave out the last batch when it has fewer than `batchSize` samples. Default false. */
  dropLast?: boolean;
}

/** One batch: the rows of the dataset at `indices`. */
export interface Batch {
  /** [B, F]. */
  features: Tensor;
  /** Per task, its B labels (same encodings as the dataset), in a null-prototype object. */
  labels: Record<string, Tensor>;
  /** Which dataset rows make up the batch, in batch order. */
  indices: Int32Array;
}

/**
 * Iterates over a {@link MultiTaskDataset} in batches, like `torch.utils.data.DataLoader`:
 * `for (const { features, labels } of loader) …` is one epoch.
 *
 * Shuffling and epochs: each `for … of` (each call of `[Symbol.iterator]()`) is one epoch and
 * draws one `generator.permutation(N)` at once, when the iterator is created — nothing else
 * touches the generator, and a loader without `shuffle` draws nothing. So a loader made with
 * `seed: s` gives the same sequence of epoch orders every time it is rebuilt, each epoch a new
 * order; with `generator` the draws come from (and advance) that generator, whose `getState()`
 * saves the position for resuming. With neither, the process-wide default generator is used.
 * The last batch is smaller when `batchSize` does not divide N, unless `dropLast`.
 */
export class DataLoader implements Iterable<Batch> {
  readonly dataset: MultiTaskDataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /** The generator the epoch orders are drawn from (undefined when not shuffling). */
  readonly generator: Generator | undefined;
  private epochsStarted = 0;

  /**
   * @throws ValueError for a dataset that is not a MultiTaskDataset or has no rows, options
   *   that are not an object with a `batchSize`, a batch size that is not a positive integer,
   *   non-boolean flags, an unknown option, a generator that is not a Generator, or both
   *   generator and seed
   */
  constructor(dataset: MultiTaskDataset, options: DataLoaderOptions) {
    const op = 'DataLoader';
    checkDataset(op, dataset);
    if (options === undefined) {
      throw new ValueError(`${op}: options must be given, at least { batchSize } — got undefined`);
    }
    const checked = checkOptions(op, 'options', options, [
      'batchSize',
      'shuffle',
      'dropLast',
      'generator',
      'seed',
    ]);
    const batchSize = checkInteger(op, 'batchSize', checked.batchSize, { min: 1, fix: 'e.g. batchSize: 32' });
    const shuffle = checkBoolean(op, 'shuffle', checked.shuffle, false);
    const dropLast = checkBoolean(op, 'dropLast', checked.dropLast, false);
    if (dataset.length === 0) {
      throw new ValueError(
        `${op}: the dataset has no rows, so an epoch would have no batches (check the split fractions ` +
          'and the data source)',
      );
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    // Resolved even when not shuffling, so that a bad seed or a generator-and-seed clash is caught.
    const generator = resolveGenerator(op, checked as RandomSource);
    this.generator = shuffle ? generator : undefined;
  }

  /** Number of batches per epoch: ⌈N / batchSize⌉, or ⌊N / batchSize⌋ with `dropLast`. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** How many epochs (iterators) have been started. */
  get epoch(): number {
    return this.epochsStarted;
  }

  /** One epoch of batches; a shuffling loader draws this epoch's order now (see the class note). */
  [Symbol.iterator](): Iterator<Batch> {
    const n = this.dataset.length;
    const order = this.generator ? this.generator.permutation(n) : identity(n);
    this.epochsStarted++;
    return this.batches(order);
  }

  private *batches(order: Int32Array): Generator_<Batch> {
    const { dataset, batchSize } = this;
    const count = this.length;
    for (let b = 0; b < count; b++) {
      const indices = order.slice(b * batchSize, Math.min((b + 1) * batchSize, order.length));
      const at = tensor(indices, { dtype: 'int32' });
      const labels = taskRecord(ownEntries(dataset.labels).map(([task, y]) => [task, y.indexSelect(0, at)]));
      yield { features: dataset.features.indexSelect(0, at), labels, indices };
    }
  }
}

// The built-in generator type, which @mtl/tensor's Generator class shadows in this file.
type Generator_<T> = globalThis.Generator<T, void, undefined>;

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
