import { allocateStorage } from '../backend/kernelMemory';
import { getKernel, KERNELS } from '../backend/registry';
import { checkInteger, checkOptions, optionKeys } from '../checks';
import { DTypeError, formatShape, formatValue, ShapeError, ValueError } from '../errors';
import type { FloatArray } from '../kernels/im2col';
import { matmulKernel } from '../kernels/matmul';
import { Tensor } from '../Tensor';
import { allocateChecked, requireTensor } from '../validate';
import {
  inputPlanes,
  lift,
  outputShape,
  type Planes,
  requireFloatInput,
  requireGradOutput,
  type SpatialDims,
  slidingLength,
  spatialValues,
  type Window,
} from './window';

/** Options of {@link conv1d} and {@link conv2d} (as `torch.nn.functional.conv1d/conv2d`). */
export interface ConvOptions {
  /** Step between windows: a number, or one per spatial dim. Default 1. */
  stride?: number | number[];
  /**
   * Zero padding on both sides of each spatial dim (a number, or one per dim), `'valid'` (none)
   * or `'same'` (the output keeps the input's size; stride must be 1; an odd total puts the extra
   * row/column at the bottom/right, as torch). Default 0.
   */
  padding?: number | number[] | 'same' | 'valid';
  /** Spacing between kernel taps: a number, or one per spatial dim. Default 1. */
  dilation?: number | number[];
  /** Channel groups: input and output channels split into `groups` independent convolutions. Default 1. */
  groups?: number;
}

const CONV_OPTIONS = optionKeys<ConvOptions>({ stride: true, padding: true, dilation: true, groups: true });

/** Which gradients {@link conv2dBackward} computes (all by default). */
export interface ConvGrads {
  input?: boolean;
  weight?: boolean;
  bias?: boolean;
}

/** Everything a convolution call has checked and derived. */
interface ConvPlan {
  op: string;
  dims: SpatialDims;
  planes: Planes;
  batched: boolean;
  win: Window;
  groups: number;
  outChannels: number;
  outH: number;
  outW: number;
  dtype: 'float32' | 'float64';
}

/**
 * 1-d convolution (cross-correlation, as `torch.nn.functional.conv1d`): x [N, C, L] or [C, L],
 * weight [O, C/groups, K], bias [O] or none → [N, O, Lout] (or [O, Lout]).
 *
 * @example
 * conv1d(x, w, b, { padding: 'same' }); // x: [8, 3, 100], w: [16, 3, 5] → [8, 16, 100]
 * @throws ShapeError for wrong ranks, a channel count that does not match weight and groups, or
 *   a kernel larger than the padded input; DTypeError for non-float or mixed dtypes; ValueError
 *   for bad options
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor {
  return convForward(plan('conv1d', 1, x, weight, bias, options), x, weight, bias ?? null);
}

/**
 * 2-d convolution (cross-correlation, as `torch.nn.functional.conv2d`): x [N, C, H, W] or
 * [C, H, W], weight [O, C/groups, kH, kW], bias [O] or none → [N, O, Hout, Wout] (or unbatched),
 * with Hout = ⌊(H + 2·padding − dilation·(kH − 1) − 1) / stride⌋ + 1 (likewise Wout).
 *
 * float32 runs in the kernel layer: a direct WebAssembly kernel for stride 1 and few taps
 * (C·kH·kW ≤ 512, e.g. LeNet's layers); else, with one group, one WebAssembly product that packs
 * its operand straight from the input (the registry's `convGemm` kernel); else `im2col` over
 * chunks of the batch and one matrix product per group (the registry's `matmul` kernel); float64
 * runs the TypeScript loops.
 *
 * @example
 * conv2d(x, w, b, { stride: 2, padding: 1 }); // x: [32, 3, 28, 28], w: [8, 3, 3, 3] → [32, 8, 14, 14]
 * @throws ShapeError for wrong ranks, a channel count that does not match weight and groups, or
 *   a kernel larger than the padded input; DTypeError for non-float or mixed dtypes; ValueError
 *   for bad options
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor {
  return convForward(plan('conv2d', 2, x, weight, bias, options), x, weight, bias ?? null);
}

/**
 * The gradients of {@link conv1d} for the output gradient `gradOutput`: of x (a transposed
 * convolution), of weight (a correlation of x with gradOutput) and of bias (gradOutput summed over
 * batch and length), as `torch.nn.grad.conv1d_input` / `conv1d_weight`; `which` skips the ones
 * not needed (null in the result).
 */
