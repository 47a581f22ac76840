/**
 * Per-step cost of each multi-task method relative to EW, on the seed model: 64 inputs →
 * Dense(128, relu) → 4 task heads of Dense(1), MSE, Adam, batch 256. A step is forward, the
 * method's backward (per-task gradients for gradient-level methods) and the optimizer step.
 * PCGrad, MGDA, CAGrad and UPGrad run twice: on the shared parameters' gradients (the default)
 * and, as "NAME (rep)", on the shared representation's (`representation: model.representation`);
 * PCGrad and UPGrad also as "NAME (every 4)", reusing their weights for 4 steps
 * (`updateWeightsEvery: 4`), timed over whole cycles of 4 steps.
 */
import * as mtl from '@mtl/multitask';
import { crossEntropy, mseLoss } from '@mtl/nn';
import { Adam } from '@mtl/optim';
import { Generator, randint, randn } from '@mtl/tensor';
import { median } from './harness';

export interface MethodCost {
  method: string;
  msPerStep: number;
  /** msPerStep / EW's. */
  ratio: number;
}

/** Every method the package exports that can be built with its defaults. */
const CANDIDATES = [
  'EW',
  'UW',
  'DWA',
  'GLS',
  'RLW',
  'GradNorm',
  'IMTLL',
  'FAMO',
  'STCH',
  'MGDA',
  'PCGrad',
  'CAGrad',
  'GradVac',
  'IMTL',
  'NashMTL',
  'AlignedMTL',
  'UPGrad',
  'DualProj',
  'GradDrop',
  'DBMTL',
  'ConFIG',
  'FairGrad',
  'MoCo',
  'ExcessMTL',
  'SDMGrad',
  'MoDo',
  'Krum',
  'TrimmedMean',
];

const ON_REPRESENTATION = ['MGDA', 'PCGrad', 'CAGrad', 'UPGrad'];

/** Also run with `updateWeightsEvery: 4` (weights computed on one step in four). */
const REUSING = ['PCGrad', 'UPGrad'];
const REUSE_EVERY = 4;

/**
 * Builds every method's model, optimizer and step first, then times them in interleaved rounds
 * (`rounds` × `steps` steps of each method in turn, from a different first method each round,
 * after `warmup` steps), so a burst of load from another process hits all methods alike; each method's cost is its median step.
 */
export function methodCosts(steps = 5, rounds = 16, warmup = 5): MethodCost[] {
  const tasks = { t0: 1, t1: 1, t2: 1, t3: 1 };
  const g = new Generator(5);
  const x = randn([256, 64], { generator: g });
  const targets = Object.fromEntries(Object.keys(tasks).map((t) => [t, randn([256, 1], { generator: g })]));
  const runs: Run[] = [];
  for (const name of CANDIDATES) {
    const Method = (mtl as unknown as Record<string, new (options?: object) => mtl.WeightingMethod>)[name];
    if (typeof Method !== 'function')
      throw new Error(`bench methods: @mtl/multitask exports no method ${name}`);
    // The four the target names also run on the representation's gradients (LibMTL's
    // rep_grad, MGDA-UB's saving: one backward through the encoder instead of one per task), and
    // two reuse their weights for 4 steps (a sample then times a whole cycle of 4 steps).
    const variants = [
      { label: name, rep: false, every: 1 },
      ...(ON_REPRESENTATION.includes(name) ? [{ label: `${name} (rep)`, rep: true, every: 1 }] : []),
      ...(REUSING.includes(name)
        ? [{ label: `${name} (every ${REUSE_EVERY})`, rep: false, every: REUSE_EVERY }]
        : []),
    ];
    for (const { label, rep, every } of variants) {
      const model = mtl.HardSharing.mlp({ inputSize: 64, hidden: [128], tasks, generator: new Generator(1) });
      const method = new Method(every > 1 ? { updateWeightsEvery: every } : undefined).init(
        Object.keys(tasks),
      );
      const optimizer = new Adam([...model.parameters(), ...method.parameters()], { lr: 1e-3 });
      const shared = model.sharedParameters();
      const one = (epoch: number) => {
        optimizer.zeroGrad();
        const out = model.forward(x);
        const losses = Object.fromEntries(Object.entries(out).map(([t, y]) => [t, mseLoss(y, targets[t]!)]));
        method.backward(losses, {
          shared,
          // Methods combine shared-parameter gradients, except those that need the representation.
          representation: rep || method.needsRepresentation ? model.representation : null,
          epoch,
        });
        optimizer.step();
      };
      const step = (epoch: number) => {
        for (let k = 0; k < every; k++) one(epoch);
      };
      for (let i = 0; i < warmup; i++) step(0);
      runs.push({ method: label, step, times: [], per: every });
    }
  }
  return timeInterleaved(runs, steps, rounds);
}

