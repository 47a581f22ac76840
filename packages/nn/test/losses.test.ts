/**
 * The losses against PyTorch 1.13 (fixtures from `tools/reference/nn.py`): forward values and
 * the gradients of sum(out·R) with respect to the input (and the target where PyTorch
 * differentiates it), float64 to 1e-10 and float32 to 1e-5; then the error cases.
 */
import { readFileSync } from 'node:fs';
import { grad, mul, sum, Variable, variable } from '@mtl/autograd';
import { DTypeError, IndexError, ShapeError, type Tensor, tensor, ValueError } from '@mtl/tensor';
import { expectAllClose } from '@mtl/tensor/testing';
import { describe, expect, it } from 'vitest';
import { expectTyped } from '../../../tools/testing/expectTyped';
import { bceWithLogits } from '../src/losses/bceWithLogits';
import { binaryCrossEntropy } from '../src/losses/binaryCrossEntropy';
import { cosineSimilarity } from '../src/losses/cosineSimilarity';
import { crossEntropy } from '../src/losses/crossEntropy';
import { huberLoss } from '../src/losses/huberLoss';
import { klDiv } from '../src/losses/klDiv';
import { l1Loss } from '../src/losses/l1Loss';
import { mseLoss } from '../src/losses/mseLoss';
import { nllLoss } from '../src/losses/nllLoss';
import { smoothL1Loss } from '../src/losses/smoothL1Loss';

// --- fixture codec (the format is documented in tools/reference/nn.py) ---

interface FixtureTensor {
  dtype: 'float32' | 'float64' | 'int32';
  shape: number[];
  data: (number | string)[];
}

interface LossCase {
  name: string;
  op: string;
  args: FixtureTensor[];
  options?: Record<string, unknown>;
  grad: boolean[];
  R: FixtureTensor;
  out: FixtureTensor;
  grads: (FixtureTensor | null)[];
}

const NON_FINITE: Record<string, number> = { nan: Number.NaN, inf: Infinity, '-inf': -Infinity };

function decodeTensor(t: FixtureTensor): Tensor {
  const values = t.data.map((v) => (typeof v === 'string' ? NON_FINITE[v]! : v));
  return tensor(values, { dtype: t.dtype, shape: t.shape });
}

function isFixtureTensor(v: unknown): v is FixtureTensor {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'data' in v;
}

function decodeOptions(options: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options ?? {})) out[k] = isFixtureTensor(v) ? decodeTensor(v) : v;
  return out;
}

function expectClose(got: Tensor, want: FixtureTensor, label: string): void {
  const tol = want.dtype === 'float64' ? 1e-10 : 1e-5;
  try {
    expectAllClose(got, decodeTensor(want), { rtol: tol, atol: tol, equalNan: true, checkDType: true });
  } catch (e) {
    throw new Error(`${label}: ${(e as Error).message}`);
  }
}

type Loss = (a: Variable | Tensor, b: Variable | Tensor, options?: Record<string, unknown>) => Variable;

const LOSSES: Record<string, Loss> = {
  mseLoss,
  l1Loss,
  smoothL1Loss,
  huberLoss,
  bceWithLogits,
  binaryCrossEntropy,
  crossEntropy,
  nllLoss,
  klDiv,
  cosineSimilarity,
} as unknown as Record<string, Loss>;

const fixture = JSON.parse(readFileSync(new URL('./fixtures/losses.json', import.meta.url), 'utf8')) as {
  cases: LossCase[];
};

describe('losses against PyTorch', () => {
  it('cover every loss', () => {
    expect(new Set(fixture.cases.map((c) => c.op))).toEqual(new Set(Object.keys(LOSSES)));
  });

  it.each(fixture.cases.map((c): [string, LossCase] => [c.name, c]))('%s', (_name, c) => {
    const loss = LOSSES[c.op];
    if (!loss) throw new Error(`no loss named ${c.op}`);
    const args = c.args.map((a, i) =>
      c.grad[i] ? variable(decodeTensor(a), { requiresGrad: true }) : decodeTensor(a),
    );
    const out = loss(args[0]!, args[1]!, decodeOptions(c.options));
    expectClose(out.value, c.out, 'out');
    const inputs = args.filter((a): a is Variable => a instanceof Variable);
    const grads = grad([sum(mul(out, decodeTensor(c.R)))], inputs);
    let k = 0;
    c.grads.forEach((g, i) => {
      if (g !== null) expectClose(grads[k++]!, g, `grads[${i}]`);
    });
  });
});

// --- errors ---

const f = (values: number[], shape = [values.length]) => tensor(values, { shape });
const i32 = (values: number[]) => tensor(values, { dtype: 'int32' });
const logits = f([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2], [4, 3]);