export function conv1dBackward(
  x: Tensor,
  weight: Tensor,
  gradOutput: Tensor,
  options?: ConvOptions,
  which?: ConvGrads,
): { input: Tensor | null; weight: Tensor | null; bias: Tensor | null } {
  return convBackward(plan('conv1dBackward', 1, x, weight, null, options), x, weight, gradOutput, which);
}

/** The gradients of {@link conv2d}; see {@link conv1dBackward}. */
export function conv2dBackward(
  x: Tensor,
  weight: Tensor,
  gradOutput: Tensor,
  options?: ConvOptions,
  which?: ConvGrads,
): { input: Tensor | null; weight: Tensor | null; bias: Tensor | null } {
  return convBackward(plan('conv2dBackward', 2, x, weight, null, options), x, weight, gradOutput, which);
}

function plan(
  op: string,
  dims: SpatialDims,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  options: ConvOptions | undefined,
): ConvPlan {
  requireTensor(op, 'x', x);
  requireTensor(op, 'weight', weight);
  const b = bias === undefined || bias === null ? null : requireTensor(op, 'bias', bias);
  const { stride, padding, dilation, groups: g } = checkOptions(op, options, CONV_OPTIONS);
  requireFloatInput(op, 'x', x);
  for (const [name, t] of [
    ['weight', weight],
    ['bias', b],
  ] as const) {
    if (t !== null && t.dtype !== x.dtype) {
      throw new DTypeError(
        `${op}: ${name} is ${t.dtype} but x is ${x.dtype} — give both the same dtype (e.g. ${name}.to('${x.dtype}'))`,
      );
    }
  }
  const { planes, batched } = inputPlanes(op, x, dims);
  const layout = dims === 1 ? '[out, in/groups, k]' : '[out, in/groups, kH, kW]';
  if (weight.rank !== dims + 2) {
    throw new ShapeError(`${op}: weight must be ${layout} — got weight.shape=${formatShape(weight.shape)}`);
  }
  const groups = checkInteger(op, 'groups', g ?? 1, { min: 1 });
  const outChannels = weight.shape[0]!;
  const perGroup = weight.shape[1]!;
  if (outChannels % groups !== 0) {
    throw new ShapeError(
      `${op}: weight's ${outChannels} output channels do not split into groups=${groups} (weight.shape=${formatShape(weight.shape)})`,
    );
  }
  if (perGroup * groups !== planes.channels) {
    throw new ShapeError(
      `${op}: x has ${planes.channels} channels but weight expects in/groups · groups = ${perGroup} · ${groups} = ${perGroup * groups} (x.shape=${formatShape(x.shape)}, weight.shape=${formatShape(weight.shape)})`,
    );
  }
  if (b !== null && (b.rank !== 1 || b.shape[0] !== outChannels)) {
    throw new ShapeError(
      `${op}: bias must be [${outChannels}] (one per output channel) — got bias.shape=${formatShape(b.shape)}`,
    );
  }
  const [kH, kW] = dims === 1 ? [1, weight.shape[2]!] : [weight.shape[2]!, weight.shape[3]!];
  const [strideH, strideW] = lift(spatialValues(op, 'stride', stride ?? 1, dims, 1), dims, 1);
  const [dilationH, dilationW] = lift(spatialValues(op, 'dilation', dilation ?? 1, dims, 1), dims, 1);
  let pads: number[];
  if (padding === 'same') {
    if (strideH !== 1 || strideW !== 1) {
      throw new ValueError(`${op}: padding 'same' needs stride 1 — got stride=${formatValue(stride)}`);
    }
    pads = [dilationH! * (kH! - 1), dilationW! * (kW! - 1)];
  } else if (padding === 'valid') {
    pads = [0, 0];
  } else if (typeof padding === 'string') {
    throw new ValueError(
      `${op}: padding must be a number, one per spatial dim, 'same' or 'valid' — got ${formatValue(padding)}`,
    );
  } else {
    pads = lift(spatialValues(op, 'padding', padding ?? 0, dims, 0), dims, 0).map((p) => 2 * p);
  }
  // A total padding t is split t/2 before and after; for 'same' with an odd t the extra goes after.
  const win: Window = {
    kH: kH!,
    kW: kW!,
    strideH: strideH!,
    strideW: strideW!,
    dilationH: dilationH!,
    dilationW: dilationW!,
    padTop: Math.floor(pads[0]! / 2),
    padLeft: Math.floor(pads[1]! / 2),
    padBottom: pads[0]! - Math.floor(pads[0]! / 2),
    padRight: pads[1]! - Math.floor(pads[1]! / 2),
  };
  const outH = slidingLength(planes.height, kH!, strideH!, dilationH!, win.padTop, win.padBottom);
  const outW = slidingLength(planes.width, kW!, strideW!, dilationW!, win.padLeft, win.padRight);
  if (outH < 1 || outW < 1) {
    const size = dims === 1 ? `${planes.width}` : `${planes.height}×${planes.width}`;
    const padded =
      dims === 1
        ? `${planes.width + win.padLeft + win.padRight}`
        : `${planes.height + win.padTop + win.padBottom}×${planes.width + win.padLeft + win.padRight}`;
    const kernel =
      dims === 1
        ? `${(kW! - 1) * dilationW! + 1}`
        : `${(kH! - 1) * dilationH! + 1}×${(kW! - 1) * dilationW! + 1}`;
    throw new ShapeError(
      `${op}: the kernel (${kernel} with dilation) is larger than the padded input (${size} padded to ${padded}; x.shape=${formatShape(x.shape)}, weight.shape=${formatShape(weight.shape)}) — use more padding or a smaller kernel`,
    );
  }
  return {
    op,
    dims,
    planes,
    batched,
    win,
    groups,
    outChannels,
    outH,
    outW,
    dtype: x.dtype as 'float32' | 'float64',
  };
}

