import { Parameter, type Variable, type VariableLike } from '@mtl/autograd';
import { checkBoolean, checkOptions, type DType, ones, optionKeys, tensor, zeros } from '@mtl/tensor';
import { Buffer } from '../Buffer';
import { batchNorm } from '../functional/batchNorm';
import { Module } from '../Module';
import { requireFinite, requireFloatDType, requireInput, requireLayerSize, requireSize } from '../validate';

export interface BatchNorm1dOptions {
  eps?: number;
  /** Weight of the newest batch in the running statistics. Default 0.1, as in PyTorch. */
  momentum?: number;
  /** Learn a scale and shift. Default true. */
  affine?: boolean;
  /** Keep running statistics for evaluation. Default true. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

const BATCH_NORM1D_OPTIONS = optionKeys<BatchNorm1dOptions>({
  eps: true,
  momentum: true,
  affine: true,
  trackRunningStats: true,
  dtype: true,
});

/**
 * Batch normalisation over (N, C) or (N, C, L) inputs, as `torch.nn.BatchNorm1d`: batch
 * statistics in training (updating running mean and unbiased variance), running statistics in
 * eval. State-dict names match PyTorch: `weight`, `bias`, `running_mean`, `running_var`,
 * `num_batches_tracked`.
 */
export class BatchNorm1d extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly runningMean: Buffer | null;
  readonly runningVar: Buffer | null;
  readonly numBatchesTracked: Buffer | null;

  constructor(
    readonly numFeatures: number,
    readonly options: BatchNorm1dOptions = {},
  ) {
    super();
    const op = 'BatchNorm1d';
    requireSize(op, 'numFeatures', numFeatures);
    requireLayerSize(op, 'weight', [numFeatures]);
    const {
      affine = true,
      trackRunningStats = true,
      dtype = 'float32',
      eps,
      momentum,
    } = checkOptions(op, options, BATCH_NORM1D_OPTIONS);
    requireFinite(op, 'eps', eps, 0);
    requireFinite(op, 'momentum', momentum);
    checkBoolean(op, 'affine', affine, false);
    checkBoolean(op, 'trackRunningStats', trackRunningStats, false);
    requireFloatDType(op, 'dtype', dtype);
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = (value: ReturnType<typeof zeros>, name: string) =>
      trackRunningStats ? new Buffer(value, { name }) : null;
    this.runningMean = track(zeros([numFeatures], { dtype }), 'running_mean');
    this.runningVar = track(ones([numFeatures], { dtype }), 'running_var');
    this.numBatchesTracked = track(tensor(0, { dtype: 'int32' }), 'num_batches_tracked');
  }

  forward(x: VariableLike): Variable {
    requireInput('BatchNorm1d', 'x', x);
    const useBatchStats = this.training || this.runningMean === null;
    if (this.training && this.numBatchesTracked !== null) this.numBatchesTracked.value.data[0]! += 1;
    return batchNorm(x, this.runningMean?.value ?? null, this.runningVar?.value ?? null, {
      weight: this.weight ?? undefined,
      bias: this.bias ?? undefined,
      training: useBatchStats,
      momentum: this.options.momentum ?? 0.1,
      eps: this.options.eps ?? 1e-5,
    });
  }
}
