/**
 * The contract of the gradient methods, on random gradient rows (fast-check): every method that
 * reports exact weights has d = Σ wᵢgᵢ, and each keeps the properties it promises — no conflict
 * with any task (UPGrad, DualProj, PCGrad with two tasks), common descent (MGDA), weights that
 * follow a permutation of the tasks, and weights that do not change when every gradient is scaled.
 */

import { Generator } from '@mtl/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AlignedMTL,
  CAGrad,
  ConFIG,
  DualProj,
  FairGrad,
  type GradientAggregation,
  GradVac,
  IMTL,
  MGDA,
  MoDo,
  NashMTL,
  PCGrad,
  SDMGrad,
  UPGrad,
} from '../src/index';
import { type Aggregated, aggregator } from './fixtures/aggregate';

/**
 * Gradient rows in general position: T tasks (2–5) of dimension D ≥ T with Gaussian entries, so
 * the Gramian has full rank and every method's weights are unique. (Degenerate rows — duplicated
 * or opposite tasks, D < T — are each method's own unit tests.)
 */
const rowsArb = (minT = 2, maxT = 5) =>
  fc
    .record({
      t: fc.integer({ min: minT, max: maxT }),
      extra: fc.integer({ min: 0, max: 4 }),
      seed: fc.nat(),
    })
    .map(({ t, extra, seed }) => {
      const g = new Generator(seed);
      return Array.from({ length: t }, () => Array.from({ length: t + extra }, () => g.normal()));
    });

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
};

/** Methods with exact weights (d = Σ wᵢgᵢ), fresh per call. */
const EXACT: [string, () => GradientAggregation][] = [
  ['MGDA', () => new MGDA()],
  ['MGDA exact', () => new MGDA({ solver: 'exact' })],
  ['PCGrad', () => new PCGrad()],
  ['CAGrad', () => new CAGrad()],
  ['IMTL', () => new IMTL()],
  ['NashMTL', () => new NashMTL()],
  ['AlignedMTL', () => new AlignedMTL()],
  ['UPGrad', () => new UPGrad()],
  ['DualProj', () => new DualProj()],
  ['ConFIG', () => new ConFIG()],
  ['FairGrad', () => new FairGrad()],
  ['GradVac (one group)', () => new GradVac()],
  ['SDMGrad', () => new SDMGrad()],
  ['MoDo', () => new MoDo({ gamma: 0.1 })],
  // Krum is exact too, but needs three tasks: its properties are in newMethods.test.ts.
];

const run = (make: () => GradientAggregation, rows: number[][]): Aggregated => aggregator(make())(rows);
const RUNS = { numRuns: 60, seed: 18 };

describe('d = Σ wᵢgᵢ for every method with exact weights', () => {
  for (const [name, make] of EXACT) {
    it(name, () => {
      fc.assert(
        fc.property(rowsArb(), (rows) => {
          const { direction, weights } = run(make, rows);
          const scale = Math.max(1, ...weights.map(Math.abs));
          for (let k = 0; k < direction.length; k++) {
            const sum = rows.reduce((s, r, i) => s + weights[i]! * r[k]!, 0);
            expect(Math.abs(direction[k]! - sum)).toBeLessThanOrEqual(1e-9 * scale);
          }
        }),
        RUNS,
      );
    });
  }
});