describe('loss errors', () => {
  it('reject a bad reduction name, naming the loss and the choices', () => {
    for (const loss of [mseLoss, l1Loss, smoothL1Loss, huberLoss, bceWithLogits, binaryCrossEntropy]) {
      expectTyped(
        () => loss(f([0.5]), f([0.5]), { reduction: 'avg' as 'mean' }),
        ValueError,
        `${loss.name}: unknown reduction 'avg'`,
        "'mean', 'sum' or 'none'",
      );
    }
    expectTyped(
      () => crossEntropy(logits, i32([0, 1, 2, 0]), { reduction: 'batchmean' as 'mean' }),
      ValueError,
      "crossEntropy: unknown reduction 'batchmean'",
    );
    expectTyped(
      () => klDiv(f([-1]), f([0.5]), { reduction: 'avg' as 'mean' }),
      ValueError,
      "klDiv: unknown reduction 'avg' (expected 'mean', 'sum', 'none' or 'batchmean')",
    );
  });

  it('reject a target shape that differs from the input shape (no silent broadcasting)', () => {
    for (const loss of [mseLoss, l1Loss, smoothL1Loss, huberLoss, bceWithLogits, binaryCrossEntropy, klDiv]) {
      expectTyped(
        () => loss(f([0.1, 0.2, 0.3], [3, 1]), f([0.1, 0.2, 0.3])),
        ShapeError,
        `${loss.name}: target.shape must equal input.shape — input.shape=[3,1], target.shape=[3]`,
      );
    }
  });

  it('reject class indices where floats are needed', () => {
    expectTyped(
      () => bceWithLogits(f([0.1, 0.2]), i32([0, 1])),
      DTypeError,
      "bceWithLogits: target has dtype int32, expected float32 or float64 — target.shape=[2] (cast first: target.to('float32'))",
    );
    expectTyped(() => mseLoss(f([1, 2]), i32([1, 2])), DTypeError, 'mseLoss: target has dtype int32');
    expectTyped(() => klDiv(i32([1, 2]), f([1, 2])), DTypeError, 'klDiv: input has dtype int32');
  });

  it('reject float labels where class indices are needed', () => {
    expectTyped(
      () => crossEntropy(logits, f([0, 1, 2, 0])),
      DTypeError,
      'crossEntropy: target has dtype float32 and the shape of class indices — input.shape=[4,3], target.shape=[4]',
      "target.to('int32')",
    );
    expectTyped(
      () => nllLoss(logits, f([0, 1, 2, 0])),
      DTypeError,
      "nllLoss: class-index target has dtype float32, expected int32 — input.shape=[4,3], target.shape=[4] (cast the labels: target.to('int32'))",
    );
    expectTyped(
      () =>
        crossEntropy(logits, tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], { dtype: 'int32', shape: [4, 3] })),
      DTypeError,
      "crossEntropy: target has dtype int32 and the input's shape",
      "probability targets must be float: target.to('float32')",
    );
  });

  it('reject class indices out of range, unless they are the ignoreIndex', () => {
    expectTyped(
      () => crossEntropy(logits, i32([0, 3, 1, 2])),
      IndexError,
      'crossEntropy: target 3 at target[1] is out of range for 3 classes — input.shape=[4,3], target.shape=[4] (class indices run 0…2; ignoreIndex is -100)',
    );
    expectTyped(() => nllLoss(logits, i32([0, -1, 1, 2])), IndexError, 'nllLoss: target -1 at target[1]');
    expectTyped(
      () =>
        crossEntropy(
          f(Array(12).fill(0), [2, 3, 2]),
          tensor([0, 1, 2, 5], { dtype: 'int32', shape: [2, 2] }),
        ),
      IndexError,
      'crossEntropy: target 5 at target[1,1] is out of range for 3 classes',
    );
    expect(() => crossEntropy(logits, i32([0, -100, 1, 2]))).not.toThrow();
    expect(() => nllLoss(logits, i32([0, 7, 1, 2]), { ignoreIndex: 7 })).not.toThrow();
  });

  it('reject class-index targets of the wrong shape, and bad weights', () => {
    expectTyped(
      () => crossEntropy(logits, i32([0, 1, 2])),
      ShapeError,
      'crossEntropy: target.shape must be input.shape without the class dim — input.shape=[4,3], target.shape=[3] (expected [4])',
    );
    expectTyped(
      () => crossEntropy(logits, f([0.5, 0.5])),
      ShapeError,
      "crossEntropy: target must be class indices of shape [4] (int32) or probabilities of the input's shape (float)",
    );
    expectTyped(
      () => crossEntropy(logits, i32([0, 1, 2, 0]), { weight: f([1, 2]) }),
      ShapeError,
      'crossEntropy: weight must hold one value per class — weight.shape=[2], input.shape=[4,3] (expected [3])',
    );
    expectTyped(
      () => bceWithLogits(logits, logits, { posWeight: f([1, 2]) }),
      ShapeError,
      'bceWithLogits: posWeight must broadcast to input.shape — posWeight.shape=[2], input.shape=[4,3]',
    );
    expectTyped(
      () => crossEntropy(tensor(1.5), i32([])),
      ShapeError,
      'crossEntropy: input must have a class dim',
    );
  });

  it('reject ignoreIndex with probability targets, and bad option values', () => {
    expectTyped(
      () => crossEntropy(logits, logits, { ignoreIndex: 1 }),
      ValueError,
      'crossEntropy: ignoreIndex (1) is not supported with probability targets',
    );
    expectTyped(
      () => crossEntropy(logits, i32([0, 1, 2, 0]), { labelSmoothing: 1.5 }),
      ValueError,
      'crossEntropy: labelSmoothing must be in [0, 1], got 1.5',
    );
    expectTyped(
      () => smoothL1Loss(f([1]), f([2]), { beta: -1 }),
      ValueError,
      'smoothL1Loss: beta must be a finite number >= 0 — got -1',
    );
    expectTyped(
      () => huberLoss(f([1]), f([2]), { delta: 0 }),
      ValueError,
      'huberLoss: delta must be a finite number > 0 — got 0',
    );
    expectTyped(
      () => cosineSimilarity(f([1]), f([2]), { eps: -1 }),
      ValueError,
      'cosineSimilarity: eps must be a finite number >= 0',
    );
  });

  it('reject probabilities outside [0, 1] in binaryCrossEntropy', () => {
    expectTyped(
      () => binaryCrossEntropy(f([0.5, 1.5], [1, 2]), f([0, 1], [1, 2])),
      ValueError,
      'binaryCrossEntropy: input values must lie in [0, 1], got 1.5 at input[0,1] — input.shape=[1,2] (apply sigmoid first, or use bceWithLogits on the logits)',
    );
    expectTyped(() => binaryCrossEntropy(f([Number.NaN]), f([0])), ValueError, 'got NaN at input[0]');
  });

  it('reject inputs that are not tensors, and shapes that do not broadcast', () => {
    expectTyped(
      () => mseLoss([1, 2] as unknown as Tensor, f([1, 2])),
      ValueError,
      'mseLoss: input must be a Variable or a Tensor, got [1, 2]',
    );
    expectTyped(() => cosineSimilarity(f([1, 2, 3]), f([1, 2])), ShapeError, /cosineSimilarity/);
    expectTyped(
      () => cosineSimilarity(logits, logits, { dim: 2 }),
      IndexError,
      'cosineSimilarity: dim 2 is out of range',
    );
  });
});

