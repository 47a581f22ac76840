/**
 * Forward results and vector-Jacobian products of every differentiable op against PyTorch 1.13
 * (fixtures from `tools/reference/autograd.py`).
 *
 * For each case: differentiable args become `variable(tensor, { requiresGrad: true })`, the op is
 * called in our convention, s = Σ_j sum(out_j * R_j) is built with the package's own ops, and
 * `grad([s], inputs)` must match torch's gradients. One test per case, named by file and case;
 * ops not exported yet fail rather than skip. Tolerances: float64 rtol = atol = 1e-10, float32
 * rtol = atol = 1e-5; NaN equals NaN, infinities exact; shapes and dtypes must match.
 */
import { describe, expect, it } from 'vitest';
import { compareGrads, compareOut, type FixtureCase, loadFixtures, runCase } from './fixtureCodec';

const fixtures = loadFixtures();

describe('reference fixtures', () => {
  it('are present and non-empty', () => {
    const files = fixtures.map(({ file }) => file);
    expect(files).toEqual([
      'conv.json',
      'elementwise.json',
      'kinks.json',
      'linalg.json',
      'reduction.json',
      'shape.json',
    ]);
    for (const { fixture } of fixtures) expect(fixture.cases.length).toBeGreaterThan(0);
  });
});

describe.each(fixtures.map(({ file, fixture }) => ({ file, cases: fixture.cases })))('$file', ({ cases }) => {
  it.each(cases.map((c): [string, FixtureCase] => [c.name, c]))('%s', (_name, c) => {
    const { out, grads } = runCase(c);
    const errors = [compareOut(c, out), compareGrads(c, grads)].filter((e): e is string => e !== null);
    if (errors.length) throw new Error(`${c.op}: ${errors.join('\n')}`);
  });
});
