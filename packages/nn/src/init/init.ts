import {
  checkChoice,
  checkOptions,
  DTypeError,
  formatValue,
  type Generator,
  getDefaultGenerator,
  type OptionKeys,
  optionKeys,
  randn,
  Tensor,
  transpose,
  ValueError,
} from '@mtl/tensor';

import { requireFinite, requireGenerator, requireTensor } from '../validate';
import { fans, gainFor, type Nonlinearity } from './fans';

/*
 * Initialisers, as `torch.nn.init`: each fills a float tensor in place (typically a parameter's
 * value) and returns it, drawing from `generator` (the default generator if omitted), with
 * PyTorch's gain and fan conventions. The numbers differ from PyTorch's (a different random
 * generator); the distributions are the same.
 */

export interface InitOptions {
  generator?: Generator;
}

export type FanMode = 'fanIn' | 'fanOut';

function floatData(op: string, t: Tensor): Float32Array | Float64Array {
  requireTensor(op, 't', t);
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new DTypeError(
      `${op}: can only fill float tensors, got dtype ${t.dtype} (make it with { dtype: 'float32' })`,
    );
  }
  return t.data as Float32Array | Float64Array;
}

export type UniformOptions = InitOptions & { low?: number; high?: number };
export type NormalOptions = InitOptions & { mean?: number; std?: number };
export type GainOptions = InitOptions & { gain?: number };

const UNIFORM_OPTIONS = optionKeys<UniformOptions>({ low: true, high: true, generator: true });
const NORMAL_OPTIONS = optionKeys<NormalOptions>({ mean: true, std: true, generator: true });
const GAIN_OPTIONS = optionKeys<GainOptions>({ gain: true, generator: true });

/**
 * Checks an initialiser's tensor and options: the options object (only the `known` keys), its
 * `numbers` (finite) and its generator.
 */
function initArgs<O extends InitOptions>(
  op: string,
  t: Tensor,
  options: O | undefined,
  known: OptionKeys<O>,
  numbers: readonly (keyof O & string)[],
): O {
  floatData(op, t);
  const o = checkOptions(op, options, known);
  for (const name of numbers) requireFinite(op, name, o[name]);
  requireGenerator(op, o.generator);
  return o;
}

/** U(low, high). */
export function uniform(t: Tensor, options: UniformOptions = {}): Tensor {
  const { low = 0, high = 1, generator } = initArgs('uniform', t, options, UNIFORM_OPTIONS, ['low', 'high']);
  if (low > high) throw new ValueError(`uniform: low must be <= high, got low=${low}, high=${high}`);
  (generator ?? getDefaultGenerator()).fillUniform(floatData('uniform', t), low, high);
  return t;
}

/** N(mean, std²). */
export function normal(t: Tensor, options: NormalOptions = {}): Tensor {
  const { mean = 0, std = 1, generator } = initArgs('normal', t, options, NORMAL_OPTIONS, ['mean', 'std']);
  if (std < 0) throw new ValueError(`normal: std must be >= 0, got ${std}`);
  (generator ?? getDefaultGenerator()).fillNormal(floatData('normal', t), mean, std);
  return t;
}

/** Every element `value`. */
export function constant(t: Tensor, value: number): Tensor {
  const data = floatData('constant', t);
  if (typeof value !== 'number') {
    throw new ValueError(`constant: value must be a number, got ${formatValue(value)}`);
  }
  data.fill(value);
  return t;
}

export function zeros(t: Tensor): Tensor {
  floatData('zeros', t);
  return constant(t, 0);
}

export function ones(t: Tensor): Tensor {
  floatData('ones', t);
  return constant(t, 1);
}

/** U(−a, a) with a = gain·√(6/(fanIn + fanOut)) (Glorot & Bengio). */
export function xavierUniform(t: Tensor, options: GainOptions = {}): Tensor {
  const { gain = 1, generator } = initArgs('xavierUniform', t, options, GAIN_OPTIONS, ['gain']);
  const { fanIn, fanOut } = fans('xavierUniform', t);
  if (t.size === 0) return t; // as PyTorch: initialising a zero-element tensor is a no-op
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, { low: -a, high: a, generator });
}

/** N(0, std²) with std = gain·√(2/(fanIn + fanOut)). */
export function xavierNormal(t: Tensor, options: GainOptions = {}): Tensor {
  const { gain = 1, generator } = initArgs('xavierNormal', t, options, GAIN_OPTIONS, ['gain']);
  const { fanIn, fanOut } = fans('xavierNormal', t);
  if (t.size === 0) return t; // as PyTorch: initialising a zero-element tensor is a no-op
  return normal(t, { std: gain * Math.sqrt(2 / (fanIn + fanOut)), generator });
}

