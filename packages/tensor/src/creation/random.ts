import { checkInteger, checkOptions } from '../checks';
import type { DType } from '../dtype';
import { formatValue, ValueError } from '../errors';
import { INT32_MAX, INT32_MIN } from '../int32';
import { getDefaultGenerator } from '../random/defaultGenerator';
import { Generator } from '../random/Generator';
import { Tensor } from '../Tensor';
import { allocateChecked, MAX_ELEMENTS, requireDType, requireShape } from '../validate';

export interface RandomOptions {
  /** Float dtype of the result; float32 by default. */
  dtype?: DType;
  /** Where the numbers come from; the default generator (seeded by `manualSeed`) otherwise. */
  generator?: Generator;
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const { data, shape: s, dtype, generator } = floatDraw('rand', shape, options);
  generator.fillUniform(data);
  return new Tensor(data, s, dtype);
}

/** Standard normal samples. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const { data, shape: s, dtype, generator } = floatDraw('randn', shape, options);
  generator.fillNormal(data);
  return new Tensor(data, s, dtype);
}

/**
 * The largest |value| each dtype holds exactly as an integer, so every draw lands in
 * [low, high) after it is stored (float32 would round 2^25 − 1 up to 2^25).
 */
const EXACT: Record<DType, [number, number]> = {
  int32: [INT32_MIN, INT32_MAX + 1],
  float32: [-(2 ** 24), 2 ** 24],
  float64: [-(2 ** 53 - 1), 2 ** 53 - 1],
  bool: [0, 2],
};

/** Integers uniform in [low, high), int32 by default, as `torch.randint(low, high, shape)`. */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomOptions = {},
): Tensor {
  const s = requireShape('randint', 'shape', shape);
  const opts = checkOptions('randint', options, ['dtype', 'generator']);
  const dtype = requireDType('randint', 'dtype', opts.dtype, 'int32');
  const g = requireGenerator('randint', opts.generator);
  const [min, max] = EXACT[dtype];
  checkInteger('randint', 'low', low, { min, max });
  checkInteger('randint', 'high', high, { min, max });
  if (low >= high) {
    throw new ValueError(
      `randint: low must be less than high (the range is [low, high)) — got low=${low}, high=${high}`,
    );
  }
  const data = allocateChecked('randint', dtype, s);
  for (let i = 0; i < data.length; i++) data[i] = g.integer(low, high);
  return new Tensor(data, s, dtype);
}

/** A random permutation of 0…n−1 as an int32 tensor, as `torch.randperm`. */
export function randperm(n: number, options: Pick<RandomOptions, 'generator'> = {}): Tensor {
  checkInteger('randperm', 'n', n, { min: 0, max: MAX_ELEMENTS });
  const g = requireGenerator('randperm', checkOptions('randperm', options, ['generator']).generator);
  return new Tensor(g.permutation(n), [n], 'int32');
}

function floatDraw(op: string, shape: readonly number[], options: RandomOptions) {
  const s = requireShape(op, 'shape', shape);
  const opts = checkOptions(op, options, ['dtype', 'generator']);
  const dtype = requireDType(
    op,
    'dtype',
    opts.dtype,
    'float32',
    ['float32', 'float64'],
    'use randint for integers',
  );
  const generator = requireGenerator(op, opts.generator);
  const data = allocateChecked(op, dtype, s) as Float32Array | Float64Array;
  return { data, shape: s, dtype, generator };
}

function requireGenerator(op: string, generator: unknown): Generator {
  if (generator === undefined) return getDefaultGenerator();
  if (!(generator instanceof Generator)) {
    throw new ValueError(
      `${op}: generator must be a Generator — got ${formatValue(generator)} (make one with new Generator(seed))`,
    );
  }
  return generator;
}
