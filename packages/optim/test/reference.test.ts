/**
 * Replays PyTorch 1.13's optimizer trajectories and clipping cases (written by
 * `tools/reference/optim.py`) with @mtl/optim on plain `{ value, grad }` parameters: the
 * parameters after every step, the final state key by key, and the clipped gradients and norms.
 */
import {
  add,
  backend as currentBackend,
  matmul,
  mul,
  neg,
  setBackend,
  sub,
  type Tensor,
  transpose,
  zeros,
} from '@mtl/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  type BaseOptions,
  clipGradNorm,
  clipGradValue,
  Momentum,
  type Optimizer,
  type ParameterLike,
  RMSprop,
  SGD,
} from '../src/index';
import {
  type ClipCase,
  closeNumber,
  compareTensor,
  decodeNumber,
  decodeTensor,
  type FixtureState,
  type FloatDType,
  isFixtureTensor,
  loadClipFixture,
  loadOptimFixture,
  type Problem,
  TOLERANCE,
  type Trajectory,
} from './fixtureCodec';

type AnyOptimizer = Optimizer<BaseOptions>;
type OptimizerClass = new (params: unknown, options: Record<string, unknown>) => AnyOptimizer;

const CLASSES: Record<Trajectory['optimizer'], OptimizerClass> = {
  SGD: SGD as unknown as OptimizerClass,
  Momentum: Momentum as unknown as OptimizerClass,
  Adam: Adam as unknown as OptimizerClass,
  AdamW: AdamW as unknown as OptimizerClass,
  RMSprop: RMSprop as unknown as OptimizerClass,
  Adagrad: Adagrad as unknown as OptimizerClass,
};

const optimFixture = loadOptimFixture();
const clipFixture = loadClipFixture();

/** The function problem's tensors in one dtype. */
interface ProblemTensors {
  A: Tensor;
  At: Tensor;
  B: Tensor;
  Bt: Tensor;
  b: Tensor;
  /** 4·quartic: the coefficient of x³ in ∇f. */
  cubic: number;
}

function problemIn(problem: Problem, dtype: FloatDType): ProblemTensors {
  const A = decodeTensor(problem.A, dtype);
  const B = decodeTensor(problem.B, dtype);
  return {
    A,
    At: transpose(A, 0, 1),
    B,
    Bt: transpose(B, 0, 1),
    b: decodeTensor(problem.b, dtype),
    cubic: 4 * problem.quartic,
  };
}

/**
 * sign·∇f for f(x, y) = ½‖A x + B y − b‖² + quartic·(Σx⁴ + Σy⁴), with the expressions of
 * optim.py: r = A x + B y − b, ∇x = Aᵀ r + x·x·x·(4·quartic), ∇y = Bᵀ r + y·y·y·(4·quartic).
 */
function problemGradients(P: ProblemTensors, x: Tensor, y: Tensor, sign: number): Tensor[] {
  const r = sub(add(matmul(P.A, x), matmul(P.B, y)), P.b);
  const gx = add(matmul(P.At, r), mul(mul(mul(x, x), x), P.cubic));
  const gy = add(matmul(P.Bt, r), mul(mul(mul(y, y), y), P.cubic));
  return sign < 0 ? [neg(gx), neg(gy)] : [gx, gy];
}

function makeOptimizer(t: Trajectory, params: ParameterLike[]): AnyOptimizer {
  const input =
    t.groups === null
      ? params
      : t.groups.map(({ params: indices, ...overrides }) => ({
          ...overrides,
          params: indices.map((i) => params[i]!),
        }));
  return new CLASSES[t.optimizer](input, { ...t.options });
}

/** Differences between our state of one parameter and torch's (keys, step counts, buffers). */
function compareState(
  got: Record<string, unknown> | undefined,
  exp: FixtureState | null,
  label: string,
): string[] {
  if (exp === null)
    return got === undefined ? [] : [`${label}: expected no state, got keys ${Object.keys(got)}`];
  if (got === undefined) return [`${label}: no state, expected keys ${Object.keys(exp).sort()}`];
  const gotKeys = Object.keys(got).sort();
  const expKeys = Object.keys(exp).sort();
  if (gotKeys.join() !== expKeys.join()) return [`${label}: state keys [${gotKeys}], expected [${expKeys}]`];
  const errors: string[] = [];
  for (const key of expKeys) {
    const e = exp[key]!;
    const g = got[key];
    if (isFixtureTensor(e)) {
      const err = compareTensor(g, e, `${label}.${key}`, e.dtype === 'float32');
      if (err) errors.push(err);
    } else if (g !== e) {
      errors.push(`${label}.${key}: got ${String(g)}, expected ${e}`);
    }
  }
  return errors;
}

