import { formatValue, mustBe, ValueError } from '@mtl/tensor';
import { checkOptions } from './check';
import { checkDataset, type MultiTaskDataset } from './MultiTaskDataset';
import { type RandomSource, resolveGenerator } from './resolveGenerator';

/** Options of {@link trainValTestSplit}. */
export interface TrainValTestSplitOptions extends RandomSource {
  /** Fractions of the samples in train, validation and test: three numbers ≥ 0 summing to 1. Default [0.6, 0.2, 0.2]. */
  fractions?: readonly [number, number, number];
  /**
   * A binary or multiclass task whose classes should keep their proportions in every part.
   * Samples missing that label form a stratum of their own.
   */
  stratifyBy?: string;
}

/** The three parts of a split, and the dataset rows each holds (ascending). */
export interface TrainValTestSplit {
  train: MultiTaskDataset;
  validation: MultiTaskDataset;
  test: MultiTaskDataset;
  indices: { train: Int32Array; validation: Int32Array; test: Int32Array };
}

const SUM_TOLERANCE = 1e-9;

/**
 * Splits a dataset at random into train, validation and test parts. Part sizes are the
 * fractions of N rounded by largest remainder, so they always add up to N (ties go to the
 * earlier part). Seeded like everything random here: `seed` (a fresh generator), `generator`
 * (advanced by the draws) or else the default generator; the same seed gives the same split.
 *
 * With `stratifyBy`, the samples are grouped by that task's label (int32 class, or float 0/1;
 * a missing label is one more group) and each group is split in the fractions, with the
 * rounding spread over groups so the part sizes are still exactly those above; every class then
 * has its proportion in each part up to one sample.
 *
 * Parts may be empty (a fraction of 0, or a tiny dataset); a `DataLoader` refuses an empty part.
 *
 * @throws ValueError for a dataset that is not a MultiTaskDataset, an unknown option, fractions
 *   that are not three numbers ≥ 0 summing to 1, a stratifyBy that is not a task of the dataset, or a stratifying task whose labels are not classes (a float label other than 0, 1, NaN)
 */
export function trainValTestSplit(
  dataset: MultiTaskDataset,
  options: TrainValTestSplitOptions = {},
): TrainValTestSplit {
  const op = 'trainValTestSplit';
  checkDataset(op, dataset);
  const checked = checkOptions(op, 'options', options, ['fractions', 'stratifyBy', 'generator', 'seed']);
  const fractions = (checked.fractions ?? [0.6, 0.2, 0.2]) as readonly number[];
  const stratifyBy = checked.stratifyBy;
  if (stratifyBy !== undefined && typeof stratifyBy !== 'string') {
    throw new ValueError(mustBe(op, 'stratifyBy', 'a task name', stratifyBy));
  }
  checkFractions(fractions);
  const generator = resolveGenerator(op, checked as RandomSource);
  const strata = stratifyBy === undefined ? [allRows(dataset.length)] : strataOf(dataset, stratifyBy);
  const counts = allocate(
    strata.map((s) => s.length),
    largestRemainder(dataset.length, fractions),
    fractions,
  );
  const parts: number[][] = [[], [], []];
  strata.forEach((rows, s) => {
    const order = generator.permutation(rows.length);
    let at = 0;
    for (let p = 0; p < 3; p++) {
      for (let k = 0; k < counts[s]![p]!; k++) parts[p]!.push(rows[order[at++]!]!);
    }
  });
  const [train, validation, test] = parts.map((rows) => Int32Array.from(rows).sort()) as [
    Int32Array,
    Int32Array,
    Int32Array,
  ];
  return {
    train: dataset.subset(train),
    validation: dataset.subset(validation),
    test: dataset.subset(test),
    indices: { train, validation, test },
  };
}

