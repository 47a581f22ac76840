import { IndexError, MtlError, ShapeError, tensor, ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { higherIsBetter } from '../src/index';
import { accuracy } from '../src/metrics/accuracy';
import { auc } from '../src/metrics/auc';
import { deltaM, withoutLoss } from '../src/metrics/deltaM';
import { f1 } from '../src/metrics/f1';
import { mae } from '../src/metrics/mae';
import { mse } from '../src/metrics/mse';
import { r2 } from '../src/metrics/r2';
import { rmse } from '../src/metrics/rmse';

describe('regression metrics', () => {
  // prediction [1, 2, 3, 4] vs target [2, 2, 5, 0]: errors −1, 0, −2, 4.
  const p = [1, 2, 3, 4];
  const y = [2, 2, 5, 0];

  it('mse, mae, rmse match hand-computed values', () => {
    expect(mse(p, y)).toBeCloseTo((1 + 0 + 4 + 16) / 4, 12); // 5.25
    expect(mae(p, y)).toBeCloseTo((1 + 0 + 2 + 4) / 4, 12); // 1.75
    expect(rmse(p, y)).toBeCloseTo(Math.sqrt(5.25), 12);
  });

  it('accepts tensors and arrays alike, [N,1] against [N]', () => {
    const pt = tensor([[1], [2], [3], [4]]);
    expect(mse(pt, y)).toBeCloseTo(5.25, 12);
    expect(mae(pt, tensor(y, { dtype: 'float32' }))).toBeCloseTo(1.75, 12);
    expect(rmse(Float64Array.from(p), tensor(y).reshape([1, 4]))).toBeCloseTo(Math.sqrt(5.25), 12);
  });

  it('r2 = 1 − SS_res/SS_tot', () => {
    // ȳ = 2.25; SS_tot = 0.0625 + 0.0625 + 7.5625 + 5.0625 = 12.75; SS_res = 21.
    expect(r2(p, y)).toBeCloseTo(1 - 21 / 12.75, 12);
    expect(r2(y, y)).toBe(1);
    // Predicting the mean scores 0.
    expect(r2([2.25, 2.25, 2.25, 2.25], y)).toBeCloseTo(0, 12);
  });

  it('r2 of a constant target: 1 if perfect, else 0; raw ratio with forceFinite: false', () => {
    expect(r2([3, 3, 3], [3, 3, 3])).toBe(1);
    expect(r2([3, 4, 3], [3, 3, 3])).toBe(0);
    expect(r2([3, 4, 3], [3, 3, 3], { forceFinite: false })).toBe(Number.NEGATIVE_INFINITY);
    expect(r2([3, 3, 3], [3, 3, 3], { forceFinite: false })).toBeNaN();
  });

  it('r2 of an [N,2] target averages per-column R²', () => {
    // Column 0: target [1,2,3], prediction [1,2,4] → SS_tot 2, SS_res 1 → 0.5.
    // Column 1: target [0,0,6], prediction [0,0,6] → 1. Mean 0.75.
    const pred = tensor([
      [1, 0],
      [2, 0],
      [4, 6],
    ]);
    const target = tensor([
      [1, 0],
      [2, 0],
      [3, 6],
    ]);
    expect(r2(pred, target)).toBeCloseTo(0.75, 12);
  });

  it('leaves out NaN targets and masked entries', () => {
    const yMissing = [2, Number.NaN, 5, 0];
    // Errors −1, −2, 4 remain.
    expect(mse(p, yMissing)).toBeCloseTo(21 / 3, 12);
    expect(mae(p, yMissing)).toBeCloseTo(7 / 3, 12);
    expect(mse(p, y, { mask: [true, false, true, true] })).toBeCloseTo(21 / 3, 12);
    expect(mae(p, y, { mask: tensor([1, 1, 1, 0]) })).toBeCloseTo(1, 12);
    // Targets [2, 5, 0] with ȳ = 7/3: SS_tot = 1/9 + 64/9 + 49/9 = 114/9; SS_res = 21.
    expect(r2(p, yMissing)).toBeCloseTo(1 - 21 / (114 / 9), 12);
    // A NaN prediction where the label is missing is fine.
    expect(mse([1, Number.NaN, 3, 4], yMissing)).toBeCloseTo(21 / 3, 12);
  });

  it('a [N] mask drops whole rows of an [N,D] target', () => {
    const pred = tensor([
      [1, 1],
      [5, 5],
    ]);
    const target = tensor([
      [0, 2],
      [0, 0],
    ]);
    expect(mse(pred, target, { mask: [1, 0] })).toBe(1);
  });

  it('is NaN with nothing labelled', () => {
    expect(mse([1, 2], [Number.NaN, Number.NaN])).toBeNaN();
    expect(rmse([1, 2], [1, 2], { mask: [0, 0] })).toBeNaN();
    expect(r2([1], [1])).toBeNaN();
  });

  it('errors name the metric and the shapes', () => {
    expect(() => mse(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => mse(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(
      'mse: target.shape must match prediction.shape — prediction.shape=[3], target.shape=[2]',
    );
    expect(() =>
      r2(
        tensor([[1, 2, 3, 4]]),
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toThrow(/r2: .*\[1,4\].*\[2,2\]/);
    expect(() => mae([1, 2], [1, 2], { mask: [1, 0, 1] })).toThrow(
      'mae: mask.shape must match target.shape (or be [N] for an [N,…] target) — mask.shape=[3], target.shape=[2]',
    );
    expect(() => mae([1, 2], [1, 2], { mask: [1, 2] })).toThrow(ValueError);
    expect(() => rmse([1, Number.NaN], [1, 2])).toThrow('rmse: prediction is NaN at [1]');
    expect(() => mse('abc' as never, [1])).toThrow(ValueError);
    expect(() => mse([[1], [2]] as never, [1, 2])).toThrow(/mse: prediction\[0\] must be a number.*nested/);
  });
});

describe('accuracy', () => {
  it('binary logits, threshold 0 by default (0 itself is negative)', () => {
    // Predicted [1, 0, 0, 1, 0] against [1, 0, 1, 0, 0]: 3 of 5.
    expect(accuracy([2, -1, 0, 0.5, -3], [1, 0, 1, 0, 0])).toBeCloseTo(0.6, 12);
  });

  it('binary probabilities with 0.5, and a custom threshold', () => {
    const probs = [0.9, 0.2, 0.6, 0.4];
    const y = [1, 0, 0, 1];
    expect(accuracy(probs, y, { from: 'probabilities' })).toBe(0.5); // [1,0,1,0]
    expect(accuracy(probs, y, { from: 'probabilities', threshold: 0.3 })).toBe(0.75); // [1,0,1,1]
    expect(accuracy(probs, y, { from: 'probabilities', threshold: 0.65 })).toBe(0.75); // [1,0,0,0]
    expect(accuracy(probs, y, { from: 'probabilities', threshold: 0.1 })).toBe(0.5); // all 1
    expect(accuracy([1.5, -2], [1, 0], { threshold: 1 })).toBe(1);
  });

  it('multiclass: argmax of [N,C] against class indices', () => {
    const scores = tensor([
      [0.1, 2.0, 0.3], // 1
      [3.0, 0.0, 0.0], // 0
      [0.0, 0.0, 1.0], // 2
      [1.0, 1.0, 0.0], // 0 (first max)
    ]);
    expect(accuracy(scores, tensor([1, 0, 1, 0], { dtype: 'int32' }))).toBe(0.75);
    expect(accuracy(scores, [1, 0, 2, 1])).toBe(0.75);
  });

  it('leaves out NaN targets and masked samples', () => {
    expect(accuracy([2, -1, 0, 0.5], [1, Number.NaN, 1, Number.NaN])).toBe(0.5);
    const scores = tensor([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(accuracy(scores, tensor([0, 0, 1], { dtype: 'int32' }), { mask: [true, false, true] })).toBe(1);
    expect(accuracy(scores, [Number.NaN, 0, 1])).toBe(0.5);
    expect(accuracy([1], [Number.NaN])).toBeNaN();
  });

  it('errors', () => {
    expect(() => accuracy(tensor([1, 2, 3]), tensor([1, 0]))).toThrow(
      /accuracy: target.shape must match prediction.shape — prediction.shape=\[3\], target.shape=\[2\]/,
    );
    const scores = tensor([
      [1, 0],
      [0, 1],
    ]);
    expect(() => accuracy(scores, scores)).toThrow(ShapeError);
    expect(() => accuracy(scores, scores)).toThrow(/one-hot targets pass argmax\(target, 1\)/);
    expect(() => accuracy(scores, [0, 2])).toThrow(IndexError);
    expect(() => accuracy(scores, [0, 2])).toThrow('accuracy: target[1]=2 is not a class index in [0, 2)');
    expect(() => accuracy([0.3, 2], [0, 1], { from: 'probabilities' })).toThrow(/pass \{ from: 'logits' \}/);
    expect(() => accuracy([0.3, 2], [0, 2])).toThrow(/binary target must be 0 or 1.*got 2 at \[1\]/);
    expect(() => accuracy([0.3], [1], { from: 'probabilities', threshold: 2 })).toThrow(ValueError);
    expect(() => accuracy([0.3], [1], { from: 'odds' as never })).toThrow(/from must be/);
  });
});

describe('f1', () => {
  it('binary F1 = 2TP/(2TP+FP+FN)', () => {
    // Logits → predicted [1, 1, 0, 0, 1]; target [1, 0, 1, 0, 1]: TP 2, FP 1, FN 1 → 4/6.
    expect(f1([3, 0.1, -2, -1, 5], [1, 0, 1, 0, 1])).toBeCloseTo(2 / 3, 12);
    expect(f1([0.9, 0.6, 0.2], [1, 0, 1], { from: 'probabilities' })).toBeCloseTo(0.5, 12); // TP1 FP1 FN1
    // No positive anywhere: 0/0 → 0 (zero_division=0).
    expect(f1([-1, -2], [0, 0])).toBe(0);
  });

  // Scores argmax to predicted [0, 1, 1, 0, 0] against target [0, 1, 0, 0, 1], C = 4.
  // Class 0: TP 2, FP 1, FN 1 → 4/6. Class 1: TP 1, FP 1, FN 1 → 2/4. Classes 2 and 3 never
  // appear in the targets or the predictions: F1 0/0.
  const scores = tensor([
    [5, 0, 0, 0],
    [0, 5, 0, 0],
    [0, 5, 0, 0],
    [5, 0, 0, 0],
    [5, 0, 0, 0],
  ]);
  const target = tensor([0, 1, 0, 0, 1], { dtype: 'int32' });

  it('macro-F1 with absent classes: zero_division=0 over all C classes by default', () => {
    expect(f1(scores, target)).toBeCloseTo((2 / 3 + 1 / 2 + 0 + 0) / 4, 12);
    expect(f1(scores, target, { average: 'macro', absentClasses: 'ignore' })).toBeCloseTo(
      (2 / 3 + 1 / 2) / 2,
      12,
    );
  });

  it('micro-F1 equals accuracy; weighted-F1 weights by support', () => {
    expect(f1(scores, target, { average: 'micro' })).toBeCloseTo(3 / 5, 12);
    expect(f1(scores, target, { average: 'micro' })).toBeCloseTo(accuracy(scores, target), 12);
    // Supports 3 and 2.
    expect(f1(scores, target, { average: 'weighted' })).toBeCloseTo((3 * (2 / 3) + 2 * 0.5) / 5, 12);
  });

  it('a class only in the predictions scores 0 and counts', () => {
    // Predicted [0, 2], target [0, 0]: class 0 TP1 FN1 → 2/3; class 1 absent → 0; class 2 FP1 → 0.
    const s = tensor([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(f1(s, [0, 0])).toBeCloseTo(2 / 3 / 3, 12);
    expect(f1(s, [0, 0], { absentClasses: 'ignore' })).toBeCloseTo(2 / 3 / 2, 12);
  });

  it('leaves out missing labels', () => {
    // Only samples 0, 2 and 4 remain: predicted [0, 1, 0], target [0, 0, 1]. Class 0: TP1 FP1 FN1 → 0.5;
    // class 1: FP1 FN1 → 0.
    expect(f1(scores, [0, Number.NaN, 0, Number.NaN, 1], { absentClasses: 'ignore' })).toBeCloseTo(0.25, 12);
    expect(f1([3, 0.1, -2], [1, 0, 1], { mask: [1, 0, 0] })).toBe(1);
    expect(f1([3], [Number.NaN])).toBeNaN();
  });

  it('errors', () => {
    expect(() => f1(scores, target, { average: 'samples' as never })).toThrow(/f1: average must be/);
    expect(() => f1(scores, [0, 1])).toThrow(/f1: .*prediction.shape=\[5,4\], target.shape=\[2\]/);
  });
});

describe('auc', () => {
  it('without ties', () => {
    // Positives score 0.35 and 0.8, negatives 0.1 and 0.4: of 4 pairs, 3 ordered right.
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([1, 2, 3], [0, 1, 1])).toBe(1);
    expect(auc([3, 2, 1], [0, 1, 1])).toBe(0);
  });

  it('with ties: average ranks, a tied pair counts one half', () => {
    // Scores [0.1, 0.4, 0.4, 0.8], target [0, 0, 1, 1]: ranks 1, 2.5, 2.5, 4; R₊ = 6.5;
    // AUC = (6.5 − 2·3/2)/(2·2) = 3.5/4 = 0.875 (pairs: 1 + 0.5 + 1 + 1).
    expect(auc([0.1, 0.4, 0.4, 0.8], [0, 0, 1, 1])).toBe(0.875);
    // All scores equal: 0.5.
    expect(auc([1, 1, 1, 1], [0, 1, 0, 1])).toBe(0.5);
    // Scores [1, 2, 2, 2, 3], target [0, 1, 0, 1, 1]: positives 2, 2, 3 against negatives 1, 2:
    // 2 vs 1 → 1, 2 vs 2 → ½ (twice: 2 positives at 2) …  = (1 + ½) + (1 + ½) + (1 + 1) = 5 of 6.
    expect(auc([1, 2, 2, 2, 3], [0, 1, 0, 1, 1])).toBeCloseTo(5 / 6, 12);
  });

  it('logits and probabilities give the same AUC; infinities sort', () => {
    const logits = [-2, 0.5, 0.5, 3, -1];
    const y = [0, 1, 0, 1, 1];
    const probs = logits.map((z) => 1 / (1 + Math.exp(-z)));
    expect(auc(logits, y)).toBeCloseTo(auc(probs, y), 12);
    expect(
      auc([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY], [0, 1, 0]),
    ).toBe(0.75);
  });

  it('masking, and NaN when one class is absent', () => {
    expect(auc([0.1, 0.9, 0.4, 0.8], [0, Number.NaN, 1, 1])).toBe(1);
    expect(auc([0.1, 0.9, 0.4, 0.8], [0, 0, 1, 1], { mask: [1, 0, 1, 1] })).toBe(1);
    expect(auc([0.1, 0.9], [1, 1])).toBeNaN();
    expect(auc([0.1, 0.9], [0, Number.NaN])).toBeNaN();
  });

  it('errors', () => {
    expect(() => auc(tensor([[0.1, 0.9]]), [1])).toThrow(ShapeError);
    expect(() => auc(tensor([[0.1, 0.9]]), [1])).toThrow(/auc: only binary scores/);
    expect(() => auc([0.1, 0.9], [1, 1, 0])).toThrow(/auc: .*prediction.shape=\[2\], target.shape=\[3\]/);
    expect(() => auc([0.1, Number.NaN], [0, 1])).toThrow(/auc: prediction is NaN at \[1\]/);
  });
});

describe('deltaM', () => {
  /*
   * Worked example: 2 tasks, 2 metrics each, mixed directions.
   *
   *   task a: accuracy ↑  B = 0.80, N = 0.84 → (−1)¹(0.80 − 0.84)/0.80 = +0.05
   *           mse      ↓  B = 2.0,  N = 2.5  → (−1)⁰(2.0 − 2.5)/2.0    = −0.25
   *           task mean (0.05 − 0.25)/2 = −0.10
   *   task b: f1       ↑  B = 0.50, N = 0.45 → (0.45 − 0.50)/0.50     = −0.10
   *           mae      ↓  B = 4.0,  N = 3.0  → (4.0 − 3.0)/4.0        = +0.25
   *           task mean (−0.10 + 0.25)/2 = +0.075
   *   Δm = 100% · (−0.10 + 0.075)/2 = −1.25%   (negative: worse than the baselines)
   *
   * Flat (CAGrad / Nash-MTL): −100% · (0.05 − 0.25 − 0.10 + 0.25)/4 = +1.25 (lower is better).
   */
  const baselines = { a: { accuracy: 0.8, mse: 2 }, b: { f1: 0.5, mae: 4 } };
  const results = { a: { accuracy: 0.84, mse: 2.5 }, b: { f1: 0.45, mae: 3 } };

  it('matches the worked example', () => {
    expect(deltaM(results, baselines)).toBeCloseTo(-1.25, 12);
    expect(deltaM(results, baselines, { convention: 'flat' })).toBeCloseTo(1.25, 12);
    expect(deltaM(baselines, baselines)).toBe(0);
    // What Δm compares: each task's metrics without its loss (Trainer.evaluate reports both).
    const evaluated = { a: { loss: 0.3, accuracy: 0.8, mse: 2 }, b: { loss: 1, f1: 0.5, mae: 4 } };
    expect(withoutLoss(evaluated)).toEqual(baselines);
    expect(deltaM(withoutLoss(evaluated), baselines)).toBe(0);
  });

  it('libmtl averages per task; flat over all metrics', () => {
    /*
     * Task a: mse B = 1, N = 0.5 → +0.5. Task b: accuracy B = 0.5, N = 0.6 → +0.2;
     * rmse B = 2, N = 2.4 → −0.2; loss B = 1, N = 0.7 → +0.3; mean +0.1.
     * libmtl: 100·(0.5 + 0.1)/2 = 30. flat: −100·(0.5 + 0.2 − 0.2 + 0.3)/4 = −20.
     */
    const base = { a: { mse: 1 }, b: { accuracy: 0.5, rmse: 2, loss: 1 } };
    const res = { a: { mse: 0.5 }, b: { accuracy: 0.6, rmse: 2.4, loss: 0.7 } };
    expect(deltaM(res, base)).toBeCloseTo(30, 12);
    expect(deltaM(res, base, { convention: 'flat' })).toBeCloseTo(-20, 12);
  });

  it('directions are overridable by metric or task.metric, and default by normalised name', () => {
    const base = { t: { Score: 2 }, u: { Score: 2 } };
    const res = { t: { Score: 3 }, u: { Score: 3 } };
    expect(deltaM(res, base, { higherIsBetter: { Score: true } })).toBeCloseTo(50, 12);
    // u.Score is lower-is-better: +50 and −50 cancel.
    expect(deltaM(res, base, { higherIsBetter: { Score: true, 'u.Score': false } })).toBeCloseTo(0, 12);
    // Overriding a known name: accuracy treated as lower-is-better flips the sign.
    expect(deltaM(results, baselines, { higherIsBetter: { accuracy: false } })).toBeCloseTo(-3.75, 12);
    expect(deltaM({ t: { Macro_F1: 0.6, R2: 0.5 } }, { t: { Macro_F1: 0.5, R2: 0.5 } })).toBeCloseTo(10, 12);
  });

  it('exports the default directions as higherIsBetter (the Trainer and the playground use them)', () => {
    for (const metric of ['accuracy', 'f1', 'auc', 'r2', 'Macro_F1', 'mIoU'])
      expect(higherIsBetter(metric)).toBe(true);
    for (const metric of ['mse', 'mae', 'rmse', 'loss', 'NLL']) expect(higherIsBetter(metric)).toBe(false);
    expect(() => higherIsBetter('Score')).toThrow(
      /higherIsBetter: cannot tell whether higher is better for metric 'Score'/,
    );
  });

  it('divides by |B|, so a negative baseline keeps the sign meaningful', () => {
    // r2 ↑: B = −0.5, N = 0 is better: (0 − (−0.5))/0.5 = +1 → +100%.
    expect(deltaM({ t: { r2: 0 } }, { t: { r2: -0.5 } })).toBeCloseTo(100, 12);
  });

  it('restricts to the given tasks and ignores extra result entries', () => {
    const res = { ...results, c: { mse: 100 }, a: { ...results.a, extra: 1 } };
    expect(deltaM(res, baselines, { tasks: ['a'] })).toBeCloseTo(-10, 12);
    expect(deltaM(res, baselines, { tasks: [{ name: 'b' }] })).toBeCloseTo(7.5, 12);
    expect(deltaM(res, baselines)).toBeCloseTo(-1.25, 12);
  });

  it('errors', () => {
    expect(() => deltaM({ a: results.a }, baselines)).toThrow(/deltaM: results has no task 'b'/);
    expect(() => deltaM({ a: { accuracy: 0.8 }, b: results.b }, baselines)).toThrow(
      /deltaM: results.a has no metric 'mse'/,
    );
    expect(() => deltaM({ t: { foo: 1 } }, { t: { foo: 2 } })).toThrow(MtlError);
    expect(() => deltaM({ t: { foo: 1 } }, { t: { foo: 2 } })).toThrow(
      /cannot tell whether higher is better for metric 'foo' of task 't'/,
    );
    expect(() => deltaM({ t: { mse: 1 } }, { t: { mse: 0 } })).toThrow(ValueError);
    expect(() => deltaM({ t: { mse: Number.NaN } }, { t: { mse: 1 } })).toThrow(/must be finite/);
    expect(() => deltaM({}, {})).toThrow(/no tasks/);
    expect(() => deltaM(results, baselines, { convention: 'paper' as never })).toThrow(/convention must be/);
  });
});