describe('loss behaviour beyond the fixtures', () => {
  it('bceWithLogits stays finite and exact for huge logits, where sigmoid saturates', () => {
    const x = variable(tensor([-1e4, 1e4, 1e4], { dtype: 'float64' }), { requiresGrad: true });
    const y = tensor([0, 1, 0], { dtype: 'float64' });
    const out = bceWithLogits(x, y, { reduction: 'none' });
    expect(Array.from(out.value.data)).toEqual([0, 0, 1e4]);
    out.backward(tensor([1, 1, 1], { dtype: 'float64' }));
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 1]);
  });

  it('binaryCrossEntropy gives a saturated wrong prediction a gradient, as PyTorch', () => {
    const x = variable(tensor([1, 0], { dtype: 'float64' }), { requiresGrad: true });
    const out = binaryCrossEntropy(x, tensor([0, 1], { dtype: 'float64' }), { reduction: 'sum' });
    expect(out.item()).toBe(200);
    out.backward();
    // PyTorch's floor on x(1 − x) is 1e-12 as a C++ float.
    const floor = Math.fround(1e-12);
    expect(Array.from(x.grad!.data)).toEqual([1 / floor, -1 / floor]);
  });

  it('crossEntropy: a mean over only ignored targets is NaN, as in PyTorch', () => {
    expect(crossEntropy(logits, i32([-100, -100, -100, -100])).item()).toBeNaN();
  });

  it('accept Variables as targets and leave constant inputs without a graph', () => {
    const out = mseLoss(f([1, 2]), f([1, 4]));
    expect(out.requiresGrad).toBe(false);
    expect(out.item()).toBe(2);
    const t = variable(f([1, 4]), { requiresGrad: true });
    mseLoss(f([1, 2]), t).backward();
    expectAllClose(t.grad!, [0, 2]);
  });
});
