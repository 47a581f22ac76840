import {
  type BinaryDecisionOptions,
  classificationPairs,
  decisionThreshold,
  type MaskOptions,
  type MetricInput,
} from './validate';

/** Options of {@link accuracy}. */
export interface AccuracyOptions extends MaskOptions, BinaryDecisionOptions {}

/**
 * Fraction of labelled samples classified correctly.
 *
 * - Binary: `prediction` holds one score per sample — logits by default, counted positive when
 *   `> 0`; with `{ from: 'probabilities' }` values in [0, 1], positive when `> 0.5` (`threshold`
 *   overrides either) — and `target` holds 0/1 in the same shape (size-1 dims aside).
 * - Multiclass: `prediction` is `[N, C]` scores (C ≥ 2, logits or probabilities alike) whose
 *   argmax (the first on ties) is compared with `target`, `[N]` integer class indices.
 *
 * Samples whose target is NaN, or that `mask` marks 0, are left out; NaN when none is labelled.
 *
 * @throws ShapeError naming `accuracy` and both shapes on a mismatch; ValueError for a binary
 *   target other than 0/1, a probability outside [0, 1] or a NaN prediction; IndexError for a
 *   class index outside [0, C).
 */
export function accuracy(
  prediction: MetricInput,
  target: MetricInput,
  options: AccuracyOptions = {},
): number {
  const threshold = decisionThreshold('accuracy', options);
  const pairs = classificationPairs(
    'accuracy',
    prediction,
    target,
    options.mask,
    options.from === 'probabilities',
  );
  let correct = 0;
  let n: number;
  if (pairs.kind === 'binary') {
    n = pairs.label.length;
    for (let i = 0; i < n; i++) if (pairs.score[i] > threshold === (pairs.label[i] === 1)) correct++;
  } else {
    n = pairs.label.length;
    for (let i = 0; i < n; i++) if (pairs.predicted[i] === pairs.label[i]) correct++;
  }
  return n === 0 ? Number.NaN : correct / n;
}
