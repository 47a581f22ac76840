import type { RuleTable } from '../primitives';
import { abs } from './abs';
import { adaptiveAvgPool } from './adaptiveAvgPool';
import { add } from './add';
import { amax } from './amax';
import { amin } from './amin';
import { avgPool } from './avgPool';
import { cast } from './cast';
import { clamp } from './clamp';
import { concat } from './concat';
import { conv } from './conv';
import { cos } from './cos';
import { div } from './div';
import { eigvalsh } from './eigvalsh';
import { eigvecsh } from './eigvecsh';
import { elu } from './elu';
import { erf } from './erf';
import { exp } from './exp';
import { expand } from './expand';
import { expm1 } from './expm1';
import { gather } from './gather';
import { gelu } from './gelu';
import { indexSelect } from './indexSelect';
import { interpolate } from './interpolate';
import { inv } from './inv';
import { leakyRelu } from './leakyRelu';
import { linear } from './linear';
import { log } from './log';
import { log1p } from './log1p';
import { matmul } from './matmul';
import { maxDim } from './maxDim';
import { maximum } from './maximum';
import { maxPool } from './maxPool';
import { minimum } from './minimum';
import { mul } from './mul';
import { neg } from './neg';
import { norm } from './norm';
import { permute } from './permute';
import { pinv } from './pinv';
import { pow } from './pow';
import { prod } from './prod';
import { relu } from './relu';
import { reshape } from './reshape';
import { sigmoid } from './sigmoid';
import { sign } from './sign';
import { silu } from './silu';
import { sin } from './sin';
import { slice } from './slice';
import { softplus } from './softplus';
import { solve } from './solve';
import { sqrt } from './sqrt';
import { squaredError } from './squaredError';
import { stackedLinear } from './stackedLinear';
import { std } from './std';
import { sub } from './sub';
import { sum } from './sum';
import { tanh } from './tanh';
import { where } from './where';

/**
 * One vector-Jacobian rule per primitive. The type requires every key of `PrimitiveParams`, so
 * adding a primitive without its rule is a compile error.
 */
export const rules: RuleTable = {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  where,
  neg,
  exp,
  expm1,
  log,
  log1p,
  sqrt,
  abs,
  sign,
  sin,
  cos,
  tanh,
  sigmoid,
  erf,
  relu,
  leakyRelu,
  elu,
  gelu,
  silu,
  softplus,
  clamp,
  cast,
  sum,
  prod,
  amax,
  amin,
  maxDim,
  squaredError,
  std,
  norm,
  matmul,
  linear,
  stackedLinear,
  solve,
  inv,
  eigvalsh,
  eigvecsh,
  pinv,
  conv,
  maxPool,
  avgPool,
  adaptiveAvgPool,
  interpolate,
  reshape,
  permute,
  expand,
  concat,
  slice,
  gather,
  indexSelect,
};
