import fc from 'fast-check';

/**
 * The fuzz harness the packages' `fuzz.test.ts` suites share: random, mostly invalid arguments
 * for every public function, each call classified as a result, the package's typed error, or a
 * defect — a generic error (`TypeError`, `RangeError`…), a call slower than `slowMs` (a hang or
 * a giant allocation in the making), or a valid call whose result disagrees with a reference.
 */

/** One public function under test: how to draw its arguments and how to call it. */
export interface FuzzCase {
  name: string;
  args: fc.Arbitrary<unknown[]>;
  call(...args: unknown[]): unknown;
  /**
   * For a call that returned: throw (or return a message) if `result` is wrong for `args`, checked
   * against a straightforward reference loop. Absent: any result counts as right.
   */
  check?(result: unknown, args: unknown[]): string | undefined;
}

export interface FuzzDefect {
  case: string;
  kind: 'generic error' | 'slow' | 'wrong result';
  args: string;
  detail: string;
}

export interface FuzzReport {
  calls: number;
  results: number;
  typedErrors: number;
  genericErrors: number;
  slow: number;
  wrong: number;
  /** The first few defects of each case, with their arguments, for the failure message. */
  defects: FuzzDefect[];
}

export interface FuzzOptions {
  /** Calls per case. */
  runs: number;
  seed: number;
  /** The package's typed errors (its `MtlError` base class): `(e) => e instanceof MtlError`. */
  isTyped(error: unknown): boolean;
  /** A call taking longer than this counts as a hang (default 2 s: generous for a loaded CI). */
  slowMs?: number;
}

/** Runs every case `runs` times with seeded arguments and tallies what happened. */
export function fuzz(cases: readonly FuzzCase[], options: FuzzOptions): FuzzReport {
  const { runs, seed, isTyped, slowMs = 2000 } = options;
  const report: FuzzReport = {
    calls: 0,
    results: 0,
    typedErrors: 0,
    genericErrors: 0,
    slow: 0,
    wrong: 0,
    defects: [],
  };
  cases.forEach((fuzzCase, index) => {
    let shown = 0;
    const note = (kind: FuzzDefect['kind'], args: unknown[], detail: string) => {
      if (shown++ < 3) report.defects.push({ case: fuzzCase.name, kind, args: show(args), detail });
    };
    for (const args of fc.sample(fuzzCase.args, { numRuns: runs, seed: seed + index })) {
      report.calls++;
      const start = performance.now();
      let result: unknown;
      let threw = false;
      try {
        result = fuzzCase.call(...args);
      } catch (error) {
        threw = true;
        if (isTyped(error)) report.typedErrors++;
        else {
          report.genericErrors++;
          note(
            'generic error',
            args,
            error instanceof Error ? `${error.name}: ${error.message}` : show([error]),
          );
        }
      }
      const took = performance.now() - start;
      if (took > slowMs) {
        report.slow++;
        note('slow', args, `${took.toFixed(0)} ms`);
      }
      if (threw) continue;
      report.results++;
      if (fuzzCase.check === undefined) continue;
      let problem: string | undefined;
      try {
        problem = fuzzCase.check(result, args);
      } catch (error) {
        problem = error instanceof Error ? error.message : show([error]);
      }
      if (problem !== undefined) {
        report.wrong++;
        note('wrong result', args, problem);
      }
    }
  });
  return report;
}

/** The one-line summary a suite prints: `fuzz @mtl/tensor: 4000 calls, 1200 results, …`. */
export function formatFuzzReport(name: string, r: FuzzReport): string {
  return (
    `fuzz ${name}: ${r.calls} calls, ${r.results} results, ${r.typedErrors} typed errors, ` +
    `${r.genericErrors} generic errors, ${r.slow} slow, ${r.wrong} wrong`
  );
}

/** The defects, one per line, for an assertion message. */
export function formatDefects(r: FuzzReport): string {
  return r.defects.map((d) => `${d.case} (${d.kind}): ${d.detail}\n    args: ${d.args}`).join('\n');
}

/** Arguments as a short readable string (tensors and typed arrays by their constructor and size). */
export function show(values: unknown[]): string {
  const seen = new WeakSet<object>();
  const one = (v: unknown, depth: number): string => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'symbol') return v.toString();
    if (typeof v === 'function') return `[function ${v.name}]`;
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    if (v === null || typeof v !== 'object') return String(v);
    if (seen.has(v)) return '[cycle]';
    seen.add(v);
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length})`;
    if (depth > 3) return Array.isArray(v) ? '[…]' : '{…}';
    const ctor = (v as object).constructor?.name;
    if ('shape' in v && 'dtype' in v) {
      const t = v as { shape: unknown; dtype: unknown };
      return `${ctor}(${String(t.dtype)} ${JSON.stringify(t.shape)})`;
    }
    if (Array.isArray(v)) {
      const items = v.slice(0, 8).map((x) => one(x, depth + 1));
      return `[${items.join(', ')}${v.length > 8 ? `, …${v.length - 8} more` : ''}]`;
    }
    const entries = Object.entries(v).slice(0, 8);
    const prefix = ctor && ctor !== 'Object' ? `${ctor} ` : '';
    return `${prefix}{${entries.map(([k, x]) => `${k}: ${one(x, depth + 1)}`).join(', ')}}`;
  };
  return values.map((v) => one(v, 0)).join(', ');
}

/**
 * Values a careless or hostile caller passes where a number, a dim, a shape or an options object
 * belongs: null, undefined, NaN, ±Infinity, -0, negative, fractional and huge numbers, numeric and
 * other strings, booleans, bigints, symbols, functions, empty and ragged arrays, objects with
 * getters that throw, and `__proto__` keys.
 */
export function junk(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom<unknown>(
      null,
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      -1,
      0.5,
      1e308,
      2 ** 31,
      2 ** 32 + 1,
      2 ** 53,
      '',
      '7',
      'x',
      '0x10',
      true,
      false,
      1n,
      Symbol('junk'),
      () => 1,
      [],
      [[1], [2, 3]],
      [Number.NaN],
      {},
      JSON.parse('{"__proto__": {"polluted": true}}'),
      Object.create(null),
      new Date(0),
      new Map(),
    ),
    fc.integer({ min: -5, max: 5 }),
    fc.double(),
    fc.string({ maxLength: 6 }),
    fc.array(fc.integer({ min: -3, max: 6 }), { maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom('dtype', 'keepDim', 'dim', 'shape', 'lr', 'reduction', 'foo'),
      fc.anything(),
      {
        maxKeys: 3,
      },
    ),
  );
}
