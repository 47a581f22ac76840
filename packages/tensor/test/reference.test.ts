/**
 * Forward results of every op against PyTorch 1.13 (fixtures from `tools/reference/tensor.py`).
 *
 * One test per fixture case, named by file and case, so a failure says which op, inputs and
 * dtype. Ops not exported yet fail rather than skip. Tolerances: float64 rtol = atol = 1e-12,
 * float32 rtol = atol = 1e-6; ints and bools exact; eigh eigenvectors up to a per-column sign.
 */
import { describe, expect, it } from 'vitest';
import { callCase, compareResult, type FixtureCase, loadFixtures } from './fixtureCodec';

const fixtures = loadFixtures();

describe('reference fixtures', () => {
  it('are present and non-empty', () => {
    expect(fixtures.length).toBeGreaterThan(0);
    for (const { fixture } of fixtures) expect(fixture.cases.length).toBeGreaterThan(0);
  });
});

describe.each(fixtures.map(({ file, fixture }) => ({ file, cases: fixture.cases })))('$file', ({ cases }) => {
  it.each(cases.map((c): [string, FixtureCase] => [c.name, c]))('%s', (_name, c) => {
    const got = callCase(c);
    const error = compareResult(c, got);
    if (error !== null) throw new Error(`${c.op}: ${error}`);
  });
});