/**
 * Column matrices are built for a chunk of samples at a time, about this many elements (1 MiB of
 * float32): small enough to stay in cache between `im2col` and the product that reads it. (The
 * whole batch's columns, 15 MB for LeNet's first layer at batch 256, made every pass memory-bound.)
 */
const CHUNK_ELEMENTS = 2 ** 18;

/** Scratch buffers per dtype (columns; the product or the gathered gradient; a weight gradient part), kept between calls. */
const scratch = {
  float32: [new Float32Array(0), new Float32Array(0), new Float32Array(0)],
  float64: [new Float64Array(0), new Float64Array(0), new Float64Array(0)],
};

/**
 * Scratch kept between calls up to this many elements (64 MiB of float32); a larger one (one
 * sample's columns of a wide layer on a large image) is made for the call and dropped after, so
 * one big convolution does not hold its memory for good.
 */
const KEEP_ELEMENTS = 2 ** 24;

/** Scratch buffer `slot` of at least `size` elements. */
function scratchOf(dtype: 'float32' | 'float64', slot: 0 | 1 | 2, size: number): FloatArray {
  const buffers = scratch[dtype] as FloatArray[];
  if (buffers[slot]!.length >= size) return buffers[slot]!;
  // float32 scratch in kernel storage where there is some: the products read it in place.
  const made =
    dtype === 'float32' ? (allocateStorage(size) ?? new Float32Array(size)) : new Float64Array(size);
  if (size <= KEEP_ELEMENTS) buffers[slot] = made;
  return made;
}

