/**
 * A seeded pseudo-random number generator that gives the same numbers on every machine and
 * JavaScript engine: xoshiro128** (Blackman & Vigna) on 32-bit integer arithmetic
 * (`Math.imul`, shifts, `>>> 0`), seeded through SplitMix64 as its authors recommend.
 */
import { formatValue, ValueError } from '../errors';

const TWO_32 = 4294967296;
/** 2^-53: one ulp of a double in [0.5, 1), the spacing of `uniform()`. */
const TWO_POW_MINUS_53 = 1 / 9007199254740992;
/** 2^-24: the spacing of the float32 draws in `fillUniform`. */
const TWO_POW_MINUS_24 = 1 / 16777216;
const MASK_64 = (1n << 64n) - 1n;
const STATE_LENGTH = 7;

/**
 * A seeded random number generator, the source of every random draw in `@mtl` (`rand`, `randn`,
 * initialisers, dropout, shuffling). Same seed, same numbers, on every machine and JS engine.
 *
 * The core is xoshiro128**: 128 bits of state, period 2^128 − 1, passes BigCrush, and needs only
 * 32-bit integer operations, which JavaScript performs exactly. The seed (any safe integer,
 * negative ones as 64-bit two's complement) is expanded to the four state words by SplitMix64, so
 * nearby seeds (0, 1, 2, …) give unrelated streams.
 *
 * `uniform`, `integer`, `permutation` and `fillUniform` are bit-for-bit reproducible everywhere.
 * `normal` and `fillNormal` use `Math.log` and `Math.sqrt`: `Math.sqrt` is correctly rounded on
 * every engine, but ECMAScript lets `Math.log` differ in the last bit, so normal draws can differ
 * by an ulp between engines (V8, SpiderMonkey and JavaScriptCore agree in practice). The uniform
 * draws behind them, and so the number of draws consumed, never differ.
 *
 * ```ts
 * const g = new Generator(42);
 * g.uniform();        // in [0, 1)
 * g.integer(0, 10);   // in [0, 10)
 * const saved = g.getState();
 * ```
 */
export class Generator {
  // The four xoshiro128** state words, kept as int32 values (what `^`, `<<` and Math.imul give).
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  // Marsaglia's polar method makes normals in pairs; the second waits here for the next call.
  private hasSpare = false;
  private spare = 0;
  private initialSeed = 0;

  /**
   * @param seed an integer with |seed| ≤ 2^53 − 1 (`Number.MAX_SAFE_INTEGER`); larger numbers
   *   cannot be told apart from their neighbours, so they are refused rather than silently merged.
   * @throws ValueError if `seed` is not such an integer
   */
  constructor(seed: number) {
    this.reseed('Generator', seed);
  }

  /** The seed this generator was created or last reset with (`torch.Generator.initial_seed`). */
  get seed(): number {
    return this.initialSeed;
  }

  /**
   * Resets the generator to the start of the stream for `seed`, as if newly constructed (like
   * `torch.Generator.manual_seed`). A cached normal draw is discarded.
   * @returns this generator, for chaining
   * @throws ValueError if `seed` is not a safe integer
   */
  manualSeed(seed: number): this {
    this.reseed('Generator.manualSeed', seed);
    return this;
  }

