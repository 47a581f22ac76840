import { Parameter, type Variable, type VariableLike } from '@mtl/autograd';
import {
  checkBoolean,
  checkOptions,
  type DType,
  ones,
  optionKeys,
  type Tensor,
  tensor,
  zeros,
} from '@mtl/tensor';
import { Buffer } from '../Buffer';
import { batchNorm } from '../functional/batchNorm';
import { Module } from '../Module';
import { requireFinite, requireFloatDType, requireInput, requireLayerSize, requireSize } from '../validate';

/** The options of `BatchNorm1d` and `BatchNorm2d`. */
export interface BatchNormLayerOptions {
  eps?: number;
  /** Weight of the newest batch in the running statistics. Default 0.1, as in PyTorch. */
  momentum?: number;
  /** Learn a scale and shift. Default true. */
  affine?: boolean;
  /** Keep running statistics for evaluation. Default true. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

const BATCH_NORM_OPTIONS = optionKeys<BatchNormLayerOptions>({
  eps: true,
  momentum: true,
  affine: true,
  trackRunningStats: true,
  dtype: true,
});

/**
 * The shared body of `BatchNorm1d` and `BatchNorm2d`, as PyTorch's `_BatchNorm`: the parameters
 * and buffers under PyTorch's state-dict names (`weight`, `bias`, `running_mean`, `running_var`,
 * `num_batches_tracked`) and a forward over `batchNorm`. A subclass adds its input-rank check.
 */
export abstract class BatchNormNd extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly runningMean: Buffer | null;
  readonly runningVar: Buffer | null;
  readonly numBatchesTracked: Buffer | null;

  protected constructor(
    /** The layer's name in messages. */
    protected readonly op: 'BatchNorm1d' | 'BatchNorm2d',
    readonly numFeatures: number,
    readonly options: BatchNormLayerOptions,
  ) {
    super();
    requireSize(op, 'numFeatures', numFeatures);
    requireLayerSize(op, 'weight', [numFeatures]);
    const {
      affine = true,
      trackRunningStats = true,
      dtype = 'float32',
      eps,
      momentum,
    } = checkOptions(op, options, BATCH_NORM_OPTIONS);
    requireFinite(op, 'eps', eps, 0);
    requireFinite(op, 'momentum', momentum);
    checkBoolean(op, 'affine', affine, false);
    checkBoolean(op, 'trackRunningStats', trackRunningStats, false);
    requireFloatDType(op, 'dtype', dtype);
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = (value: Tensor, name: string) => (trackRunningStats ? new Buffer(value, { name }) : null);
    this.runningMean = track(zeros([numFeatures], { dtype }), 'running_mean');
    this.runningVar = track(ones([numFeatures], { dtype }), 'running_var');
    this.numBatchesTracked = track(tensor(0, { dtype: 'int32' }), 'num_batches_tracked');
  }

  forward(x: VariableLike): Variable {
    this.checkInput(x);
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

  /** Refuses a bad input before any statistics change (a subclass adds its rank check). */
  protected checkInput(x: VariableLike): void {
    requireInput(this.op, 'x', x);
  }
}
