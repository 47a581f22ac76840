import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  broadcastShapes,
  matmul,
  mul,
  permute,
  reshape,
  sum,
  type Tensor,
  tensor,
  transpose,
} from '../src/index';

/*
 * Property-based tests: shape rules and algebraic identities over random shapes and values,
 * checked against tiny naive reference implementations written here from the definitions.
 */

const dim = fc.integer({ min: 1, max: 4 });
const shapeArb = fc.array(dim, { minLength: 0, maxLength: 4 });

/** Deterministic values for a shape, so a failing case reproduces from its shape alone. */
function filled(shape: number[], seed = 1, dtype: 'float64' | 'float32' = 'float64'): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: size }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 10);
  return tensor(data, { shape, dtype });
}

/** The broadcast rule, written the long way: pad with 1s, then each pair must match or be 1. */
function naiveBroadcast(a: number[], b: number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const pa = [...Array(rank - a.length).fill(1), ...a];
  const pb = [...Array(rank - b.length).fill(1), ...b];
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (pa[i] === pb[i] || pb[i] === 1) out.push(pa[i]);
    else if (pa[i] === 1) out.push(pb[i]);
    else return null;
  }
  return out;
}

/** Reads x at a multi-index, broadcasting (size-1 dims and missing leading dims repeat). */
function at(x: Tensor, index: number[]): number {
  let offset = 0;
  const lead = index.length - x.rank;
  for (let d = 0; d < x.rank; d++) {
    const size = x.shape[d]!;
    offset = offset * size + (size === 1 ? 0 : index[lead + d]!);
  }
  return x.data[offset]!;
}

function* indices(shape: number[]): Generator<number[]> {
  const size = shape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < size; flat++) {
    const index: number[] = [];
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      index.unshift(rest % shape[d]!);
      rest = Math.floor(rest / shape[d]!);
    }
    yield index;
  }
}

describe('broadcasting', () => {
  it('broadcastShapes agrees with the naive rule, and throws exactly when it has no answer', () => {
    fc.assert(
      fc.property(shapeArb, shapeArb, (a, b) => {
        const expected = naiveBroadcast(a, b);
        if (expected === null) expect(() => broadcastShapes('test', a, b)).toThrow(/cannot be broadcast/);
        else expect(broadcastShapes('test', a, b)).toEqual(expected);
      }),
    );
  });

  it('add broadcasts element by element like the definition', () => {
    // Shapes built to broadcast: b takes a suffix of a's dims with some set to 1.
    const pair = shapeArb.chain((a) =>
      fc
        .tuple(
          fc.integer({ min: 0, max: a.length }),
          fc.array(fc.boolean(), { minLength: a.length, maxLength: a.length }),
        )
        .map(([cut, ones]) => [a, a.slice(cut).map((d, i) => (ones[cut + i] ? 1 : d))] as const),
    );
    fc.assert(
      fc.property(pair, fc.boolean(), ([aShape, bShape], swap) => {
        const [x, y] = swap ? [filled(bShape, 2), filled(aShape, 3)] : [filled(aShape, 2), filled(bShape, 3)];
        const out = add(x, y);
        expect(out.shape).toEqual(naiveBroadcast(x.shape as number[], y.shape as number[]));
        for (const index of indices(out.shape as number[])) {
          expect(at(out, index)).toBe(at(x, index) + at(y, index));
        }
      }),
    );
  });
});

