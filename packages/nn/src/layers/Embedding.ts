import { indexSelect, Parameter, reshape, type Variable } from '@mtl/autograd';
import {
  checkOptions,
  type DType,
  DTypeError,
  type Generator,
  optionKeys,
  type Tensor,
  zeros,
} from '@mtl/tensor';
import { normal } from '../init/init';
import { Module } from '../Module';
import {
  requireFloatDType,
  requireGenerator,
  requireLayerSize,
  requireSize,
  requireTensor,
} from '../validate';

const EMBEDDING_OPTIONS = optionKeys<{ dtype?: DType; generator?: Generator }>({
  dtype: true,
  generator: true,
});

/** A lookup table of `numEmbeddings` vectors of size `embeddingDim`, initialised N(0, 1), as `torch.nn.Embedding`. */
export class Embedding extends Module {
  readonly weight: Parameter;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: { dtype?: DType; generator?: Generator } = {},
  ) {
    super();
    const op = 'Embedding';
    requireSize(op, 'numEmbeddings', numEmbeddings);
    requireSize(op, 'embeddingDim', embeddingDim);
    const { dtype = 'float32', generator } = checkOptions(op, options, EMBEDDING_OPTIONS);
    requireFloatDType(op, 'dtype', dtype);
    requireGenerator(op, generator);
    requireLayerSize(op, 'weight', [numEmbeddings, embeddingDim]);
    this.weight = new Parameter(normal(zeros([numEmbeddings, embeddingDim], { dtype }), { generator }));
  }

  /** The rows of the table for int32 `indices` of any shape: [...indices.shape, embeddingDim]. */
  forward(indices: Tensor): Variable {
    requireTensor('Embedding', 'indices', indices);
    if (indices.dtype !== 'int32') {
      throw new DTypeError(`Embedding: indices must be an int32 Tensor, got dtype ${indices.dtype}`);
    }
    const rows = indexSelect(this.weight, 0, indices.reshape([indices.size]));
    return reshape(rows, [...indices.shape, this.embeddingDim]);
  }
}
