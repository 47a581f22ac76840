import { type BatchNormLayerOptions, BatchNormNd } from './BatchNormNd';

export type BatchNorm1dOptions = BatchNormLayerOptions;

/**
 * Batch normalisation over (N, C) or (N, C, L) inputs, as `torch.nn.BatchNorm1d`: batch
 * statistics in training (updating running mean and unbiased variance), running statistics in
 * eval. State-dict names match PyTorch: `weight`, `bias`, `running_mean`, `running_var`,
 * `num_batches_tracked`.
 */
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNorm1dOptions = {}) {
    super('BatchNorm1d', numFeatures, options);
  }
}
