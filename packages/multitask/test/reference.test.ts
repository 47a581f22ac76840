/**
 * Replays the PyTorch reference (written by `tools/reference/mtl.py`; its docstring describes the
 * format and the training loop) with our methods: 10 Adam steps of a hard-sharing model per
 * method (task losses, returned weights and every parameter after each step), and the direction
 * and weights of each gradient method on fixed gradient rows. Everything is float64 and compared
 * to 1e-8 relative. A method the package does not export fails here (it is in the fixture).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { add, mul, noGrad, Parameter, sum, type Variable } from '@mtl/autograd';
import { mseLoss } from '@mtl/nn';
import { Adam } from '@mtl/optim';
import { Tensor, zeros } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import type { WeightingMethod } from '../src/index';
import * as mtl from '../src/index';

interface FixtureTensor {
  dtype: 'float64';
  shape: number[];
  data: number[];
}

interface Step {
  epoch: number;
  losses: Record<string, number>;
  weights: Record<string, number>;
  params: Record<string, FixtureTensor>;
  methodParams: number[];
}

interface TrajectoryCase {
  name: string;
  method: string;
  options: Record<string, unknown>;
  representation: boolean;
  methodParams: 'none' | 'tasks' | 'logScale';
  famoUpdate: boolean;
  steps: Step[];
}

interface UnitCase {
  name: string;
  method: string;
  options: Record<string, unknown>;
  rows: number[][];
  losses: number[];
  steps: number;
  direction: number[];
  weights: number[];
}

interface Fixture {
  setup: {
    inputSize: number;
    hidden: number[];
    tasks: string[];
    lr: number;
    steps: number;
    stepsPerEpoch: number;
    init: Record<string, FixtureTensor>;
    x: FixtureTensor;
    targets: Record<string, FixtureTensor>;
  };
  trajectories: TrajectoryCase[];
  units: UnitCase[];
}

const fixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('./fixtures/mtl.json', import.meta.url)), 'utf8'),
) as Fixture;

const RTOL = 1e-8;

const decode = (t: FixtureTensor): Tensor => new Tensor(Float64Array.from(t.data), t.shape, 'float64');

type MethodClass = new (...args: unknown[]) => WeightingMethod;

/** Our class for a fixture `method` name, constructed from its options (fails if not exported). */
function construct(name: string, options: Record<string, unknown>): WeightingMethod {
  const C = (mtl as unknown as Record<string, MethodClass | undefined>)[name];
  if (typeof C !== 'function') {
    throw new Error(`@mtl/multitask does not export ${name} (the reference fixture covers it)`);
  }
  return name === 'StaticWeighting' ? new C(options.weights) : new C(options);
}

/**
 * Checks `got` against `expected` element by element: |got − expected| ≤ 1e-8·max(|expected|,
 * 1e-2·max|expected|), so near-zero entries of a vector are judged on the vector's scale.
 */
function check(label: string, got: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(got.length, `${label}: length`).toBe(expected.length);
  let scale = 0;
  for (let k = 0; k < expected.length; k++) scale = Math.max(scale, Math.abs(expected[k]!));
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k]!;
    const g = got[k]!;
    const tol = RTOL * Math.max(Math.abs(e), 1e-2 * scale, 1e-300);
    if (!(Math.abs(g - e) <= tol)) {
      throw new Error(
        `${label}[${k}]: expected ${e}, got ${g} (relative error ${(Math.abs(g - e) / Math.max(Math.abs(e), 1e-300)).toExponential(2)}); ` +
          `expected [${Array.from(expected).join(', ')}], got [${Array.from(got).join(', ')}]`,
      );
    }
  }
}

const { setup } = fixture;
const x = decode(setup.x);
const targets = Object.fromEntries(Object.entries(setup.targets).map(([t, v]) => [t, decode(v)]));

function makeModel(): mtl.HardSharing {
  const model = mtl.HardSharing.mlp({
    inputSize: setup.inputSize,
    hidden: setup.hidden,
    tasks: Object.fromEntries(setup.tasks.map((t) => [t, 1])),
    dtype: 'float64',
  });
  model.loadStateDict(Object.fromEntries(Object.entries(setup.init).map(([k, v]) => [k, decode(v)])));
  return model;
}

function taskLosses(model: mtl.HardSharing): Record<string, Variable> {
  const out = model.forward(x);
  return Object.fromEntries(setup.tasks.map((t) => [t, mseLoss(out[t]!, targets[t]!)]));
}

describe('PyTorch reference trajectories (10 Adam steps of a hard-sharing model)', () => {
  it('covers at least 10 steps per trajectory', () => {
    expect(setup.steps).toBeGreaterThanOrEqual(10);
    for (const c of fixture.trajectories) expect(c.steps.length).toBe(setup.steps);
  });

  for (const c of fixture.trajectories) {
    it(`${c.name}: ${c.method}(${JSON.stringify(c.options)})${c.representation ? ' on the representation' : ''}`, () => {
      const model = makeModel();
      // The lifecycle every user follows: init, then the optimizer over model and method.
      const method = construct(c.method, c.options).init(setup.tasks);
      const optimizer = new Adam([...model.parameters(), ...method.parameters()], { lr: setup.lr });
      c.steps.forEach((expected, step) => {
        const epoch = Math.floor(step / setup.stepsPerEpoch);
        expect(epoch).toBe(expected.epoch);
        const at = `${c.name}, step ${step}`;
        model.zeroGrad();
        for (const p of method.parameters()) p.zeroGrad();
        const losses = taskLosses(model);
        check(
          `${at}, losses`,
          setup.tasks.map((t) => losses[t]!.item()),
          setup.tasks.map((t) => expected.losses[t]!),
        );
        const weights = method.backward(losses, {
          shared: model.sharedParameters(),
          representation: c.representation ? model.representation : null,
          epoch,
        });
        check(
          `${at}, weights`,
          setup.tasks.map((t) => weights[t]!),
          setup.tasks.map((t) => expected.weights[t]!),
        );
        optimizer.step();
        if (c.famoUpdate) {
          const after = noGrad(() => taskLosses(model));
          (method as unknown as { update(l: Record<string, Variable>): void }).update(after);
        }
        const state = model.stateDict();
        for (const [name, value] of Object.entries(expected.params)) {
          check(`${at}, ${name}`, state[name]!.data as Float64Array, value.data);
        }
        check(
          `${at}, method parameters`,
          method.parameters().map((p) => p.item()),
          expected.methodParams,
        );
      });
    });
  }
});

describe('gradient methods on fixed gradient rows (∇Lᵢ = gᵢ through one shared parameter)', () => {
  for (const c of fixture.units) {
    it(c.name, () => {
      const method = construct(c.method, c.options);
      const d = c.rows[0]!.length;
      const rows = c.rows.map((r) => new Tensor(Float64Array.from(r), [d], 'float64'));
      const w = new Parameter(zeros([d], { dtype: 'float64' }));
      let weights: Record<string, number> = {};
      for (let k = 0; k < c.steps; k++) {
        w.zeroGrad();
        const losses = Object.fromEntries(rows.map((g, i) => [`t${i}`, add(sum(mul(w, g)), c.losses[i]!)]));
        weights = method.backward(losses, { shared: [w] });
      }
      check(`${c.name}, direction`, w.grad!.data as Float64Array, c.direction);
      check(
        `${c.name}, weights`,
        c.rows.map((_, i) => weights[`t${i}`]!),
        c.weights,
      );
    });
  }
});
