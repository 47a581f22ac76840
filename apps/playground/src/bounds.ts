/** The numeric limits of an experiment config (shared by the parser and the data preparation). */

/**
 * The bounds of every numeric config field: generous for real use, small enough that every run
 * finishes (and fits in memory) — `epochs: 1e15` or a million-wide layer is refused up front.
 */
export const BOUNDS = {
  /** Characters of `name` (it becomes a file name: also at most 200 UTF-8 bytes). */
  name: 100,
  epochs: 100_000,
  batchSize: 65_536,
  seeds: 100,
  /** Seed values are integers 0 … 2³² − 1. */
  seedValue: 4_294_967_295,
  hiddenLayers: 16,
  width: 4_096,
  experts: 64,
  levels: 8,
  stepSize: 100_000,
  tasks: 64,
  samples: 1_000_000,
  /** features / inputDim / outputDim / factors of the synthetic datasets. */
  dimension: 4_096,
  /** samples × (features + labels) of a synthetic dataset. */
  cells: 2 ** 25,
  /** Parameters of the model built for the data (checked once the input size is known). */
  parameters: 2 ** 24,
  /** Feature columns of a data file. */
  featureColumns: 4_096,
  /** Characters of a path or a column name. */
  text: 1_000,
  /** Images of the official training and test files (MultiFashion, MultiMNIST). */
  trainImages: 60_000,
  testImages: 10_000,
  /** |value| of a method option (seeds and counts such as maxIter must stay runnable). */
  methodOption: 1_000_000,
  /** Values per swept field, and random-search samples. */
  sweepSettings: 1_000,
  /** Nesting of the config's JSON (the real config is at most 5 levels deep). */
  depth: 16,
} as const;
