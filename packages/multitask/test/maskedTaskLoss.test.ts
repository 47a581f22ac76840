import { grad, variable } from '@mtl/autograd';
import { bceWithLogits, crossEntropy, mseLoss } from '@mtl/nn';
import { tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { maskedTaskLoss, presentRows } from '../src/training/maskedTaskLoss';

const NaN_ = Number.NaN;

describe('maskedTaskLoss', () => {
  it('regression: leaves out NaN targets and equals the loss on the labelled rows', () => {
    const p = variable([[1], [2], [3], [4]], { requiresGrad: true, dtype: 'float64' });
    const t = tensor([1.5, NaN_, 2, NaN_], { dtype: 'float64' });
    const loss = maskedTaskLoss('mass', 'regression', p, t)!;
    expect(loss.item()).toBeCloseTo(
      mseLoss(tensor([1, 3], { dtype: 'float64' }), tensor([1.5, 2], { dtype: 'float64' })).item(),
      14,
    );
    const [g] = grad(loss, [p]);
    expect(Array.from(g!.data)).toEqual([-0.5, 0, 1, 0]); // missing rows get no gradient
  });

  it('binary and multiclass: NaN and −1 mark missing labels', () => {
    const logits = variable([0.3, -1, 2], { requiresGrad: true, dtype: 'float64' });
    const labels = tensor([1, NaN_, 0], { dtype: 'float64' });
    const expected = bceWithLogits(
      tensor([0.3, 2], { dtype: 'float64' }),
      tensor([1, 0], { dtype: 'float64' }),
    ).item();
    expect(maskedTaskLoss('sex', 'binary', logits, labels)!.item()).toBeCloseTo(expected, 14);

    const scores = variable(
      [
        [1, 2, 3],
        [3, 2, 1],
        [0, 0, 1],
      ],
      { dtype: 'float64' },
    );
    const classes = tensor([2, -1, 0], { dtype: 'int32' });
    const ce = crossEntropy(
      tensor(
        [
          [1, 2, 3],
          [0, 0, 1],
        ],
        { dtype: 'float64' },
      ),
      tensor([2, 0], { dtype: 'int32' }),
    ).item();
    expect(maskedTaskLoss('species', 'multiclass', scores, classes)!.item()).toBeCloseTo(ce, 14);
  });

  it('a batch where a task has no labels gives no loss at all (so no gradient and no NaN)', () => {
    const p = variable([[1], [2]], { requiresGrad: true });
    expect(maskedTaskLoss('mass', 'regression', p, tensor([NaN_, NaN_]))).toBeNull();
    expect(maskedTaskLoss('species', 'multiclass', p, tensor([-1, -1], { dtype: 'int32' }))).toBeNull();
  });

  it('names the task and both shapes when predictions and targets disagree', () => {
    expect(() => maskedTaskLoss('mass', 'regression', variable([[1], [2]]), tensor([1, 2, 3]))).toThrow(
      /task "mass": 2 predictions \(shape \[2,1\]\) for 3 targets \(shape \[3\]\)/,
    );
  });

  it('presentRows reads [N, k] targets row by row', () => {
    expect(
      Array.from(
        presentRows(
          'regression',
          tensor([
            [1, 2],
            [NaN_, 0],
            [3, 4],
          ]),
        ),
      ),
    ).toEqual([0, 2]);
  });
});