describe('promised properties', () => {
  it('UPGrad and DualProj conflict with no task (up to their ε regularisation)', () => {
    for (const make of [() => new UPGrad({ eps: 0 }), () => new DualProj({ eps: 0 })]) {
      fc.assert(
        fc.property(rowsArb(), (rows) => {
          const { direction } = run(make, rows);
          const size = Math.max(...rows.map((r) => Math.hypot(...r)));
          for (const r of rows) expect(dot(direction, r)).toBeGreaterThanOrEqual(-1e-9 * size * size);
        }),
        RUNS,
      );
    }
  });

  it('PCGrad with two tasks conflicts with neither', () => {
    fc.assert(
      fc.property(rowsArb(2, 2), (rows) => {
        const { direction } = run(() => new PCGrad(), rows);
        for (const r of rows) expect(dot(direction, r)).toBeGreaterThanOrEqual(-1e-6);
      }),
      RUNS,
    );
  });

  it('MGDA (exact) gives a common descent direction: ⟨d, gᵢ⟩ ≥ ‖d‖² for every task', () => {
    fc.assert(
      fc.property(rowsArb(), (rows) => {
        const { direction } = run(() => new MGDA({ solver: 'exact' }), rows);
        const normSq = dot(direction, direction);
        for (const r of rows) expect(dot(direction, r)).toBeGreaterThanOrEqual(normSq - 1e-9);
      }),
      RUNS,
    );
  });

  const PERMUTATION_INVARIANT: [string, () => GradientAggregation][] = [
    ['MGDA exact', () => new MGDA({ solver: 'exact' })],
    ['CAGrad', () => new CAGrad()],
    ['IMTL', () => new IMTL()],
    ['NashMTL', () => new NashMTL()],
    ['AlignedMTL', () => new AlignedMTL()],
    ['UPGrad', () => new UPGrad()],
    ['DualProj', () => new DualProj()],
    ['ConFIG', () => new ConFIG()],
    ['FairGrad', () => new FairGrad()],
    ['SDMGrad', () => new SDMGrad()],
    ['MoDo', () => new MoDo({ gamma: 0.1 })],
  ];
  for (const [name, make] of PERMUTATION_INVARIANT) {
    it(`${name}: permuting the tasks permutes the weights`, () => {
      fc.assert(
        fc.property(rowsArb(3, 5), fc.nat(), (rows, k) => {
          // A rotation by r of the task order.
          const r = (k % (rows.length - 1)) + 1;
          const rotated = rows.map((_, i) => rows[(i + r) % rows.length]!);
          const w = run(make, rows).weights;
          const v = run(make, rotated).weights;
          const size = Math.max(1, ...w.map(Math.abs));
          v.forEach((vi, i) => {
            expect(Math.abs(vi - w[(i + r) % rows.length]!)).toBeLessThanOrEqual(1e-6 * size);
          });
        }),
        RUNS,
      );
    });
  }

  const SCALE_INVARIANT: [string, () => GradientAggregation][] = [
    ['MGDA exact', () => new MGDA({ solver: 'exact' })],
    ['CAGrad', () => new CAGrad()],
    ['IMTL', () => new IMTL()],
    ['NashMTL without clipping', () => new NashMTL({ maxNorm: 0 })],
    ['AlignedMTL', () => new AlignedMTL()],
    ['UPGrad', () => new UPGrad()],
    ['DualProj', () => new DualProj()],
    ['ConFIG', () => new ConFIG()],
    // Not SDMGrad: it divides G by s² + 1e-8 (s the mean gradient norm), so the 1e-8 breaks the
    // invariance at small scales, and its inner steps (lr 5, far above 2/‖A‖) amplify the change.
    // Not MoDo: its step γ·GGᵀλ grows with the gradients' scale (LibMTL does not normalise G).
  ];
  for (const [name, make] of SCALE_INVARIANT) {
    it(`${name}: scaling every gradient by c leaves the weights unchanged`, () => {
      fc.assert(
        fc.property(rowsArb(), fc.constantFrom(0.01, 3, 250), (rows, c) => {
          const w = run(make, rows).weights;
          const v = run(
            make,
            rows.map((r) => r.map((x) => c * x)),
          ).weights;
          const size = Math.max(1, ...w.map(Math.abs));
          v.forEach((vi, i) => {
            expect(Math.abs(vi - w[i]!)).toBeLessThanOrEqual(1e-6 * size);
          });
        }),
        RUNS,
      );
    });
  }
});