  /** The next 32 random bits, as an integer in [0, 2^32). Every other draw is built from these. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = rotl(s3, 11);
    return result;
  }

  /**
   * A uniform double in [0, 1) with 53 random bits (two `nextUint32` draws), so every double of
   * the form k · 2^-53 is equally likely; 32 bits would leave most doubles unreachable.
   */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) * TWO_POW_MINUS_53;
  }

  /**
   * A standard normal draw (mean 0, variance 1) by Marsaglia's polar method, which makes two
   * independent normals from each accepted pair of uniforms; the second is cached and returned by
   * the next call (`getState` saves it). Uses `Math.log` and `Math.sqrt`; see the class note on
   * reproducibility across engines.
   */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * factor;
    this.hasSpare = true;
    return u * factor;
  }

  /**
   * A uniform integer in [low, high) (PyTorch's `randint` convention). Rejection sampling on the
   * smallest power-of-two range that covers `high − low`, so there is no modulo bias at any range
   * size; on average fewer than two draws are needed. A range of one value consumes no draws.
   * @throws ValueError unless low and high are safe integers with low < high and high − low ≤ 2^53 − 1
   */
  integer(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw new ValueError(
        `Generator.integer: low and high must be safe integers — got low=${formatValue(low)}, high=${formatValue(high)}`,
      );
    }
    if (!(low < high)) {
      throw new ValueError(
        `Generator.integer: low must be less than high (the range is [low, high)) — got low=${low}, high=${high}`,
      );
    }
    // A difference above 2^53 − 1 is rounded, so the check fails exactly when the range is too big.
    if (!Number.isSafeInteger(high - low)) {
      throw new ValueError(
        `Generator.integer: high - low must be at most 2^53 - 1 — got low=${low}, high=${high}`,
      );
    }
    return low + this.below(high - low);
  }

  /**
   * A uniformly random permutation of 0, 1, …, n−1 (Fisher–Yates), like `torch.randperm`
   * (though not the same numbers as PyTorch's).
   * @throws ValueError unless n is an integer in [0, 2^31 − 1]
   */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
      throw new ValueError(
        `Generator.permutation: n must be an integer in [0, 2^31 - 1] — got ${formatValue(n)}`,
      );
    }
    const result = new Int32Array(n);
    for (let i = 0; i < n; i++) result[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const tmp = result[i]!;
      result[i] = result[j]!;
      result[j] = tmp;
    }
    return result;
  }

  /**
   * Fills `out` with uniform draws in [low, high) (`torch.Tensor.uniform_`). A Float64Array gets
   * one 53-bit `uniform()` per element; a Float32Array gets one 24-bit draw per element (all the
   * resolution a float32 in [0, 1) has, and half the work). A value that rounds up to `high` is
   * drawn again, so `high` is never returned.
   * @returns `out`
   * @throws ValueError unless low and high are finite with low ≤ high and a finite difference
   */
  fillUniform<T extends Float32Array | Float64Array>(out: T, low = 0, high = 1): T {
    requireFloatArray('Generator.fillUniform', out);
    const span = high - low;
    if (!Number.isFinite(low) || !Number.isFinite(high) || !(low <= high) || !Number.isFinite(span)) {
      throw new ValueError(
        `Generator.fillUniform: need finite low <= high — got low=${formatValue(low)}, high=${formatValue(high)}`,
      );
    }
    // The redraw loop below needs float32 draws that land below high; past float32's range, or
    // when low already rounds up to high, none would, and it would never end.
    if (out instanceof Float32Array && span > 0 && !(Math.fround(low) < high)) {
      throw new ValueError(
        `Generator.fillUniform: [low, high) holds no float32 value — got low=${formatValue(low)}, high=${formatValue(high)} (use a Float64Array)`,
      );
    }
    if (out instanceof Float32Array) {
      for (let i = 0; i < out.length; i++) {
        let v: number;
        do v = Math.fround(low + span * ((this.nextUint32() >>> 8) * TWO_POW_MINUS_24));
        while (v >= high && span > 0);
        out[i] = v;
      }
    } else {
      for (let i = 0; i < out.length; i++) {
        let v: number;
        do v = low + span * this.uniform();
        while (v >= high && span > 0);
        out[i] = v;
      }
    }
    return out;
  }

  /**
   * Fills `out` with normal draws of the given mean and standard deviation (`torch.Tensor.normal_`),
   * computed in float64 and rounded to the array's type.
   * @returns `out`
   * @throws ValueError unless mean is finite and std is finite and ≥ 0
   */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    requireFloatArray('Generator.fillNormal', out);
    if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
      throw new ValueError(
        `Generator.fillNormal: need a finite mean and a finite std >= 0 — got mean=${formatValue(mean)}, std=${formatValue(std)}`,
      );
    }
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /**
   * The complete state as plain numbers (JSON-safe), to save a run and resume it with `setState`:
   * `[s0, s1, s2, s3, hasSpare, spare, seed]` — the four xoshiro128** words as unsigned 32-bit
   * integers, whether a cached normal is waiting (0 or 1) and its value, and the seed.
   */
  getState(): number[] {
    return [
      this.s0 >>> 0,
      this.s1 >>> 0,
      this.s2 >>> 0,
      this.s3 >>> 0,
      this.hasSpare ? 1 : 0,
      this.spare,
      this.initialSeed,
    ];
  }

  /**
   * Restores a state from `getState` (of this or any other generator); the draws that follow are
   * the ones that followed the `getState` call.
   * @throws ValueError if `state` is not a state `getState` could have returned
   */
  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length !== STATE_LENGTH) {
      const got = Array.isArray(state) ? `${state.length} numbers` : formatValue(state);
      throw new ValueError(
        `Generator.setState: expected the ${STATE_LENGTH} numbers getState() returns — got ${got}`,
      );
    }
    const [a, b, c, d, flag, spare, seed] = state as [number, number, number, number, number, number, number];
    for (const [i, word] of [a, b, c, d].entries()) {
      if (!Number.isInteger(word) || word < 0 || word >= TWO_32) {
        throw new ValueError(
          `Generator.setState: state[${i}] must be an integer in [0, 2^32) — got ${formatValue(word)}`,
        );
      }
    }
    // xoshiro's all-zero state is a fixed point: it would return 0 forever.
    if (a === 0 && b === 0 && c === 0 && d === 0) {
      throw new ValueError('Generator.setState: state[0..3] must not all be 0 — got [0, 0, 0, 0]');
    }
    if (flag !== 0 && flag !== 1) {
      throw new ValueError(
        `Generator.setState: state[4] (has a cached normal) must be 0 or 1 — got ${formatValue(flag)}`,
      );
    }
    if (!Number.isFinite(spare)) {
      throw new ValueError(
        `Generator.setState: state[5] (the cached normal) must be finite — got ${formatValue(spare)}`,
      );
    }
    if (!Number.isSafeInteger(seed)) {
      throw new ValueError(
        `Generator.setState: state[6] (the seed) must be a safe integer — got ${formatValue(seed)}`,
      );
    }
    this.s0 = a | 0;
    this.s1 = b | 0;
    this.s2 = c | 0;
    this.s3 = d | 0;
    this.hasSpare = flag === 1;
    this.spare = spare;
    this.initialSeed = seed;
  }

  /** A uniform integer in [0, range), for 1 ≤ range ≤ 2^53 − 1, unbiased by rejection. */
  private below(range: number): number {
    if (range === 1) return 0;
    if (range <= TWO_32) {
      // Keep the top `bits` bits of each draw, where 2^bits is the smallest power of two ≥ range.
      const shift = Math.clz32(range - 1);
      for (;;) {
        const x = this.nextUint32() >>> shift;
        if (x < range) return x;
      }
    }
    // Wider ranges: the top (bits − 32) bits of one draw above all 32 bits of another.
    const shift = Math.clz32(Math.floor((range - 1) / TWO_32));
    for (;;) {
      const x = (this.nextUint32() >>> shift) * TWO_32 + this.nextUint32();
      if (x < range) return x;
    }
  }

  private reseed(method: string, seed: number): void {
    if (!Number.isSafeInteger(seed)) {
      throw new ValueError(
        `${method}: seed must be an integer in [-(2^53 - 1), 2^53 - 1] — got ${formatValue(seed)}`,
      );
    }
    // SplitMix64 (Steele, Lea & Flood) expands the 64-bit seed into two 64-bit words. It runs once
    // per seeding, so BigInt's cost does not matter, and BigInt arithmetic is exact everywhere.
    let x = BigInt.asUintN(64, BigInt(seed));
    const next = (): bigint => {
      x = (x + 0x9e3779b97f4a7c15n) & MASK_64;
      let z = x;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
      return z ^ (z >> 31n);
    };
    const first = next();
    const second = next();
    // Two consecutive SplitMix64 outputs are never both zero (its output map is a bijection), so
    // the all-zero xoshiro state cannot arise.
    this.s0 = Number(first & 0xffffffffn) | 0;
    this.s1 = Number(first >> 32n) | 0;
    this.s2 = Number(second & 0xffffffffn) | 0;
    this.s3 = Number(second >> 32n) | 0;
    this.hasSpare = false;
    this.spare = 0;
    this.initialSeed = seed;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function requireFloatArray(method: string, out: unknown): void {
  if (!(out instanceof Float32Array) && !(out instanceof Float64Array)) {
    throw new ValueError(`${method}: out must be a Float32Array or a Float64Array — got ${formatValue(out)}`);
  }
}
