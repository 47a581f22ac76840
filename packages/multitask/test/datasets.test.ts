import { checkGrad, Variable } from '@mtl/autograd';
import { matmul, solve, type Tensor, tensor, ValueError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { cagradToy, cagradToyLosses, cagradToyStarts } from '../src/datasets/cagradToy';
import { gradNormToy } from '../src/datasets/gradNormToy';
import { penguins } from '../src/datasets/penguins';
import { penguinsData } from '../src/datasets/penguinsData';
import { relatedTasks } from '../src/datasets/relatedTasks';

function count(values: ArrayLike<number>, predicate: (v: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (predicate(values[i]!)) n++;
  return n;
}

function row(t: Tensor, i: number): number[] {
  const width = t.shape[1]!;
  return Array.from(t.data.subarray(i * width, (i + 1) * width));
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('penguins', () => {
  const data = penguins();

  it('embeds all 344 source records', () => {
    expect(penguinsData).toHaveLength(344);
  });

  it('keeps the 342 rows with measurements, with the documented class and missing counts', () => {
    expect(data.features.shape).toEqual([342, 6]);
    expect(data.features.dtype).toBe('float64');
    expect(data.featureNames).toEqual([
      'billLength',
      'billDepth',
      'flipperLength',
      'island=Biscoe',
      'island=Dream',
      'island=Torgersen',
    ]);
    // The two dropped records are source indices 3 and 339.
    expect(data.sourceIndex).toHaveLength(342);
    expect(data.sourceIndex.includes(3)).toBe(false);
    expect(data.sourceIndex.includes(339)).toBe(false);

    const species = data.labels.species;
    expect(species.dtype).toBe('int32');
    expect(species.shape).toEqual([342]);
    expect([0, 1, 2].map((k) => count(species.data, (v) => v === k))).toEqual([151, 68, 123]);
    expect(data.tasks.species).toEqual({ type: 'multiclass', classes: ['Adelie', 'Chinstrap', 'Gentoo'] });

    const sex = data.labels.sex;
    expect(sex.dtype).toBe('float64');
    expect(count(sex.data, Number.isNaN)).toBe(9);
    expect(count(sex.data, (v) => v === 1)).toBe(168);
    expect(count(sex.data, (v) => v === 0)).toBe(165);
    expect(data.tasks.sex).toEqual({ type: 'binary', classes: ['female', 'male'] });

    const mass = data.labels.bodyMass;
    expect(count(mass.data, Number.isNaN)).toBe(0);
    expect(data.tasks.bodyMass).toEqual({ type: 'regression' });
  });

  it('matches the source JSON at spot checks', () => {
    // [source index, bill length, bill depth, flipper, island one-hot, species, sex, mass]
    const checks: [number, number, number, number, number[], number, number, number][] = [
      [0, 39.1, 18.7, 181, [0, 0, 1], 0, 1, 3750], // Adelie, Torgersen, MALE
      [8, 34.1, 18.1, 193, [0, 0, 1], 0, Number.NaN, 3475], // Sex null
      [152, 46.5, 17.9, 192, [0, 1, 0], 1, 0, 3500], // Chinstrap, Dream, FEMALE
      [220, 46.1, 13.2, 211, [1, 0, 0], 2, 0, 4500], // Gentoo, Biscoe, FEMALE
      [336, 44.5, 15.7, 217, [1, 0, 0], 2, Number.NaN, 4875], // Sex "."
      [343, 49.9, 16.1, 213, [1, 0, 0], 2, 1, 5400], // the last record
    ];
    for (const [source, bl, bd, fl, island, species, sex, mass] of checks) {
      const i = data.sourceIndex.indexOf(source);
      expect(i).toBe(source < 3 ? source : source < 339 ? source - 1 : source - 2);
      expect(row(data.features, i)).toEqual([bl, bd, fl, ...island]);
      expect(data.labels.species.data[i]).toBe(species);
      expect(data.labels.sex.data[i]).toBe(sex);
      expect(data.labels.bodyMass.data[i]).toBe(mass);
    }
  });

  it('matches source aggregates: island counts and mean body mass', () => {
    const f = data.features;
    const islandCounts = [3, 4, 5].map((c) =>
      count(
        f.data.filter((_, k) => k % 6 === c),
        (v) => v === 1,
      ),
    );
    expect(islandCounts).toEqual([167, 124, 51]);
    const mass = Array.from(data.labels.bodyMass.data);
    expect(mass.reduce((s, v) => s + v, 0) / mass.length).toBeCloseTo(4201.754385964912, 9);
  });
});

describe('gradNormToy', () => {
  const small = { inputDim: 25, outputDim: 10, samples: 200, seed: 3 };

  it('has the documented shapes, tasks and dtypes', () => {
    const d = gradNormToy(small);
    expect(d.features.shape).toEqual([200, 25]);
    expect(d.featureNames).toHaveLength(25);
    expect(Object.keys(d.labels)).toEqual(['task0', 'task1']);
    expect(d.labels.task0!.shape).toEqual([200, 10]);
    expect(d.labels.task1!.dtype).toBe('float64');
    expect(d.tasks).toEqual({ task0: { type: 'regression' }, task1: { type: 'regression' } });
    expect(d.B.shape).toEqual([10, 25]);
    expect(d.epsilons.shape).toEqual([2, 10, 25]);
    expect(d.sigmas).toEqual([1, 100]);
  });

  it('computes f_i(x) = σ_i·tanh((B + ε_i)x) and bounds each task by its scale', () => {
    const d = gradNormToy({ ...small, sigmas: [2, 50] });
    for (const [t, sigma] of [2, 50].entries()) {
      const labels = d.labels[`task${t}`]!;
      expect(Math.max(...Array.from(labels.data, Math.abs))).toBeLessThanOrEqual(sigma);
      // Sample 7, output 4, by hand.
      let pre = 0;
      for (let k = 0; k < 25; k++) {
        pre +=
          (d.B.data[4 * 25 + k]! + d.epsilons.data[t * 250 + 4 * 25 + k]!) * d.features.data[7 * 25 + k]!;
      }
      expect(labels.data[7 * 10 + 4]).toBeCloseTo(sigma * Math.tanh(pre), 10);
    }
  });

  it('draws B ~ N(0, 10²), ε ~ N(0, 3.5²), x ~ N(0, 1), and the task scales differ by σ', () => {
    const d = gradNormToy({ samples: 400, seed: 1 });
    const std = (t: Tensor) => Math.sqrt(t.square().mean().item());
    expect(std(d.B)).toBeCloseTo(10, 0);
    expect(std(d.epsilons) / 3.5).toBeCloseTo(1, 1);
    expect(std(d.features)).toBeCloseTo(1, 1);
    // tanh is saturated at these scales, so the RMS of each task is close to σ_i.
    expect(std(d.labels.task0!)).toBeGreaterThan(0.9);
    expect(std(d.labels.task1!) / std(d.labels.task0!)).toBeCloseTo(100, 0);
  });

  it('is deterministic in the seed', () => {
    const a = gradNormToy(small);
    const b = gradNormToy(small);
    const c = gradNormToy({ ...small, seed: 4 });
    expect(a.features.data).toEqual(b.features.data);
    expect(a.labels.task1!.data).toEqual(b.labels.task1!.data);
    expect(a.features.data).not.toEqual(c.features.data);
  });

  it('takes T from sigmas and refuses mismatches', () => {
    expect(Object.keys(gradNormToy({ ...small, sigmas: [1, 2, 3] }).labels)).toHaveLength(3);
    expect(() => gradNormToy({ tasks: 3 })).toThrow(ValueError);
    expect(() => gradNormToy({ tasks: 2, sigmas: [1] })).toThrow(/one sigma per task/);
    expect(() => gradNormToy({ samples: 0 })).toThrow(/samples must be a positive integer/);
  });
});

describe('cagradToy', () => {
  const at = (x1: number, x2: number) => {
    const { l1, l2 } = cagradToyLosses(tensor([x1, x2], { dtype: 'float64' }));
    return [l1.item(), l2.item()];
  };

  it('exposes the paper starts and Pareto set', () => {
    const toy = cagradToy();
    expect(toy.starts).toEqual([
      [-8.5, 7.5],
      [-8.5, -5],
      [9, 9],
    ]);
    expect(toy.paretoSet).toEqual({ x2: -8.3552, x1: [-7, 7] });
    expect(toy.lower).toBe(5e-6);
  });

  it('has the hand-computed values at the three starts', () => {
    // (−8.5, 7.5): c2 = 0, c1 = tanh(3.75); f1 = log|0.75 + tanh 7.5| + 6, f2 = log|5.75 − tanh 7.5 + 2| + 6.
    const c1a = Math.tanh(3.75);
    const [a1, a2] = at(-8.5, 7.5);
    expect(a1).toBeCloseTo((Math.log(0.75 + Math.tanh(7.5)) + 6) * c1a, 12);
    expect(a2).toBeCloseTo((Math.log(7.75 - Math.tanh(7.5)) + 6) * c1a, 12);
    // (−8.5, −5): c1 = 0, c2 = tanh 2.5; f1_sq = (15.5² + 0.1·3²)/10 − 20 = 4.115, f2_sq = (1.5² + 0.9)/10 − 20 = −19.685.
    const [b1, b2] = at(-8.5, -5);
    expect(b1).toBeCloseTo(4.115 * Math.tanh(2.5), 12);
    expect(b2).toBeCloseTo(-19.685 * Math.tanh(2.5), 12);
    // (9, 9): c2 = 0, c1 = tanh 4.5; f1 = log|−8 + tanh 9| + 6, f2 = log|−1 − tanh 9| + 6.
    const [c1, c2] = at(9, 9);
    expect(c1).toBeCloseTo((Math.log(8 - Math.tanh(9)) + 6) * Math.tanh(4.5), 12);
    expect(c2).toBeCloseTo((Math.log(1 + Math.tanh(9)) + 6) * Math.tanh(4.5), 12);
  });

  it('evaluates a batch [..., 2] elementwise', () => {
    const grid = tensor(
      cagradToyStarts.map((p) => [...p]),
      { dtype: 'float64' },
    );
    const { l1, l2 } = cagradToyLosses(grid);
    expect(l1.shape).toEqual([3]);
    cagradToyStarts.forEach(([x1, x2], i) => {
      expect([l1.value.data[i], l2.value.data[i]]).toEqual(at(x1, x2));
    });
    expect(() => cagradToyLosses(tensor([1, 2, 3]))).toThrow(/x\.shape=\[3\]/);
  });

  it('backpropagates: gradients agree with finite differences and a hand derivative', () => {
    const points = [...cagradToyStarts, [0.3, -2], [-3, 1.2], [5, -8.3552]] as const;
    for (const [x1, x2] of points) {
      const x = tensor([x1, x2], { dtype: 'float64' });
      for (const which of ['l1', 'l2'] as const) {
        const result = checkGrad((v) => cagradToyLosses(v)[which], [x]);
        expect(result.ok, result.message).toBe(true);
      }
    }
    // At (−8.5, −5): L1 = tanh(−0.5x₂)·f1_sq, so ∂L1/∂x₁ = tanh(2.5)·2(−x₁ + 7)(−1)/10 = −3.1·tanh(2.5).
    const x = new Variable(tensor([-8.5, -5], { dtype: 'float64' }), { requiresGrad: true });
    cagradToyLosses(x).l1.backward();
    expect(x.grad!.data[0]).toBeCloseTo(-3.1 * Math.tanh(2.5), 12);
  });
});

describe('relatedTasks', () => {
  function olsWeights(features: Tensor, y: Tensor): Float64Array {
    const xt = features.transpose(0, 1);
    const w = solve(matmul(xt, features), matmul(xt, y.reshape([-1, 1])));
    return Float64Array.from(w.data);
  }

  it('is deterministic in the seed, with the documented shapes', () => {
    const options = { tasks: 3, samples: 50, features: 16, sharedFactors: 2, taskFactors: 3, seed: 9 };
    const a = relatedTasks(options);
    const b = relatedTasks(options);
    expect(a.features.shape).toEqual([50, 16]);
    expect(a.weights.shape).toEqual([3, 16]);
    expect(Object.keys(a.labels)).toEqual(['task0', 'task1', 'task2']);
    expect(a.labels.task2!.shape).toEqual([50]);
    expect(a.features.data).toEqual(b.features.data);
    expect(a.labels.task1!.data).toEqual(b.labels.task1!.data);
    expect(relatedTasks({ ...options, seed: 10 }).features.data).not.toEqual(a.features.data);
    // The conflict knob moves the targets, never the features.
    expect(relatedTasks({ ...options, conflict: 0.7 }).features.data).toEqual(a.features.data);
  });

  it('rotates the shared part: ⟨w₀, w₁⟩ scales as cos(π·conflict) for two tasks', () => {
    const dot = (c: number) => {
      const w = relatedTasks({ conflict: c, seed: 2 }).weights;
      const [w0, w1] = [row(w, 0), row(w, 1)];
      return w0.reduce((s, v, j) => s + v * w1[j]!, 0);
    };
    const base = dot(0);
    expect(base).toBeGreaterThan(0);
    for (const c of [0.25, 0.5, 0.9, 1]) expect(dot(c)).toBeCloseTo(base * Math.cos(Math.PI * c), 10);
  });

  it('conflict = 1 makes the per-task optimal weight vectors anti-correlated', () => {
    for (const seed of [0, 1, 2, 3]) {
      const d = relatedTasks({ conflict: 1, sharedFactors: 4, taskFactors: 1, noise: 0.1, seed });
      const w0 = olsWeights(d.features, d.labels.task0!);
      const w1 = olsWeights(d.features, d.labels.task1!);
      expect(cosine(w0, w1)).toBeLessThan(0);
      expect(cosine(row(d.weights, 0), row(d.weights, 1))).toBeLessThan(0);
      // The fitted optimum is the true weight vector up to the noise.
      expect(cosine(w0, row(d.weights, 0))).toBeGreaterThan(0.99);
      // And with conflict = 0 the same data has positively correlated optima.
      const same = relatedTasks({ conflict: 0, sharedFactors: 4, taskFactors: 1, noise: 0.1, seed });
      expect(cosine(row(same.weights, 0), row(same.weights, 1))).toBeGreaterThan(0);
    }
  });

  it('refuses bad options with the rule in the message', () => {
    expect(() => relatedTasks({ conflict: 1.5 })).toThrow(/conflict must be in \[0, 1\]/);
    expect(() => relatedTasks({ features: 5 })).toThrow(/features >= 2·sharedFactors/);
    expect(() => relatedTasks({ noise: -1 })).toThrow(ValueError);
  });
});
