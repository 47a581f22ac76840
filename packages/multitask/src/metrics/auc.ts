import { ShapeError } from '@mtl/tensor';
import { classificationPairs, type MaskOptions, type MetricInput, metricOptions } from './validate';

/**
 * Area under the ROC curve of binary scores: the probability that a random positive scores
 * higher than a random negative, ties counting one half.
 *
 * Computed exactly by the Mann–Whitney U statistic with average ranks for tied scores:
 * AUC = (R₊ − n₊(n₊+1)/2) / (n₊·n₋), R₊ the sum of the positives' ranks — the same value as
 * scikit-learn's `roc_auc_score`. Only the order of the scores matters, so logits and
 * probabilities give the same AUC. `prediction` holds one score per sample, `target` 0/1 in the
 * same shape (size-1 dims aside, so `[N, 1]` scores are binary here); multiclass `[N, C]` scores
 * (C ≥ 2) are refused.
 *
 * Samples whose target is NaN, or that `mask` marks 0, are left out. AUC is undefined when the
 * labelled targets hold only one class (or none): the result is then NaN (scikit-learn raises),
 * so a small validation split reports "no value" rather than throwing mid-training.
 *
 * @throws ShapeError naming `auc` and both shapes on a mismatch or for `[N, C]` scores with
 *   C ≥ 2 (`[N, 1]` scores are read as binary); ValueError for an argument that is not a Tensor
 *   or an array of numbers, an unknown option, a target other than 0/1 or a NaN prediction.
 */
export function auc(prediction: MetricInput, target: MetricInput, options: MaskOptions = {}): number {
  const { mask } = metricOptions<MaskOptions>('auc', options, ['mask']);
  const pairs = classificationPairs('auc', prediction, target, mask, false, true);
  if (pairs.kind === 'multiclass') {
    throw new ShapeError(
      `auc: only binary scores are supported — prediction is [N,C] scores with C=${pairs.classes} ` +
        '(compute a one-vs-rest AUC per class column)',
    );
  }
  const { score, label } = pairs;
  const n = label.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += label[i]!;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    score[a]! < score[b]! ? -1 : score[a]! > score[b]! ? 1 : 0,
  );
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && score[order[end]!] === score[order[start]!]) end++;
    // Ranks start..end-1 (1-based start+1..end) share their mean.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (label[order[k]!] === 1) rankSum += rank;
    start = end;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