function checkFractions(fractions: readonly number[]): void {
  const shown = Array.isArray(fractions)
    ? `[${fractions.map((f) => formatValue(f)).join(', ')}]`
    : formatValue(fractions);
  if (
    !Array.isArray(fractions) ||
    fractions.length !== 3 ||
    !fractions.every((f) => typeof f === 'number' && Number.isFinite(f) && f >= 0)
  ) {
    throw new ValueError(
      `trainValTestSplit: fractions must be three numbers >= 0 (train, validation, test) — got ${shown}`,
    );
  }
  const total = fractions[0]! + fractions[1]! + fractions[2]!;
  if (Math.abs(total - 1) > SUM_TOLERANCE) {
    throw new ValueError(`trainValTestSplit: fractions must sum to 1 — got ${shown}, which sums to ${total}`);
  }
}

function allRows(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The rows of each class of `task`, classes in ascending order, missing labels last. */
function strataOf(dataset: MultiTaskDataset, task: string): number[][] {
  if (!dataset.tasks.includes(task)) {
    throw new ValueError(
      `trainValTestSplit: stratifyBy names no task of the dataset — got "${task}", the tasks are ` +
        `${dataset.tasks.map((t) => `"${t}"`).join(', ') || '(none)'}`,
    );
  }
  const y = dataset.label(task);
  if (y.size !== dataset.length) {
    throw new ValueError(
      `trainValTestSplit: stratifyBy needs one label per sample — task "${task}" has labels of shape [${y.shape.join(',')}]`,
    );
  }
  const groups = new Map<number, number[]>();
  const missing: number[] = [];
  for (let i = 0; i < y.size; i++) {
    const v = y.data[i]!;
    if (y.dtype === 'int32' ? v < 0 : Number.isNaN(v)) {
      missing.push(i);
      continue;
    }
    if (y.dtype !== 'int32' && v !== 0 && v !== 1) {
      throw new ValueError(
        `trainValTestSplit: cannot stratify by task "${task}": label ${v} at row ${i} is not a class ` +
          '(stratify by a binary task, float 0/1/NaN, or a multiclass task, int32)',
      );
    }
    const rows = groups.get(v);
    if (rows === undefined) groups.set(v, [i]);
    else rows.push(i);
  }
  const strata = [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, rows]) => rows);
  if (missing.length > 0) strata.push(missing);
  return strata;
}

/** Integer sizes of n·fractions summing to n: floors, then +1 to the largest remainders. */
function largestRemainder(n: number, fractions: readonly number[]): number[] {
  const ideal = fractions.map((f) => n * f);
  const counts = ideal.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const byRemainder = ideal
    .map((x, p) => [x - Math.floor(x), p] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, p] of byRemainder) {
    if (left <= 0) break;
    counts[p]!++;
    left--;
  }
  return counts;
}

/**
 * Per stratum, how many of its rows go to each part: the floor of its share, then the rounding
 * units handed out by largest remainder subject to each stratum's size and each part's total —
 * a small transportation problem. Greedy by remainder (at most +1 per cell) first; whatever the
 * greedy pass could not place goes to any stratum and part that still have room, which always
 * closes because row totals and column totals have the same sum.
 */
function allocate(
  sizes: readonly number[],
  totals: readonly number[],
  fractions: readonly number[],
): number[][] {
  const counts = sizes.map((size) => fractions.map((f) => Math.floor(size * f)));
  const rowLeft = sizes.map((size, s) => size - counts[s]!.reduce((a, b) => a + b, 0));
  const colLeft = totals.map((total, p) => total - counts.reduce((a, row) => a + row[p]!, 0));
  const cells: [number, number, number][] = [];
  sizes.forEach((size, s) => {
    fractions.forEach((f, p) => {
      cells.push([size * f - Math.floor(size * f), s, p]);
    });
  });
  cells.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
  for (const [, s, p] of cells) {
    if (rowLeft[s]! > 0 && colLeft[p]! > 0) {
      counts[s]![p]!++;
      rowLeft[s]!--;
      colLeft[p]!--;
    }
  }
  for (let s = 0; s < sizes.length; s++) {
    for (let p = 0; p < 3 && rowLeft[s]! > 0; p++) {
      const k = Math.min(rowLeft[s]!, Math.max(colLeft[p]!, 0));
      counts[s]![p]! += k;
      rowLeft[s]! -= k;
      colLeft[p]! -= k;
    }
  }
  return counts;
}