describe('shape identities', () => {
  it('reshape to a flat shape and back is the identity', () => {
    fc.assert(
      fc.property(shapeArb, (shape) => {
        const x = filled(shape);
        const back = reshape(reshape(x, [-1]), shape);
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data)).toEqual(Array.from(x.data));
      }),
    );
  });

  it('transpose twice is the identity, and moves element (i, j) to (j, i)', () => {
    const arb = fc
      .array(dim, { minLength: 2, maxLength: 4 })
      .chain((shape) =>
        fc.tuple(
          fc.constant(shape),
          fc.integer({ min: 0, max: shape.length - 1 }),
          fc.integer({ min: -shape.length, max: -1 }),
        ),
      );
    fc.assert(
      fc.property(arb, ([shape, d0, d1]) => {
        const x = filled(shape);
        const t = transpose(x, d0, d1);
        const twice = transpose(t, d0, d1);
        expect(Array.from(twice.data)).toEqual(Array.from(x.data));
        const a = d0;
        const b = d1 + shape.length;
        for (const index of indices(shape)) {
          const swapped = [...index];
          [swapped[a], swapped[b]] = [index[b]!, index[a]!];
          expect(at(t, swapped)).toBe(at(x, index));
        }
      }),
    );
  });

  it('permute by p then by p⁻¹ is the identity', () => {
    const arb = fc
      .array(dim, { minLength: 1, maxLength: 4 })
      .chain((shape) =>
        fc.tuple(
          fc.constant(shape),
          fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length }),
        ),
      );
    fc.assert(
      fc.property(arb, ([shape, perm]) => {
        const x = filled(shape);
        const inverse = perm.map((_, i) => perm.indexOf(i));
        expect(Array.from(permute(permute(x, perm), inverse).data)).toEqual(Array.from(x.data));
      }),
    );
  });
});

describe('reductions', () => {
  it('summing over all dims equals summing one dim at a time', () => {
    fc.assert(
      fc.property(fc.array(dim, { minLength: 1, maxLength: 4 }), (shape) => {
        const x = filled(shape);
        let partial = x;
        while (partial.rank > 0) partial = sum(partial, partial.rank - 1);
        expect(partial.item()).toBeCloseTo(sum(x).item(), 10);
      }),
    );
  });

  it('sum over a dim set equals the naive nested-loop sum', () => {
    const arb = fc
      .array(dim, { minLength: 1, maxLength: 4 })
      .chain((shape) =>
        fc.tuple(fc.constant(shape), fc.subarray([...shape.keys()], { minLength: 1 }), fc.boolean()),
      );
    fc.assert(
      fc.property(arb, ([shape, dims, keepDim]) => {
        const x = filled(shape);
        const out = sum(x, dims, { keepDim });
        const kept = shape.map((s, i) => (dims.includes(i) ? 1 : s));
        const expected = new Float64Array(kept.reduce((a, b) => a * b, 1));
        for (const index of indices(shape)) {
          let o = 0;
          for (let d = 0; d < shape.length; d++) o = o * kept[d]! + (dims.includes(d) ? 0 : index[d]!);
          expected[o]! += at(x, index);
        }
        expect(out.shape).toEqual(keepDim ? kept : shape.filter((_, i) => !dims.includes(i)));
        out.data.forEach((v, i) => {
          expect(v).toBeCloseTo(expected[i]!, 10);
        });
      }),
    );
  });
});

describe('matmul', () => {
  const size = fc.integer({ min: 1, max: 9 });

  it('agrees with the naive triple loop', () => {
    fc.assert(
      fc.property(size, size, size, (m, k, n) => {
        const a = filled([m, k], 4);
        const b = filled([k, n], 5);
        const c = matmul(a, b);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += a.data[i * k + p]! * b.data[p * n + j]!;
            expect(c.data[i * n + j]).toBeCloseTo(s, 10);
          }
        }
      }),
    );
  });

  it('is associative within float64 tolerance: (AB)C = A(BC)', () => {
    fc.assert(
      fc.property(size, size, size, size, (m, k, l, n) => {
        const a = filled([m, k], 6);
        const b = filled([k, l], 7);
        const c = filled([l, n], 8);
        const left = matmul(matmul(a, b), c);
        const right = matmul(a, matmul(b, c));
        const scale = Math.max(1, ...Array.from(left.data, Math.abs));
        left.data.forEach((v, i) => {
          expect(Math.abs(v - right.data[i]!)).toBeLessThan(1e-11 * scale);
        });
      }),
    );
  });

  it('distributes over addition: A(B + C) = AB + AC', () => {
    fc.assert(
      fc.property(size, size, size, (m, k, n) => {
        const a = filled([m, k], 9);
        const b = filled([k, n], 10);
        const c = filled([k, n], 11);
        const lhs = matmul(a, add(b, c));
        const rhs = add(matmul(a, b), matmul(a, c));
        lhs.data.forEach((v, i) => {
          expect(v).toBeCloseTo(rhs.data[i]!, 9);
        });
        expect(mul(lhs, 0).shape).toEqual([m, n]);
      }),
    );
  });
});
