import { type Tensor, tensor } from '@mtl/tensor';
import { type Category, categoryIndex } from './categories';

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
 * @throws ValueError for a non-string value or a duplicated category
 */
export function oneHotEncode(
  values: readonly Category[],
  { categories, dtype = 'float32' }: OneHotEncodeOptions = {},
): { tensor: Tensor; categories: string[] } {
  const { list, position } = categoryIndex('oneHotEncode', 'categories', values, categories);
  const k = list.length;
  const out = dtype === 'float64' ? new Float64Array(values.length * k) : new Float32Array(values.length * k);
  values.forEach((v, i) => {
    const c = v === null || v === undefined ? undefined : position.get(v);
    if (c !== undefined) out[i * k + c] = 1;
  });
  return { tensor: tensor(out, { shape: [values.length, k] }), categories: list };
}
