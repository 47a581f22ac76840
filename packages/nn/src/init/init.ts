import { type Generator, getDefaultGenerator, randn, Tensor, transpose, ValueError } from '@mtl/tensor';
import { calculateGain, fans, type Nonlinearity } from './fans';

/*
 * Initialisers, as `torch.nn.init`: each fills a float tensor in place (typically a parameter's
 * value) and returns it, drawing from `generator` (the default generator if omitted), with
 * PyTorch's gain and fan conventions. The numbers differ from PyTorch's (a different random
 * generator); the distributions are the same.
 */

export interface InitOptions {
  generator?: Generator;
}

type FanMode = 'fanIn' | 'fanOut';

function floatData(op: string, t: Tensor): Float32Array | Float64Array {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new ValueError(`${op}: can only fill float tensors, got dtype ${t.dtype}`);
  }
  return t.data as Float32Array | Float64Array;
}

/** U(low, high). */
export function uniform(
  t: Tensor,
  { low = 0, high = 1, generator }: InitOptions & { low?: number; high?: number } = {},
): Tensor {
  (generator ?? getDefaultGenerator()).fillUniform(floatData('uniform', t), low, high);
  return t;
}

/** N(mean, std²). */
export function normal(
  t: Tensor,
  { mean = 0, std = 1, generator }: InitOptions & { mean?: number; std?: number } = {},
): Tensor {
  (generator ?? getDefaultGenerator()).fillNormal(floatData('normal', t), mean, std);
  return t;
}

/** Every element `value`. */
export function constant(t: Tensor, value: number): Tensor {
  floatData('constant', t).fill(value);
  return t;
}

export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

/** U(−a, a) with a = gain·√(6/(fanIn + fanOut)) (Glorot & Bengio). */
export function xavierUniform(
  t: Tensor,
  { gain = 1, generator }: InitOptions & { gain?: number } = {},
): Tensor {
  const { fanIn, fanOut } = fans('xavierUniform', t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, { low: -a, high: a, generator });
}

/** N(0, std²) with std = gain·√(2/(fanIn + fanOut)). */
export function xavierNormal(
  t: Tensor,
  { gain = 1, generator }: InitOptions & { gain?: number } = {},
): Tensor {
  const { fanIn, fanOut } = fans('xavierNormal', t);
  return normal(t, { std: gain * Math.sqrt(2 / (fanIn + fanOut)), generator });
}

export interface KaimingOptions extends InitOptions {
  /** The negative slope of the rectifier after this layer (for 'leakyRelu'). Default 0. */
  a?: number;
  /** Preserve the variance of the forward pass ('fanIn', default) or the backward pass ('fanOut'). */
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(
  op: string,
  t: Tensor,
  { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' }: KaimingOptions,
): number {
  const f = fans(op, t);
  const fan = mode === 'fanIn' ? f.fanIn : f.fanOut;
  if (mode !== 'fanIn' && mode !== 'fanOut')
    throw new ValueError(`${op}: mode must be 'fanIn' or 'fanOut', got ${String(mode)}`);
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/**
 * U(−b, b) with b = gain·√(3/fan) (He et al.). PyTorch's Linear default is this with a = √5,
 * which gives U(−1/√fanIn, 1/√fanIn).
 */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', t, options);
  return uniform(t, { low: -bound, high: bound, generator: options.generator });
}

/** N(0, std²) with std = gain/√fan (He et al.). */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, { std: kaimingStd('kaimingNormal', t, options), generator: options.generator });
}

/**
 * A (semi-)orthogonal matrix times `gain`, as `torch.nn.init.orthogonal_`: QR of a normal
 * matrix (Gram–Schmidt here), with Q's columns signed by R's diagonal so the result is
 * uniformly distributed. Tensors with more than 2 dims are flattened to [rows, rest].
 */
export function orthogonal(t: Tensor, { gain = 1, generator }: InitOptions & { gain?: number } = {}): Tensor {
  if (t.rank < 2) throw new ValueError(`orthogonal: needs at least 2 dims, got shape [${t.shape.join(',')}]`);
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
