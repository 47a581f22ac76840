import {
  erf,
  gelu,
  linear as linearOp,
  maskRows,
  matmul,
  mul,
  reshape,
  silu,
  sum,
  Tensor,
} from '@mtl/tensor';
import type { Rule, SavedContext } from '../primitives';

/**
 * y = act(x·Wᵀ + b) (`torch.nn.functional.linear`, then the activation): x [..., in], W
 * [out, in], b [out] (optional, the third input). Wᵀ and Gᵀ are never materialised (matmul's
 * transpose flags), and the bias and the activation are one in-place pass over the product.
 *
 * Backward: with gz = g·act'(z) at z = x·Wᵀ + b (gz = g for `'none'`), ∂x = gz·W, ∂W = gzᵀ·x
 * (leading dims of x flattened into rows), ∂b = Σ_rows gz. gz comes from one pass over g (for
 * relu with the bias sums in the same pass), into a scratch buffer that the two products read
 * and nothing keeps. act' reads
 * what it needs: the output for relu ([y > 0]: relu'(0) = 0, as in PyTorch), tanh (1 − y²) and
 * sigmoid (y(1 − y)); the pre-activation z, kept in the params by the forward, for gelu
 * (Φ(z) + z·φ(z)) and silu (σ(z)(1 + z(1 − σ(z)))).
 *
 * relu's forward is @mtl/tensor's `linear` (product, bias and relu fused in the kernel module for
 * float32); its backward's mask + bias sums pass is `maskRows` (WebAssembly for large float32
 * operands, bit for bit the loops' values).
 */
export const linear: Rule<'linear'> = {
  forward: (inputs, params) => {
    const [x, w, b] = inputs as [Tensor, Tensor, Tensor | undefined];
    const { activation } = params;
    if (activation === 'gelu' || activation === 'silu') {
      const z = linearOp(x, w, b);
      params.preActivation = z;
      return activation === 'gelu' ? gelu(z) : silu(z);
    }
    return linearOp(x, w, b, { activation });
  },
  backward: (g, saved) => {
    const {
      inputs: [xIn, wIn, bIn],
      needsGrad,
    } = saved;
    const x = xIn as Tensor;
    const w = wIn as Tensor;
    const out = w.shape[0]!;
    const rows = leadingSize(x.shape);
    const wantBias = bIn !== undefined && needsGrad[2] === true;
    const { gz, db } = preActivationGrad(g.rank === 2 ? g : reshape(g, [rows, out]), saved, wantBias);
    // gz has the output's dtype, which the operands promote to: matmul promotes them in turn.
    const dx = needsGrad[0] ? reshape(matmul(gz, w), x.shape) : null;
    const dw = needsGrad[1] ? matmul(gz, rows2d(x, rows), { transposeA: true }) : null;
    return [dx, dw, db];
  },
};

type FloatData = Float32Array | Float64Array;

/**
 * gz = g·act'(z) as [rows, out] and, when `wantBias`, its column sums (the bias gradient). Float
 * outputs take the one-pass loops below; an int32 output (`'none'` or `'relu'` of int32 operands)
 * the tensor ops.
 */
function preActivationGrad(
  g2: Tensor,
  { output, params }: SavedContext<'linear'>,
  wantBias: boolean,
): { gz: Tensor; db: Tensor | null } {
  const { activation } = params;
  const dtype = output.dtype;
  if (activation === 'none' || (dtype !== 'float32' && dtype !== 'float64')) {
    const gz = activation === 'relu' ? mul(g2, output.reshape(g2.shape).gt(0)) : g2;
    return { gz, db: wantBias ? sum(gz, 0) : null };
  }
  const [rows, n] = g2.shape as [number, number];
  const gd = (g2.dtype === dtype ? g2 : g2.to(dtype)).data as FloatData;
  const gz = scratch(dtype, rows * n);
  const sums = wantBias ? new Float64Array(n) : null;
  const y = output.data as FloatData;
  switch (activation) {
    case 'relu':
      maskRows(gd, y, gz, sums, rows, n);
      break;
    case 'tanh':
      tanhGrad(gd, y, gz);
      break;
    case 'sigmoid':
      sigmoidGrad(gd, y, gz);
      break;
    case 'gelu':
    case 'silu': {
      // z is int32 when the operands are (the output is then float32).
      const z = params.preActivation!.to(dtype);
      const zd = z.data as FloatData;
      if (activation === 'gelu') geluGrad(gd, zd, erf(mul(z, Math.SQRT1_2)).data as FloatData, gz);
      else siluGrad(gd, zd, gz);
      break;
    }
  }
  if (sums !== null && activation !== 'relu') columnSums(gz, sums, rows, n);
  let db: Tensor | null = null;
  if (sums !== null) db = new Tensor(dtype === 'float64' ? sums : Float32Array.from(sums), [n], dtype);
  return { gz: new Tensor(gz, [rows, n], dtype), db };
}

/* The derivative passes: out = g·act'(·), computed in float64 and rounded once on the store. */

function tanhGrad(g: FloatData, y: FloatData, out: FloatData): void {
  for (let i = 0; i < out.length; i++) {
    const t = y[i]!;
    out[i] = g[i]! * (1 - t * t);
  }
}

function sigmoidGrad(g: FloatData, y: FloatData, out: FloatData): void {
  for (let i = 0; i < out.length; i++) {
    const s = y[i]!;
    out[i] = g[i]! * s * (1 - s);
  }
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** d[zΦ(z)] = Φ(z) + z·φ(z), with erf(z/√2) from the erf op (`e`). */
function geluGrad(g: FloatData, z: FloatData, e: FloatData, out: FloatData): void {
  for (let i = 0; i < out.length; i++) {
    const v = z[i]!;
    out[i] = g[i]! * (0.5 * (1 + e[i]!) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI);
  }
}

/** d[zσ(z)] = σ(z)(1 + z(1 − σ(z))), σ without overflow (as the sigmoid op). */
function siluGrad(g: FloatData, z: FloatData, out: FloatData): void {
  for (let i = 0; i < out.length; i++) {
    const v = z[i]!;
    let s: number;
    if (v >= 0) s = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      s = e / (1 + e);
    }
    out[i] = g[i]! * s * (1 + v * (1 - s));
  }
}

/** sums[j] += Σ_r a[r, j], in float64. */
function columnSums(a: FloatData, sums: Float64Array, rows: number, n: number): void {
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    for (let j = 0; j < n; j++) sums[j]! += a[o + j]!;
  }
}

/** x as [rows, in] (itself when already 2-d). */
function rows2d(x: Tensor, rows: number): Tensor {
  return x.rank === 2 ? x : reshape(x, [rows, x.shape[x.rank - 1]!]);
}

/** The number of rows: the product of every dim but the last. */
export function leadingSize(shape: readonly number[]): number {
  let rows = 1;
  for (let i = 0; i + 1 < shape.length; i++) rows *= shape[i]!;
  return rows;
}

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