/** Sizes shared by the forward and backward passes. */
function sizes(p: ConvPlan) {
  const { planes, win, groups, outChannels, outH, outW } = p;
  const outPlane = outH * outW;
  const rows = planes.channels * win.kH * win.kW;
  return {
    outPlane,
    rows,
    rowsPerGroup: rows / groups,
    outPerGroup: outChannels / groups,
    inSample: planes.channels * planes.height * planes.width,
    /** Samples per chunk: at least one. */
    chunk: Math.max(1, Math.min(planes.batch, Math.floor(CHUNK_ELEMENTS / (rows * outPlane)))),
  };
}

function convForward(p: ConvPlan, x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const { planes, win, groups, outChannels, outH, outW, dtype } = p;
  const shape = outputShape(planes, outChannels, outH, outW, p.dims, p.batched);
  const out = allocateChecked(p.op, dtype, shape) as FloatArray;
  const { outPlane, rows, rowsPerGroup, outPerGroup, inSample, chunk } = sizes(p);
  const xd = x.data as FloatArray;
  const w = weight.data as FloatArray;
  const b = bias?.data as FloatArray | undefined;
  if (
    groups === 1 &&
    (getKernel(KERNELS.directConv).forward(xd, w, b ?? null, out, planes, win, outChannels, outH, outW) ||
      getKernel(KERNELS.convGemm)(xd, w, b ?? null, out, planes, win, outChannels, outH, outW))
  ) {
    return new Tensor(out, shape, dtype);
  }
  const cols = scratchOf(dtype, 0, rows * chunk * outPlane);
  const product = scratchOf(dtype, 1, outChannels * chunk * outPlane);
  for (let n0 = 0; n0 < planes.batch; n0 += chunk) {
    const count = Math.min(chunk, planes.batch - n0);
    const columns = count * outPlane;
    const part = { ...planes, batch: count };
    getKernel(KERNELS.im2col)(
      xd.subarray(n0 * inSample, (n0 + count) * inSample),
      part,
      win,
      outH,
      outW,
      0,
      planes.channels,
      cols,
    );
    // [O, count·P], one product per group, then laid out as [count, O, P] with the bias.
    for (let g = 0; g < groups; g++) {
      matmulKernel(
        w,
        g * outPerGroup * rowsPerGroup,
        cols,
        g * rowsPerGroup * columns,
        product,
        g * outPerGroup * columns,
        outPerGroup,
        rowsPerGroup,
        columns,
        false,
        false,
      );
    }
    for (let n = 0; n < count; n++) {
      for (let o = 0; o < outChannels; o++) {
        const src = o * columns + n * outPlane;
        const dst = ((n0 + n) * outChannels + o) * outPlane;
        out.set(product.subarray(src, src + outPlane), dst);
        if (b !== undefined) {
          const shift = b[o]!;
          for (let i = dst; i < dst + outPlane; i++) out[i]! += shift;
        }
      }
    }
  }
  return new Tensor(out, shape, dtype);
}

