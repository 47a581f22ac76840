import { checkInteger, checkOptions } from '../checks';
import { ValueError } from '../errors';
import { requireInt32Value, toInt32 } from '../int32';
import { Tensor } from '../Tensor';
import { allocateChecked, MAX_ELEMENTS, requireDType, requireNumber, requireSize } from '../validate';
import type { DTypeOptions } from './fill';

const NUMERIC = ['float32', 'float64', 'int32'] as const;

/**
 * Values from `start` (inclusive) to `end` (exclusive) in steps of `step`, as `torch.arange`:
 * `arange(5)` is 0…4, `arange(1, 4)` is 1…3. Default dtype float32.
 */
export function arange(start: number, end?: number | null, step = 1, options: DTypeOptions = {}): Tensor {
  const noEnd = end === undefined || end === null;
  const from = noEnd ? 0 : requireNumber('arange', 'start', start, { finite: true });
  const to = requireNumber('arange', noEnd ? 'end (the only argument)' : 'end', noEnd ? start : end, {
    finite: true,
  });
  requireNumber('arange', 'step', step, { finite: true });
  const dtype = requireDType(
    'arange',
    'dtype',
    checkOptions('arange', options, ['dtype']).dtype,
    'float32',
    NUMERIC,
  );
  if (step === 0) throw new ValueError('arange: step must be nonzero — got 0');
  if ((to - from) * step < 0) {
    throw new ValueError(
      `arange: step ${step} moves away from end (start=${from}, end=${to}); flip its sign`,
    );
  }
  const count = Math.max(0, Math.ceil((to - from) / step));
  requireSize('arange', [count], count);
  if (dtype === 'int32' && count > 0) {
    // Values are from + i·step: integers iff from and step are, and within range iff the ends are.
    requireInt32Value('arange', 'start', from);
    requireInt32Value('arange', 'step', step);
    requireInt32Value('arange', 'the last value', from + (count - 1) * step);
  }
  const data = allocateChecked('arange', dtype, [count]);
  for (let i = 0; i < count; i++) data[i] = from + i * step;
  return new Tensor(data, [count], dtype);
}

/**
 * `steps` evenly spaced values from `start` to `end`, both included, as `torch.linspace`
 * (the second half is computed from the end, so the last value is exactly `end`).
 */
export function linspace(start: number, end: number, steps: number, options: DTypeOptions = {}): Tensor {
  requireNumber('linspace', 'start', start, { finite: true });
  requireNumber('linspace', 'end', end, { finite: true });
  checkInteger('linspace', 'steps', steps, { min: 0, max: MAX_ELEMENTS });
  const dtype = requireDType(
    'linspace',
    'dtype',
    checkOptions('linspace', options, ['dtype']).dtype,
    'float32',
    NUMERIC,
  );
  const values = dtype === 'int32' ? new Float64Array(steps) : allocateChecked('linspace', dtype, [steps]);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++)
    values[i] = i < half || steps === 1 ? start + step * i : end - step * (steps - 1 - i);
  const data = dtype === 'int32' ? toInt32('linspace', values, 'value') : values;
  return new Tensor(data, [steps], dtype);
}

/** The n×m identity-like matrix (m = n by default): ones on the diagonal, zeros elsewhere. */
export function eye(n: number, m?: number, options: DTypeOptions = {}): Tensor {
  checkInteger('eye', 'n', n, { min: 0, max: MAX_ELEMENTS });
  const cols = m === undefined || m === null ? n : checkInteger('eye', 'm', m, { min: 0, max: MAX_ELEMENTS });
  const dtype = requireDType('eye', 'dtype', checkOptions('eye', options, ['dtype']).dtype, 'float32');
  const data = allocateChecked('eye', dtype, [n, cols]);
  for (let i = 0; i < Math.min(n, cols); i++) data[i * cols + i] = 1;
  return new Tensor(data, [n, cols], dtype);
}
