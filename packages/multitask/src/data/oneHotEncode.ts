import { formatCount, type Tensor, tensor, ValueError } from '@mtl/tensor';
import { type Category, categoryIndex } from './categories';
import { checkFloatDType, checkOptions, MAX_GENERATED_VALUES } from './check';

/** Options of {@link oneHotEncode}. */
export interface OneHotEncodeOptions {
  /**
   * The categories, in column order. Default: the distinct non-missing values, sorted. Pass the
   * training split's categories when encoding the other splits, so the columns line up.
   */
  categories?: readonly string[];
  /** Element type of the result. Default float32. */
  dtype?: 'float32' | 'float64';
}

/**
 * One-hot encodes a string column for use as features: row i of the [N, K] result is 1 in the
 * column of values[i]'s category and 0 elsewhere. A missing value (null or undefined) and a value
 * not among `categories` both give an all-zero row — the usual "ignore unknown" choice, so a
 * category seen only at test time cannot fail a run.
 *
 * ```ts
 * const { tensor: island, categories } = oneHotEncode(rows.map((r) => r.island));
 * ```
 * At most 2²⁶ (67,108,864) entries (N × K) are made; a larger one-hot is refused up front.
 *
 * @throws ValueError for values that are not an array, a non-string value, a duplicated
 *   category, an unknown option or a result above the size limit; DTypeError for a dtype other
 *   than float32 or float64
 */
export function oneHotEncode(
  values: readonly Category[],
  options: OneHotEncodeOptions = {},
): { tensor: Tensor; categories: string[] } {
  const op = 'oneHotEncode';
  const checked = checkOptions(op, 'options', options, ['categories', 'dtype']);
  const dtype = checkFloatDType(op, 'dtype', checked.dtype) ?? 'float32';
  const { list, position } = categoryIndex(
    op,
    'categories',
    values,
    checked.categories as string[] | undefined,
  );
  const k = list.length;
  if (values.length * k > MAX_GENERATED_VALUES) {
    throw new ValueError(
      `${op}: ${formatCount(values.length)} values × ${formatCount(k)} categories would make ` +
        `${formatCount(values.length * k)} entries; the limit is ${formatCount(MAX_GENERATED_VALUES)} (2^26) — ` +
        'is this column really categorical? Group rare categories, or pass fewer categories',
    );
  }
  const out = dtype === 'float64' ? new Float64Array(values.length * k) : new Float32Array(values.length * k);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const c = v === null || v === undefined ? undefined : position.get(v);
    if (c !== undefined) out[i * k + c] = 1;
  }
  return { tensor: tensor(out, { shape: [values.length, k] }), categories: list };
}