function convBackward(
  p: ConvPlan,
  x: Tensor,
  weight: Tensor,
  gradOutput: Tensor,
  which: ConvGrads = {},
): { input: Tensor | null; weight: Tensor | null; bias: Tensor | null } {
  const { op, planes, win, groups, outChannels, outH, outW, dtype } = p;
  requireGradOutput(op, gradOutput, x, outputShape(planes, outChannels, outH, outW, p.dims, p.batched));
  const wantInput = which.input ?? true;
  const wantWeight = which.weight ?? true;
  const wantBias = which.bias ?? true;
  const { outPlane, rows, rowsPerGroup, outPerGroup, inSample, chunk } = sizes(p);
  const gOut = gradOutput.data as FloatArray;
  const xd = x.data as FloatArray;
  const w = weight.data as FloatArray;
  let dwData = wantWeight ? (allocateChecked(op, dtype, weight.shape) as FloatArray) : null;
  const dxData = wantInput ? (allocateChecked(op, dtype, x.shape) as FloatArray) : null;
  const result = (data: FloatArray | null, t: Tensor) =>
    data === null ? null : new Tensor(data, t.shape, dtype);
  let doneWeight: Tensor | null = null;
  // The weight's gradient without a column matrix, where the direct kernel takes it.
  if (
    dwData !== null &&
    groups === 1 &&
    getKernel(KERNELS.directConv).weightGrad(xd, gOut, dwData, planes, win, outChannels, outH, outW)
  ) {
    doneWeight = result(dwData, weight);
    dwData = null;
  }
  if (dxData !== null || dwData !== null) {
    const cols = scratchOf(dtype, 0, rows * chunk * outPlane);
    const g2 = scratchOf(dtype, 1, outChannels * chunk * outPlane);
    const dwPart = scratchOf(dtype, 2, outChannels * rowsPerGroup);
    // Summed over chunks in float64, rounded once.
    const dwSum = dwData === null ? null : new Float64Array(dwData.length);
    for (let n0 = 0; n0 < planes.batch; n0 += chunk) {
      const count = Math.min(chunk, planes.batch - n0);
      const columns = count * outPlane;
      const part = { ...planes, batch: count };
      // This chunk's gradOutput as [O, count·P], as the forward's product.
      for (let n = 0; n < count; n++) {
        for (let o = 0; o < outChannels; o++) {
          const from = ((n0 + n) * outChannels + o) * outPlane;
          g2.set(gOut.subarray(from, from + outPlane), o * columns + n * outPlane);
        }
      }
      if (dwSum !== null) {
        getKernel(KERNELS.im2col)(
          xd.subarray(n0 * inSample, (n0 + count) * inSample),
          part,
          win,
          outH,
          outW,
          0,
          planes.channels,
          cols,
        );
        for (let g = 0; g < groups; g++) {
          matmulKernel(
            g2,
            g * outPerGroup * columns,
            cols,
            g * rowsPerGroup * columns,
            dwPart,
            g * outPerGroup * rowsPerGroup,
            outPerGroup,
            columns,
            rowsPerGroup,
            false,
            true,
          );
        }
        for (let i = 0; i < dwSum.length; i++) dwSum[i]! += dwPart[i]!;
      }
      if (dxData !== null) {
        for (let g = 0; g < groups; g++) {
          matmulKernel(
            w,
            g * outPerGroup * rowsPerGroup,
            g2,
            g * outPerGroup * columns,
            cols,
            g * rowsPerGroup * columns,
            rowsPerGroup,
            outPerGroup,
            columns,
            true,
            false,
          );
        }
        getKernel(KERNELS.col2im)(
          cols,
          part,
          win,
          outH,
          outW,
          0,
          planes.channels,
          dxData.subarray(n0 * inSample, (n0 + count) * inSample),
        );
      }
    }
    if (dwData !== null && dwSum !== null) dwData.set(dwSum);
  }
  doneWeight ??= result(dwData, weight);
  const doneInput = result(dxData, x);
  let db: Tensor | null = null;
  if (wantBias) {
    // Summed in float64, rounded once.
    const sums = new Float64Array(outChannels);
    for (let n = 0; n < planes.batch; n++) {
      for (let o = 0; o < outChannels; o++) {
        const start = (n * outChannels + o) * outPlane;
        let s = 0;
        for (let i = 0; i < outPlane; i++) s += gOut[start + i]!;
        sums[o]! += s;
      }
    }
    const data = allocateChecked(op, dtype, [outChannels]) as FloatArray;
    data.set(sums);
    db = new Tensor(data, [outChannels], dtype);
  }
  return { input: doneInput, weight: doneWeight, bias: db };
}
