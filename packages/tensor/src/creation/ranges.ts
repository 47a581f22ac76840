import { allocate } from '../dtype';
import { ValueError } from '../errors';
import { Tensor } from '../Tensor';
import type { DTypeOptions } from './fill';

/**
 * Values from `start` (inclusive) to `end` (exclusive) in steps of `step`, as `torch.arange`:
 * `arange(5)` is 0…4, `arange(1, 4)` is 1…3. Default dtype float32.
 */
export function arange(
  start: number,
  end?: number,
  step = 1,
  { dtype = 'float32' }: DTypeOptions = {},
): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  if (![from, to, step].every(Number.isFinite)) {
    throw new ValueError(`arange: start, end and step must be finite, got ${from}, ${to}, ${step}`);
  }
  if (step === 0) throw new ValueError('arange: step must be nonzero');
  if ((to - from) * step < 0) {
    throw new ValueError(
      `arange: step ${step} moves away from end (start=${from}, end=${to}); flip its sign`,
    );
  }
  const count = Math.max(0, Math.ceil((to - from) / step));
  const data = allocate(dtype, count);
  for (let i = 0; i < count; i++) data[i] = from + i * step;
  return new Tensor(data, [count], dtype);
}

/**
 * `steps` evenly spaced values from `start` to `end`, both included, as `torch.linspace`
 * (the second half is computed from the end, so the last value is exactly `end`).
 */
export function linspace(
  start: number,
  end: number,
  steps: number,
  { dtype = 'float32' }: DTypeOptions = {},
): Tensor {
  if (!Number.isInteger(steps) || steps < 0) {
    throw new ValueError(`linspace: steps must be a non-negative integer, got ${steps}`);
  }
  const data = allocate(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++)
    data[i] = i < half || steps === 1 ? start + step * i : end - step * (steps - 1 - i);
  return new Tensor(data, [steps], dtype);
}

/** The n×m identity-like matrix (m = n by default): ones on the diagonal, zeros elsewhere. */
export function eye(n: number, m = n, { dtype = 'float32' }: DTypeOptions = {}): Tensor {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0) {
    throw new ValueError(`eye: sizes must be non-negative integers, got n=${n}, m=${m}`);
  }
  const data = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return new Tensor(data, [n, m], dtype);
}