/**
 * Replays one trajectory; returns the differences at the first step where any appear (later
 * steps would only repeat them), or the final-state differences.
 */
function replay(t: Trajectory): string[] {
  const params: ParameterLike[] = t.init.map((v) => ({ value: decodeTensor(v), grad: null }));
  const optimizer = makeOptimizer(t, params);
  const problem = t.kind === 'function' ? problemIn(optimFixture.problem, t.dtype) : null;
  const seen = params.map(() => false);
  const exactZeroStep =
    t.optimizer === 'SGD' && !t.options.momentum && !t.options.weightDecay && t.groups === null;
  for (let k = 0; k < t.params.length; k++) {
    let grads: (Tensor | null)[];
    if (t.kind === 'recorded') {
      grads = t.grads![k]!.map((g) => (g === null ? null : decodeTensor(g)));
    } else {
      grads = problemGradients(problem!, params[0]!.value, params[1]!.value, t.sign);
    }
    const before = params.map((p) => p.value.clone());
    params.forEach((p, i) => {
      p.grad = grads[i]!;
      seen[i] = seen[i]! || grads[i] !== null;
    });
    optimizer.step();
    const errors: string[] = [];
    params.forEach((p, i) => {
      const label = `step ${k + 1}, param ${i}`;
      const err = compareTensor(p.value, t.params[k]![i]!, label);
      if (err) errors.push(err);
      if (optimizer.state.has(p) !== seen[i]) {
        errors.push(
          `${label}: state ${optimizer.state.has(p) ? 'exists' : 'missing'}, gradient seen: ${seen[i]}`,
        );
      }
      if (grads[i] === null || (exactZeroStep && t.zeroSteps.includes(k))) {
        const moved = Array.from(p.value.data as ArrayLike<number>).some(
          (x, j) => !Object.is(x, before[i]!.data[j]),
        );
        if (moved) errors.push(`${label}: the parameter moved without a (nonzero) gradient`);
      }
    });
    if (errors.length) return errors;
  }
  return params.flatMap((p, i) =>
    compareState(optimizer.state.get(p), t.state[i]!, `final state of param ${i}`),
  );
}

describe('fixtures', () => {
  it('cover every optimizer, both kinds and both dtypes, ≥ 20 steps each', () => {
    const ts = optimFixture.trajectories;
    for (const name of Object.keys(CLASSES)) {
      for (const kind of ['recorded', 'function']) {
        for (const dtype of ['float64', 'float32']) {
          expect(ts.some((t) => t.optimizer === name && t.kind === kind && t.dtype === dtype)).toBe(true);
        }
      }
    }
    for (const t of ts) expect(t.params.length, t.name).toBeGreaterThanOrEqual(20);
    expect(clipFixture.cases.length).toBeGreaterThan(0);
  });
});

// Both float32 paths: the WASM SIMD kernels (the default) and the TypeScript updates (forced).
describe.each(['wasm', 'js'] as const)('optimizer trajectories match torch 1.13 (%s backend)', (backend) => {
  beforeAll(() => setBackend(backend, { kernels: ['optimizerUpdates'] }));
  afterAll(() => setBackend('wasm'));

  it('runs on the requested backend', () => {
    expect(currentBackend('optimizerUpdates')).toBe(backend);
  });

  for (const t of optimFixture.trajectories) {
    it(t.name, () => {
      const errors = replay(t);
      expect(errors, `${t.name}\n${errors.join('\n')}`).toEqual([]);
    });
  }
});

function runClip(c: ClipCase): string[] {
  const params: ParameterLike[] = c.grads.map((g) =>
    g === null
      ? { value: zeros([2], { dtype: c.dtype }), grad: null }
      : { value: decodeTensor(g), grad: decodeTensor(g) },
  );
  const errors: string[] = [];
  if (c.fn === 'clipGradNorm') {
    const total = clipGradNorm(params, c.maxNorm!, { normType: decodeNumber(c.normType!) });
    const want = decodeNumber(c.totalNorm!);
    if (!closeNumber(total, want, TOLERANCE[c.dtype]))
      errors.push(`total norm: got ${total}, expected ${want}`);
  } else {
    clipGradValue(params, c.clipValue!);
  }
  params.forEach((p, i) => {
    const exp = c.out[i]!;
    if (exp === null) {
      if (p.grad !== null) errors.push(`grad ${i}: expected null`);
      return;
    }
    const err = compareTensor(p.grad, exp, `grad ${i}`);
    if (err) errors.push(err);
  });
  return errors;
}

describe('gradient clipping matches torch 1.13', () => {
  for (const c of clipFixture.cases) {
    it(c.name, () => {
      const errors = runClip(c);
      expect(errors, `${c.name}\n${errors.join('\n')}`).toEqual([]);
    });
  }
});
