import { allocate, type DType } from '../dtype';
import { DTypeError } from '../errors';
import { getDefaultGenerator } from '../random/defaultGenerator';
import type { Generator } from '../random/Generator';
import { checkShape, sizeOf } from '../shape';
import { Tensor } from '../Tensor';

export interface RandomOptions {
  /** Float dtype of the result; float32 by default. */
  dtype?: DType;
  /** Where the numbers come from; the default generator (seeded by `manualSeed`) otherwise. */
  generator?: Generator;
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], { dtype = 'float32', generator }: RandomOptions = {}): Tensor {
  const data = floatArray('rand', shape, dtype);
  (generator ?? getDefaultGenerator()).fillUniform(data);
  return new Tensor(data, shape, dtype);
}

/** Standard normal samples. */
export function randn(
  shape: readonly number[],
  { dtype = 'float32', generator }: RandomOptions = {},
): Tensor {
  const data = floatArray('randn', shape, dtype);
  (generator ?? getDefaultGenerator()).fillNormal(data);
  return new Tensor(data, shape, dtype);
}

/** Integers uniform in [low, high), int32 by default, as `torch.randint(low, high, shape)`. */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  { dtype = 'int32', generator }: RandomOptions = {},
): Tensor {
  checkShape('randint', shape);
  const g = generator ?? getDefaultGenerator();
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = g.integer(low, high);
  return new Tensor(data, shape, dtype);
}

/** A random permutation of 0…n−1 as an int32 tensor, as `torch.randperm`. */
export function randperm(n: number, { generator }: Pick<RandomOptions, 'generator'> = {}): Tensor {
  const data = (generator ?? getDefaultGenerator()).permutation(n);
  return new Tensor(data, [n], 'int32');
}

function floatArray(op: string, shape: readonly number[], dtype: DType): Float32Array | Float64Array {
  checkShape(op, shape);
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new DTypeError(`${op}: dtype must be float32 or float64, got ${dtype} (use randint for integers)`);
  }
  return allocate(dtype, sizeOf(shape)) as Float32Array | Float64Array;
}
