import type { VariableLike } from '@mtl/autograd';
import { formatShape, ShapeError } from '@mtl/tensor';
import { tensorOf } from '../validate';
import { type BatchNormLayerOptions, BatchNormNd } from './BatchNormNd';

export type BatchNorm2dOptions = BatchNormLayerOptions;

/**
 * Batch normalisation over the channels of NCHW inputs ([N, C, H, W]), as
 * `torch.nn.BatchNorm2d`: per-channel statistics over N, H and W — the batch's in training
 * (updating the running mean and unbiased variance), the running ones in eval. The parameters and
 * buffers are BatchNorm1d's, under PyTorch's names: `weight`, `bias`, `running_mean`,
 * `running_var`, `num_batches_tracked`.
 */
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNorm2dOptions = {}) {
    super('BatchNorm2d', numFeatures, options);
  }

  protected override checkInput(x: VariableLike): void {
    const t = tensorOf(this.op, 'x', x);
    if (t.rank !== 4) {
      throw new ShapeError(
        `BatchNorm2d: expected a 4-d input [N, C, H, W], got x.shape=${formatShape(t.shape)} ` +
          `(BatchNorm1d takes [N, C] and [N, C, L]; add a batch dim with x.unsqueeze(0))`,
      );
    }
    // PyTorch only notices a channel mismatch through the per-channel state, so without any
    // (affine: false, trackRunningStats: false) any channel count is normalised, as there.
    const hasState = this.weight !== null || this.runningMean !== null;
    if (hasState && t.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `BatchNorm2d(${this.numFeatures}): expects ${this.numFeatures} channels, got x.shape=${formatShape(t.shape)} ` +
          `(the channels are dim 1)`,
      );
    }
  }
}
