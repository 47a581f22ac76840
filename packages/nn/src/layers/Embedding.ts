import { indexSelect, Parameter, reshape, type Variable } from '@mtl/autograd';
import { type DType, DTypeError, type Generator, type Tensor, ValueError, zeros } from '@mtl/tensor';
import { normal } from '../init/init';
import { Module } from '../Module';

/** A lookup table of `numEmbeddings` vectors of size `embeddingDim`, initialised N(0, 1), as `torch.nn.Embedding`. */
export class Embedding extends Module {
  readonly weight: Parameter;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    { dtype = 'float32', generator }: { dtype?: DType; generator?: Generator } = {},
  ) {
    super();
    for (const [name, n] of [
      ['numEmbeddings', numEmbeddings],
      ['embeddingDim', embeddingDim],
    ] as const) {
      if (!Number.isInteger(n) || n <= 0)
        throw new ValueError(`Embedding: ${name} must be a positive integer, got ${n}`);
    }
    this.weight = new Parameter(normal(zeros([numEmbeddings, embeddingDim], { dtype }), { generator }));
  }

  /** The rows of the table for int32 `indices` of any shape: [...indices.shape, embeddingDim]. */
  forward(indices: Tensor): Variable {
    if (indices.dtype !== 'int32') {
      throw new DTypeError(`Embedding: indices must be an int32 Tensor, got dtype ${indices.dtype}`);
    }
    const rows = indexSelect(this.weight, 0, indices.reshape([indices.size]));
    return reshape(rows, [...indices.shape, this.embeddingDim]);
  }
}
