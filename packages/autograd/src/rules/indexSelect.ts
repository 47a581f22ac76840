import { indexAdd, indexSelect as indexSelectOp, reshape, type Tensor, zerosLike } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** Selected slices send their gradient back to their source positions, adding up repeats. */
export const indexSelect: Rule<'indexSelect'> = {
  forward: ([x], { dim, index }) => indexSelectOp(x as Tensor, dim, index),
  backward: (g, { inputs: [x], params: { dim, index } }) => {
    const source = x as Tensor;
    const flatIndex = reshape(index, [index.size]);
    const grad = source.rank === 0 ? reshape(g, [index.size]) : g;
    const out = indexAdd(
      zerosLike(source.rank === 0 ? reshape(source, [1]) : source, { dtype: g.dtype }),
      dim,
      flatIndex,
      grad,
    );
    return [reshape(out, source.shape)];
  },
};
