import {
  type BinaryDecisionOptions,
  classificationPairs,
  decisionThreshold,
  type MaskOptions,
  type MetricInput,
  metricOptions,
} from './validate';

/** Options of {@link accuracy}. */
export interface AccuracyOptions extends MaskOptions, BinaryDecisionOptions {}

/**
 * Fraction of labelled samples classified correctly.
 *
 * - Binary: `prediction` holds one score per sample — logits by default, counted positive when
 *   `> 0`; with `{ from: 'probabilities' }` values in [0, 1], positive when `> 0.5` (`threshold`
 *   overrides either) — and `target` holds 0/1 in the same shape (size-1 dims aside).
 * - Multiclass: `prediction` is `[N, C]` scores (logits or probabilities alike) whose argmax
 *   (the first on ties) is compared with `target`, `[N]` integer class indices. C = 1 counts
 *   too — a one-class problem, every argmax 0 — so `[N, 1]` scores against `[N]` targets are
 *   multiclass; binary `[N, 1]` logits go with `[N, 1]` targets, or reshaped to `[N]`.
 *
 * The Trainer passes binary outputs as `[N]` and multiclass outputs as `[N, C]`.
 *
 * Samples whose target is NaN, or that `mask` marks 0, are left out; NaN when none is labelled.
 *
 * @throws ShapeError naming `accuracy` and both shapes on a mismatch; ValueError for an argument
 *   that is not a Tensor or an array of numbers, a bad or unknown option, a binary target other
 *   than 0/1, a probability outside [0, 1] or a NaN prediction; IndexError for a class index
 *   outside [0, C).
 */
export function accuracy(
  prediction: MetricInput,
  target: MetricInput,
  options: AccuracyOptions = {},
): number {
  const checked = metricOptions<AccuracyOptions>('accuracy', options, ['mask', 'from', 'threshold']);
  const threshold = decisionThreshold('accuracy', checked);
  const pairs = classificationPairs(
    'accuracy',
    prediction,
    target,
    checked.mask,
    checked.from === 'probabilities',
  );
  let correct = 0;
  let n: number;
  if (pairs.kind === 'binary') {
    n = pairs.label.length;
    for (let i = 0; i < n; i++) if (pairs.score[i]! > threshold === (pairs.label[i] === 1)) correct++;
  } else {
    n = pairs.label.length;
    for (let i = 0; i < n; i++) if (pairs.predicted[i] === pairs.label[i]) correct++;
  }
  return n === 0 ? Number.NaN : correct / n;
}
