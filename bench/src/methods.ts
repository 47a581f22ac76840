/**
 * Per-step cost of each multi-task method relative to EW, on the seed model: 64 inputs →
 * Dense(128, relu) → 4 task heads of Dense(1), MSE, Adam, batch 256. A step is forward, the
 * method's backward (per-task gradients for gradient-level methods) and the optimizer step.
 * PCGrad, MGDA, CAGrad and UPGrad run twice: on the shared parameters' gradients (the default)
 * and, as "NAME (rep)", on the shared representation's (`representation: model.representation`).
 */
import * as mtl from '@mtl/multitask';
import { mseLoss } from '@mtl/nn';
import { Adam } from '@mtl/optim';
import { Generator, randn } from '@mtl/tensor';
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
];

const ON_REPRESENTATION = ['MGDA', 'PCGrad', 'CAGrad', 'UPGrad'];

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
  const runs: { method: string; step: (epoch: number) => void; times: number[] }[] = [];
  for (const name of CANDIDATES) {
    const Method = (mtl as unknown as Record<string, new () => mtl.WeightingMethod>)[name];
    if (typeof Method !== 'function')
      throw new Error(`bench methods: @mtl/multitask exports no method ${name}`);
    // The four the target names also run on the representation's gradients (LibMTL's
    // rep_grad, MGDA-UB's saving: one backward through the encoder instead of one per task).
    const onRepresentation = ON_REPRESENTATION.includes(name) ? [false, true] : [false];
    for (const rep of onRepresentation) {
      const model = mtl.HardSharing.mlp({ inputSize: 64, hidden: [128], tasks, generator: new Generator(1) });
      const method = new Method().init(Object.keys(tasks));
      const optimizer = new Adam([...model.parameters(), ...method.parameters()], { lr: 1e-3 });
      const shared = model.sharedParameters();
      const step = (epoch: number) => {
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
      for (let i = 0; i < warmup; i++) step(0);
      runs.push({ method: rep ? `${name} (rep)` : name, step, times: [] });
    }
  }
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
  const results = runs.map((r) => ({ method: r.method, msPerStep: median(r.times) }));
  const ew = results.find((r) => r.method === 'EW')?.msPerStep ?? Number.NaN;
  return results.map((r) => ({ ...r, ratio: r.msPerStep / ew }));
}
