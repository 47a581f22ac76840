import { formatValue, type Tensor, tensor, ValueError } from '@mtl/tensor';
import { type Category, categoryIndex } from './categories';
import { checkOptions } from './check';

/** Options of {@link encodeLabels}. */
export interface EncodeLabelsOptions {
  /**
   * The classes, in index order. Default: the distinct non-missing values, sorted. Pass the
   * training split's classes when encoding the other splits.
   */
  classes?: readonly string[];
}

/**
 * Encodes string class labels as int32 class indices for a multiclass (or binary-as-multiclass)
 * task, like scikit-learn's `LabelEncoder`: index i is `classes[i]`, and a missing label (null
 * or undefined) becomes −1, the missing marker `MultiTaskDataset` uses.
 *
 * A value not among the given `classes` is an error rather than a silent −1: an unknown label
 * is more likely a typo or a mismatched class list than a missing label.
 *
 * @throws ValueError for values that are not an array, an unknown value, a non-string value, a
 *   duplicated class or an unknown option
 */
export function encodeLabels(
  values: readonly Category[],
  options: EncodeLabelsOptions = {},
): { indices: Tensor; classes: string[] } {
  const { classes } = checkOptions('encodeLabels', 'options', options, ['classes']);
  const { list, position } = categoryIndex(
    'encodeLabels',
    'classes',
    values,
    classes as string[] | undefined,
  );
  if (list.length > 2 ** 31 - 1) {
    throw new ValueError(`encodeLabels: ${list.length} classes do not fit int32 class indices`);
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      out[i] = -1;
      continue;
    }
    const c = position.get(v);
    if (c === undefined) {
      const shown =
        list.length > 20 ? `${list.length} classes` : `[${list.map((x) => JSON.stringify(x)).join(', ')}]`;
      throw new ValueError(
        `encodeLabels: values[${i}]=${formatValue(v)} is not one of the classes ${shown} ` +
          '(pass null for a missing label)',
      );
    }
    out[i] = c;
  }
  return { indices: tensor(out, { dtype: 'int32' }), classes: list };
}
