/**
 * @mtl/tensor/testing — assertions for tests, independent of the test runner: they throw an
 * Error whose message names the worst element, so vitest, jest, node:test or mocha all report it.
 */
import { type AllCloseOptions, worstMismatch } from './allClose';
import { checkBoolean, checkOptions } from './checks';
import { tensor } from './creation/tensor';
import { formatShape } from './errors';
import { sameShape, stridesOf } from './shape';
import { Tensor } from './Tensor';
import { requireNumber, requireTensor } from './validate';

export interface ExpectAllCloseOptions extends AllCloseOptions {
  /** Also require equal dtypes. Default false. */
  checkDType?: boolean;
}

/**
 * Asserts that `actual` has `expected`'s shape and is close to it elementwise
 * (|a − e| ≤ atol + rtol·|e|, defaults rtol 1e-5 and atol 1e-8). `expected` may be a Tensor or
 * nested arrays. On failure the message gives the index and values of the worst element.
 */
export function expectAllClose(
  actual: Tensor,
  expected: Tensor | number | readonly unknown[],
  options?: ExpectAllCloseOptions,
): void {
  requireTensor('expectAllClose', 'actual', actual);
  const { checkDType, rtol, atol, equalNan } = checkOptions('expectAllClose', options, [
    'checkDType',
    'rtol',
    'atol',
    'equalNan',
  ]);
  const tolerances = {
    rtol: rtol === undefined ? undefined : requireNumber('expectAllClose', 'rtol', rtol, { min: 0 }),
    atol: atol === undefined ? undefined : requireNumber('expectAllClose', 'atol', atol, { min: 0 }),
    equalNan: checkBoolean('expectAllClose', 'equalNan', equalNan, false),
  };
  const want = expected instanceof Tensor ? expected : tensor(expected as never, { dtype: 'float64' });
  if (!sameShape(actual.shape, want.shape)) {
    throw new Error(
      `expectAllClose: shapes differ — actual ${formatShape(actual.shape)}, expected ${formatShape(want.shape)}`,
    );
  }
  if (checkBoolean('expectAllClose', 'checkDType', checkDType, false) && actual.dtype !== want.dtype) {
    throw new Error(`expectAllClose: dtypes differ — actual ${actual.dtype}, expected ${want.dtype}`);
  }
  const worst = worstMismatch(actual, want, tolerances);
  if (worst !== null) {
    const strides = stridesOf(actual.shape);
    const index = strides.map((s, d) => Math.floor(worst.index / s) % actual.shape[d]!);
    throw new Error(
      `expectAllClose: not close at [${index.join(',')}] — actual ${worst.actual}, expected ${worst.expected} ` +
        `(|diff| ${Math.abs(worst.actual - worst.expected)}, rtol ${tolerances.rtol ?? 1e-5}, atol ${tolerances.atol ?? 1e-8})`,
    );
  }
}
