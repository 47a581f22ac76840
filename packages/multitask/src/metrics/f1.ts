import { checkChoice } from '@mtl/tensor';
import {
  type BinaryDecisionOptions,
  classificationPairs,
  decisionThreshold,
  type MaskOptions,
  type MetricInput,
  metricOptions,
} from './validate';

/** Options of {@link f1}. */
export interface F1Options extends MaskOptions, BinaryDecisionOptions {
  /**
   * How multiclass per-class F1 scores combine (binary F1 ignores it). `'macro'` (the default):
   * their plain mean. `'micro'`: F1 of the pooled counts, which for single-label data equals
   * accuracy. `'weighted'`: their mean weighted by each class's count in the labelled targets.
   */
  average?: 'macro' | 'micro' | 'weighted';
  /**
   * Macro-F1 over classes absent from both the labelled targets and the predictions, whose F1 is
   * 0/0. `'zero'` (the default): they score 0 and count in the mean, as scikit-learn's
   * `f1_score(y, p, labels=range(C), average='macro', zero_division=0)`. `'ignore'`: they are left
   * out, as scikit-learn without `labels` (and torchmetrics).
   */
  absentClasses?: 'zero' | 'ignore';
}

/** 2·TP / (2·TP + FP + FN), with 0/0 read as 0 (scikit-learn's zero_division=0). */
function score(tp: number, fp: number, fn: number): number {
  const denominator = 2 * tp + fp + fn;
  return denominator === 0 ? 0 : (2 * tp) / denominator;
}

/**
 * F1 score, the harmonic mean of precision and recall: 2·TP / (2·TP + FP + FN).
 *
 * - Binary: F1 of the positive class (1). Predictions are read as in {@link accuracy} (logits
 *   positive when `> 0` by default; `{ from: 'probabilities' }` when `> 0.5`; `threshold`
 *   overrides). With no positive among the targets or the predictions, F1 is 0/0, read as 0
 *   (scikit-learn's zero_division=0).
 * - Multiclass: `[N, C]` scores against `[N]` class indices (C = 1 included, as in
 *   {@link accuracy}); per-class F1 (one-vs-rest on the
 *   argmax) combined by `average` (`'macro'` by default). A class absent from both the labelled
 *   targets and the predictions scores 0 and counts in the macro mean (zero_division=0 over all
 *   C classes), unless `absentClasses: 'ignore'`; see {@link F1Options}.
 *
 * Samples whose target is NaN, or that `mask` marks 0, are left out; NaN when none is labelled.
 *
 * @throws ShapeError naming `f1` and both shapes on a mismatch; ValueError for an argument that
 *   is not a Tensor or an array of numbers, a bad or unknown option, a
 *   binary target other than 0/1, a probability outside [0, 1] or a NaN prediction; IndexError
 *   for a class index outside [0, C).
 */
export function f1(prediction: MetricInput, target: MetricInput, options: F1Options = {}): number {
  const checked = metricOptions<F1Options>('f1', options, [
    'mask',
    'from',
    'threshold',
    'average',
    'absentClasses',
  ]);
  const average = checkChoice('f1', 'average', checked.average, ['macro', 'micro', 'weighted'], 'macro');
  const absent = checkChoice('f1', 'absentClasses', checked.absentClasses, ['zero', 'ignore'], 'zero');
  const threshold = decisionThreshold('f1', checked);
  const pairs = classificationPairs('f1', prediction, target, checked.mask, checked.from === 'probabilities');
  if (pairs.label.length === 0) return Number.NaN;
  if (pairs.kind === 'binary') {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < pairs.label.length; i++) {
      const positive = pairs.score[i]! > threshold;
      if (positive && pairs.label[i] === 1) tp++;
      else if (positive) fp++;
      else if (pairs.label[i] === 1) fn++;
    }
    return score(tp, fp, fn);
  }
  const { predicted, label, classes } = pairs;
  const tp = new Float64Array(classes);
  const fp = new Float64Array(classes);
  const fn = new Float64Array(classes);
  for (let i = 0; i < label.length; i++) {
    if (predicted[i] === label[i]) tp[label[i]!]!++;
    else {
      fp[predicted[i]!]!++;
      fn[label[i]!]!++;
    }
  }
  if (average === 'micro') {
    let sumTp = 0;
    let sumFp = 0;
    let sumFn = 0;
    for (let c = 0; c < classes; c++) {
      sumTp += tp[c]!;
      sumFp += fp[c]!;
      sumFn += fn[c]!;
    }
    return score(sumTp, sumFp, sumFn);
  }
  let sum = 0;
  let weight = 0;
  for (let c = 0; c < classes; c++) {
    const support = tp[c]! + fn[c]!;
    if (average === 'weighted') {
      sum += support * score(tp[c]!, fp[c]!, fn[c]!);
      weight += support;
    } else if (absent === 'zero' || tp[c]! + fp[c]! + fn[c]! > 0) {
      sum += score(tp[c]!, fp[c]!, fn[c]!);
      weight += 1;
    }
  }
  return sum / weight;
}
