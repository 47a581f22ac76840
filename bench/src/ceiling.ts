/**
 * What one thread of 128-bit WebAssembly SIMD can issue on this CPU, in GFLOP/s: the ceiling the
 * matmul rows (ours and TF.js WASM's) are read against. Two loops of twelve independent 4-lane
 * accumulators (enough to hide each instruction's latency), one with `f32x4.relaxed_madd` (a
 * fused multiply-add where the runtime has relaxed SIMD: the kernel variant Node 22+ runs), one
 * with `f32x4.mul` then `f32x4.add` (what the plain SIMD kernel and XNNPACK issue). Counted as 2
 * flops per lane per step either way.
 *
 * Why it is here: a ratio target between two kernels cannot exceed the ratio of their ceilings.
 * Where FMA and multiply share the same pipes (Intel), the FMA loop is ~2× the other; where the
 * CPU has separate add pipes (AMD Zen 3 and later), the two are close, and so are the kernels.
 * The source is compiled at bench time with the AssemblyScript compiler the tensor package
 * builds its kernels with; operands come in as parameters so nothing is folded away.
 */
import asc from 'assemblyscript/asc';

export interface CeilingResult {
  /** GFLOP/s of the relaxed-SIMD fused multiply-add loop (null where the runtime lacks relaxed SIMD). */
  fma: number | null;
  /** GFLOP/s of the multiply-then-add loop. */
  mulAdd: number;
}

const ACCUMULATORS = 12;

/** AssemblyScript for `probe(n, xs, ys)`: n steps of every accumulator through `step`. */
function probeSource(step: (a: string) => string): string {
  const names = Array.from({ length: ACCUMULATORS }, (_, i) => `a${i}`);
  const sum = names.reduce((s, a) => (s === '' ? a : `f32x4.add(${s}, ${a})`), '');
  return `export function probe(n: i32, xs: f32, ys: f32): f32 {
  const x = f32x4.splat(xs), y = f32x4.splat(ys);
  let ${names.map((a) => `${a} = f32x4.splat(1)`).join(', ')};
  for (let i = 0; i < n; i++) {
    ${names.map((a) => `${a} = ${step(a)};`).join('\n    ')}
  }
  return f32x4.extract_lane(${sum}, 0);
}
`;
}

const FMA = probeSource((a) => `f32x4.relaxed_madd(${a}, x, y)`);
const MUL_ADD = probeSource((a) => `f32x4.add(f32x4.mul(${a}, x), y)`);

type Probe = (n: number, x: number, y: number) => number;

/** GFLOP/s of `probe`: the best of five timed calls of `steps` loop steps, after warming up. */
function gflops(probe: Probe, steps: number): number {
  // Enough calls for the tiered compiler to hand over the optimised code.
  for (let i = 0; i < 5; i++) probe(steps / 20, 0.999999, 1e-7);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    probe(steps, 0.999999, 1e-7);
    best = Math.min(best, performance.now() - t0);
  }
  return (steps * ACCUMULATORS * 4 * 2) / (best * 1e6);
}

/** The probe compiled from `source`, or null where this runtime cannot validate it. */
async function compile(source: string, features: string[]): Promise<Probe | null> {
  const { binary, error, stderr } = await asc.compileString(source, {
    optimizeLevel: 3,
    runtime: 'stub',
    enable: features,
  });
  if (error || binary === null)
    throw new Error(`ceiling: AssemblyScript failed: ${error?.message ?? stderr.toString()}`);
  const bytes = new Uint8Array(binary); // on an ArrayBuffer, as the WebAssembly API's types ask
  if (!WebAssembly.validate(bytes)) return null;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort() {} } });
  return instance.exports.probe as Probe;
}

export async function ceilingCase(steps = 20_000_000): Promise<CeilingResult> {
  const fma = await compile(FMA, ['simd', 'relaxed-simd']);
  const mulAdd = await compile(MUL_ADD, ['simd']);
  if (mulAdd === null) throw new Error('ceiling: this runtime has no WebAssembly SIMD');
  return { fma: fma === null ? null : gflops(fma, steps), mulAdd: gflops(mulAdd, steps) };
}