export interface KaimingOptions extends InitOptions {
  /** The negative slope of the rectifier after this layer (for 'leakyRelu'). Default 0. */
  a?: number;
  /** Preserve the variance of the forward pass ('fanIn', default) or the backward pass ('fanOut'). */
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

const KAIMING_OPTIONS = optionKeys<KaimingOptions>({
  a: true,
  mode: true,
  nonlinearity: true,
  generator: true,
});

function kaimingStd(op: string, t: Tensor, options: KaimingOptions | undefined): number {
  const {
    a = 0,
    mode = 'fanIn',
    nonlinearity = 'leakyRelu',
  } = initArgs(op, t, options, KAIMING_OPTIONS, ['a']);
  checkChoice(op, 'mode', mode, ['fanIn', 'fanOut'], 'fanIn');
  const f = fans(op, t);
  const fan = mode === 'fanIn' ? f.fanIn : f.fanOut;
  return gainFor(op, nonlinearity, a) / Math.sqrt(fan);
}

/** Checks the arguments; true for a zero-element tensor, which (as in PyTorch) is left as it is. */
function isEmpty(op: string, t: Tensor, options: KaimingOptions | undefined): boolean {
  const { mode, nonlinearity = 'leakyRelu', a = 0 } = initArgs(op, t, options, KAIMING_OPTIONS, ['a']);
  checkChoice(op, 'mode', mode, ['fanIn', 'fanOut'], 'fanIn');
  fans(op, t);
  gainFor(op, nonlinearity, a);
  return t.size === 0;
}

/**
 * U(−b, b) with b = gain·√(3/fan) (He et al.). PyTorch's Linear default is this with a = √5,
 * which gives U(−1/√fanIn, 1/√fanIn).
 */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (isEmpty('kaimingUniform', t, options)) return t;
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', t, options);
  return uniform(t, { low: -bound, high: bound, generator: options?.generator });
}

/** N(0, std²) with std = gain/√fan (He et al.). */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (isEmpty('kaimingNormal', t, options)) return t;
  return normal(t, { std: kaimingStd('kaimingNormal', t, options), generator: options?.generator });
}

/**
 * A (semi-)orthogonal matrix times `gain`, as `torch.nn.init.orthogonal_`: QR of a normal
 * matrix (Gram–Schmidt here), with Q's columns signed by R's diagonal so the result is
 * uniformly distributed. Tensors with more than 2 dims are flattened to [rows, rest].
 */
export function orthogonal(t: Tensor, options: GainOptions = {}): Tensor {
  const { gain = 1, generator } = initArgs('orthogonal', t, options, GAIN_OPTIONS, ['gain']);
  if (t.rank < 2) throw new ValueError(`orthogonal: needs at least 2 dims, got shape [${t.shape.join(',')}]`);
  if (t.size === 0) return t; // as PyTorch: initialising a zero-element tensor is a no-op
  const rows = t.shape[0]!;
  const cols = t.size / rows;
  const tall = rows >= cols;
  const [m, n] = tall ? [rows, cols] : [cols, rows];
  const a = randn([m, n], { dtype: 'float64', generator: generator ?? getDefaultGenerator() });
  const q = gramSchmidt(a.data as Float64Array, m, n);
  const result = tall ? q : transpose(q, 0, 1);
  const out = floatData('orthogonal', t);
  for (let i = 0; i < out.length; i++) out[i] = gain * result.data[i]!;
  return t;
}

/** Q of the thin QR of an m×n matrix (m ≥ n), by modified Gram–Schmidt, signed by R's diagonal. */
function gramSchmidt(a: Float64Array, m: number, n: number): Tensor {
  const q = Float64Array.from(a);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[i * n + k]! * q[i * n + j]!;
      for (let i = 0; i < m; i++) q[i * n + j] = q[i * n + j]! - dot * q[i * n + k]!;
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[i * n + j]! ** 2;
    norm = Math.sqrt(norm);
    // R's diagonal entry is this norm (positive), so Q's sign is already R-consistent.
    for (let i = 0; i < m; i++) q[i * n + j] = q[i * n + j]! / norm;
  }
  return new Tensor(q, [m, n], 'float64');
}
