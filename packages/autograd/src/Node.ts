import type { Tensor, TensorLike } from '@mtl/tensor';
import type { Primitive, PrimitiveParams, SavedContext } from './primitives';
import type { Variable } from './Variable';

/**
 * One recorded op in the graph: which primitive ran, on which inputs, and what its backward
 * needs. A Variable produced by an op holds its Node; leaves have none.
 */
export class Node<P extends Primitive = Primitive> {
  /** The input Variables (null for constants), emptied when the graph is freed. */
  inputs: (Variable | null)[];
  /**
   * What the backward rule reads; null once the graph is freed. (Which inputs need a gradient
   * depends on the backward call, so the engine adds `needsGrad` when it runs the rule.)
   */
  saved: Omit<SavedContext<P>, 'needsGrad'> | null;

  constructor(
    readonly primitive: P,
    inputs: (Variable | null)[],
    values: readonly TensorLike[],
    output: Tensor,
    params: PrimitiveParams[P],
  ) {
    this.inputs = inputs;
    this.saved = { inputs: values, output, params };
  }

  get released(): boolean {
    return this.saved === null;
  }

  /** Drops the saved tensors and the links to the inputs, so the graph can be collected. */
  release(): void {
    this.saved = null;
    this.inputs = [];
  }
}