/** A method's step to time: `per` training steps per call (a reuse cycle), `times` per call. */
interface Run {
  method: string;
  step: (epoch: number) => void;
  times: number[];
  per: number;
}

/**
 * Times the runs in interleaved rounds (`rounds` × `steps` calls of each run in turn, from a
 * different first run each round), so a burst of load from another process hits all alike; each
 * run's cost is its median call over `per`, relative to the run named EW.
 */
function timeInterleaved(runs: Run[], steps: number, rounds: number): MethodCost[] {
  for (let round = 0; round < rounds; round++) {
    // Each round starts at a different method, so none is always first after another's garbage.
    const start = (round * 7) % runs.length;
    for (const run of [...runs.slice(start), ...runs.slice(0, start)]) {
      for (let i = 0; i < steps; i++) {
        const t0 = performance.now();
        run.step(1 + round);
        run.times.push(performance.now() - t0);
      }
    }
  }
  const results = runs.map((r) => ({ method: r.method, msPerStep: median(r.times) / r.per }));
  const ew = results.find((r) => r.method === 'EW')?.msPerStep ?? Number.NaN;
  return results.map((r) => ({ ...r, ratio: r.msPerStep / ew }));
}

/**
 * The same comparison on MultiLeNet (two 10-class tasks, batch 256 of random 1×28×28 images,
 * cross-entropy, Adam): EW and three gradient methods, on the shared parameters (the convolutions
 * and Linear(320, 50)) and on the 50-wide shared representation (MGDA-UB's saving).
 */
export function lenetMethodCosts(steps = 2, rounds = 6, warmup = 2): MethodCost[] {
  const tasks = { left: 10, right: 10 };
  const g = new Generator(6);
  const x = randn([256, 1, 28, 28], { generator: g });
  const labels = Object.fromEntries(
    Object.keys(tasks).map((t) => [t, randint(0, 10, [256], { generator: g })]),
  );
  const runs: Run[] = [];
  const variants = [
    { label: 'EW', name: 'EW', rep: false },
    ...['MGDA', 'PCGrad', 'UPGrad'].flatMap((name) => [
      { label: name, name, rep: false },
      { label: `${name} (rep)`, name, rep: true },
    ]),
  ];
  for (const { label, name, rep } of variants) {
    const Method = (mtl as unknown as Record<string, new () => mtl.WeightingMethod>)[name]!;
    const model = mtl.multiLeNet({ tasks, generator: new Generator(1) });
    const method = new Method().init(Object.keys(tasks));
    const optimizer = new Adam([...model.parameters(), ...method.parameters()], { lr: 1e-3 });
    const shared = model.sharedParameters();
    const step = (epoch: number) => {
      optimizer.zeroGrad();
      const out = model.forward(x);
      const losses = Object.fromEntries(
        Object.entries(out).map(([t, y]) => [t, crossEntropy(y, labels[t]!)]),
      );
      method.backward(losses, { shared, representation: rep ? model.representation : null, epoch });
      optimizer.step();
    };
    for (let i = 0; i < warmup; i++) step(0);
    runs.push({ method: label, step, times: [], per: 1 });
  }
  return timeInterleaved(runs, steps, rounds);
}
