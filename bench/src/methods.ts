/**
 * Per-step cost of each multi-task method relative to EW, on the seed model: 64 inputs →
 * Dense(128, relu) → 4 task heads of Dense(1), MSE, Adam, batch 256. A step is forward, the
 * method's backward (per-task gradients for gradient-level methods) and the optimizer step.
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

export function methodCosts(steps = 15): MethodCost[] {
  const tasks = { t0: 1, t1: 1, t2: 1, t3: 1 };
  const g = new Generator(5);
  const x = randn([256, 64], { generator: g });
  const targets = Object.fromEntries(Object.keys(tasks).map((t) => [t, randn([256, 1], { generator: g })]));
  const results: { method: string; msPerStep: number }[] = [];
  // Warm the JIT on the shared code path first, so the first method timed (EW, the reference) is not the cold one.
  for (const name of ['EW', ...CANDIDATES]) {
    const Method = (mtl as unknown as Record<string, new () => mtl.WeightingMethod>)[name];
    if (typeof Method !== 'function') continue;
    const model = mtl.HardSharing.mlp({ inputSize: 64, hidden: [128], tasks, generator: new Generator(1) });
    const method = new Method();
    const optimizer = new Adam([...model.parameters(), ...method.parameters()], { lr: 1e-3 });
    const times: number[] = [];
    for (let step = 0; step < steps + 3; step++) {
      const t0 = performance.now();
      optimizer.zeroGrad();
      const out = model.forward(x);
      const losses = Object.fromEntries(Object.entries(out).map(([t, y]) => [t, mseLoss(y, targets[t]!)]));
      method.backward(losses, {
        shared: model.sharedParameters(),
        // Methods combine shared-parameter gradients, except those that need the representation.
        representation: method.needsRepresentation ? model.representation : null,
        epoch: Math.floor(step / 5),
      });
      optimizer.step();
      if (step >= 3) times.push(performance.now() - t0);
    }
    results.push({ method: name, msPerStep: median(times) });
  }
  results.shift(); // the warm-up run
  const ew = results.find((r) => r.method === 'EW')?.msPerStep ?? Number.NaN;
  return results.map((r) => ({ ...r, ratio: r.msPerStep / ew }));
}
