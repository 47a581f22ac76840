import { gt, matmul, mul, relu, reshape, Tensor } from '@mtl/tensor';
import type { Rule } from '../primitives';
import { leadingSize, linear } from './linear';
import { biasRelu, maskRows } from './linearReluKernels';

/**
 * y = relu(x·Wᵀ + b): a Linear layer and the ReLU after it as one primitive. The bias and the
 * relu are applied in one pass, in place, over the product (no second tensor, no mask); the
 * backward masks g by [y > 0] (relu'(0) = 0, as in PyTorch: y > 0 exactly where x·Wᵀ + b > 0)
 * and sums the bias gradient in the same pass, into a scratch buffer that the two products
 * read and nothing keeps.
 */
export const linearRelu: Rule<'linearRelu'> = {
  forward: (inputs, params) => {
    const [xIn, wIn, bIn] = inputs;
    const x = xIn as Tensor;
    const w = wIn as Tensor;
    const b = bIn as Tensor | undefined;
    const rows = leadingSize(x.shape);
    const x2 = x.rank === 2 ? x : reshape(x, [rows, x.shape[x.rank - 1]!]);
    if (
      x2.dtype !== w.dtype ||
      (b !== undefined && b.dtype !== w.dtype) ||
      (w.dtype !== 'float32' && w.dtype !== 'float64') ||
      w.shape[0] === 1
    ) {
      // Mixed or integer dtypes (or a single output): linear's own forward, then relu.
      return relu(linear.forward(inputs, params));
    }
    const y = matmul(x2, w, { transposeB: true });
    biasRelu(y.data as FloatData, (b?.data ?? null) as FloatData | null, rows, w.shape[0]!);
    return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), w.shape[0]!]);
  },
  backward: (g, saved) => {
    const {
      inputs: [xIn, wIn, bIn],
      output,
      needsGrad,
    } = saved;
    if (output.dtype !== 'float32' && output.dtype !== 'float64') {
      return linear.backward(mul(g, gt(output, 0)), saved as never);
    }
    const x = xIn as Tensor;
    const w = wIn as Tensor;
    const out = w.shape[0]!;
    const rows = leadingSize(x.shape);
    const x2 = x.rank === 2 ? x : reshape(x, [rows, x.shape[x.rank - 1]!]);
    // db is only made when there is a bias that wants a gradient (else it stays null).
    const wantBias = bIn !== undefined && needsGrad[2] === true;
    const dtype = output.dtype;
    // The masked gradient, in scratch when only this rule reads it (it goes on to the products).
    const gm = scratch(dtype, rows * out);
    const biasSums = wantBias ? new Float64Array(out) : null;
    maskRows(g.to(dtype).data as FloatData, output.data as FloatData, gm, biasSums, rows, out);
    const gm2 = new Tensor(gm, [rows, out], dtype);
    let dx: Tensor | null = null;
    if (needsGrad[0]) dx = reshape(matmul(gm2, w.dtype === dtype ? w : w.to(dtype)), x.shape);
    const dw = needsGrad[1]
      ? matmul(gm2, x2.dtype === dtype ? x2 : x2.to(dtype), { transposeA: true })
      : null;
    let db: Tensor | null = null;
    if (biasSums !== null) {
      const data = dtype === 'float64' ? biasSums : Float32Array.from(biasSums);
      db = new Tensor(data, [out], dtype);
    }
    return [dx, dw, db];
  },
};

type FloatData = Float32Array | Float64Array;

let scratch32 = new Float32Array(0);
let scratch64 = new Float64Array(0);

/** A reused buffer of n elements (contents undefined): only for values no tensor keeps. */
function scratch(dtype: Tensor['dtype'], n: number): FloatData {
  if (dtype === 'float64') {
    if (scratch64.length < n) scratch64 = new Float64Array(n);
    return scratch64.length === n ? scratch64 : scratch64.subarray(0, n);
  }
  if (scratch32.length < n) scratch32 = new Float32Array(n);
  return scratch32.length === n ? scratch32 : scratch32.subarray(0, n);
}
