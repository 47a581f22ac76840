import { div, exp, log, mul, sub, sum, type Variable, where } from '@mtl/autograd';
import { checkBoolean, eq, optionKeys } from '@mtl/tensor';
import { checkReduction, type Reduction, reduce } from './reduce';
import { checkElementwise, type LossInput, lossOptions, tensorOf } from './validate';

export interface KlDivOptions {
  /**
   * 'mean' (default, as PyTorch: the mean over every element), 'batchmean' (the sum divided by
   * the batch size — the true KL divergence per sample, what you usually want), 'sum' or 'none'.
   */
  reduction?: Reduction | 'batchmean';
  /** The target holds log-probabilities rather than probabilities. Default false. */
  logTarget?: boolean;
}

const KL_DIV_OPTIONS = optionKeys<KlDivOptions>({ reduction: true, logTarget: true });

const KL_REDUCTIONS = ['mean', 'sum', 'none', 'batchmean'] as const;

/**
 * Kullback–Leibler divergence KL(target ‖ input), as `torch.nn.functional.kl_div`. The input
 * holds log-probabilities (say, from `logSoftmax`); the target holds probabilities (or
 * log-probabilities with `logTarget`) of the same shape. Pointwise y·(log y − x), with 0·log 0 = 0
 * (exp(y)·(y − x) with `logTarget`); both arguments are differentiable.
 */
export function klDiv(input: LossInput, target: LossInput, options: KlDivOptions = {}): Variable {
  const { reduction = 'mean', logTarget = false } = lossOptions('klDiv', options, KL_DIV_OPTIONS);
  const op = 'klDiv';
  const r = checkReduction(op, reduction, KL_REDUCTIONS);
  checkBoolean(op, 'logTarget', logTarget, false);
  // The reduction is checked above (it has one more name); the shapes and dtypes here.
  const { x } = checkElementwise(op, input, target, 'none');
  let pointwise: Variable;
  if (logTarget) {
    pointwise = mul(exp(target), sub(target, input));
  } else {
    // y·log y with 0·log 0 = 0 (PyTorch's xlogy): zero targets take log 1 instead of log 0.
    const yLogY = mul(target, log(where(eq(tensorOf(op, 'target', target), 0), 1, target)));
    pointwise = sub(yLogY, mul(target, input));
  }
  if (r !== 'batchmean') return reduce(pointwise, r);
  return div(sum(pointwise), x.rank === 0 ? 1 : x.shape[0]!);
}
