import { type Tensor, tensor, ValueError } from '@mtl/tensor';
import { type Category, categoryIndex } from './categories';

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
 * @throws ValueError for an unknown value, a non-string value or a duplicated class
 */
export function encodeLabels(
  values: readonly Category[],
  { classes }: EncodeLabelsOptions = {},
): { indices: Tensor; classes: string[] } {
  const { list, position } = categoryIndex('encodeLabels', 'classes', values, classes);
  const out = new Int32Array(values.length);
  values.forEach((v, i) => {
    if (v === null || v === undefined) {
      out[i] = -1;
      return;
    }
    const c = position.get(v);
    if (c === undefined) {
      throw new ValueError(
        `encodeLabels: values[${i}]="${v}" is not one of the classes [${list.map((x) => `"${x}"`).join(', ')}] ` +
          '(pass null for a missing label)',
      );
    }
    out[i] = c;
  });
  return { indices: tensor(out, { dtype: 'int32' }), classes: list };
}
