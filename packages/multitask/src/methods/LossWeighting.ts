import { add, type Variable } from '@mtl/autograd';
import { rowGramian } from '@mtl/tensor';
import { type MethodDefaults, type OptionRules, rules } from './shared/methodOptions';
import { WeightingError } from './shared/WeightingError';
import { type BackwardContext, gradientDiagnostics, taskGradients, WeightingMethod } from './WeightingMethod';

export interface LossWeightingOptions {
  /**
   * Also compute per-task gradient norms and cosines of the shared parameters (T extra backward
   * passes; GradNorm, which takes the same gradients, reuses them).
   */
  diagnostics?: boolean;
}

/** The options every loss-level method takes, with their defaults and rules. */
export const LOSS_DEFAULTS: MethodDefaults<LossWeightingOptions> = { diagnostics: false };
export const LOSS_RULES: OptionRules<LossWeightingOptions> = { diagnostics: rules.boolean };

/**
 * The driver of loss-level methods: build one scalar from the task losses and back-propagate it,
 * so the shared parameters get Σλᵢ∇Lᵢ and each head λᵢ∇Lᵢ. Subclasses supply the combination.
 */
export abstract class LossWeighting extends WeightingMethod {
  readonly level = 'loss' as const;

  /** @param baseOptions checked by the subclass (`methodOptions`), which knows its name */
  constructor(protected readonly baseOptions: LossWeightingOptions) {
    super();
  }

  /**
   * The scalar to back-propagate and the weight each task got. `sharedRows()` gives the shared
   * parameters' per-task gradients (float64 rows), taken on the first call and kept for the step.
   */
  protected abstract combine(
    losses: Variable[],
    tasks: string[],
    context: BackwardContext,
    sharedRows: () => Float64Array[],
  ): { total: Variable; weights: number[] };

  backward(losses: Record<string, Variable>, context: BackwardContext): Record<string, number> {
    const tasks = this.checkLosses(losses, context);
    if (context.shared.length === 0 && context.representation) {
      throw new WeightingError(
        `${this.name}: a loss-level method back-propagates the weighted loss through the shared parameters; ` +
          'pass { shared: model.sharedParameters() } (given only a representation, the encoder would not be trained)',
      );
    }
    const list = tasks.map((t) => losses[t]!);
    // The shared parameters' per-task gradients, taken at most once: the diagnostics and GradNorm
    // (on the shared parameters) use the same T backward passes.
    let shared: ReturnType<typeof taskGradients> | undefined;
    const sharedGradients = () => {
      shared ??= taskGradients(list, context.shared);
      return shared;
    };
    let extra = {};
    if (this.baseOptions.diagnostics && context.shared.length > 0) {
      extra = gradientDiagnostics(tasks, rowGramian(sharedGradients().jacobian).data as Float64Array);
    }
    const { total, weights } = this.combine(list, tasks, context, () => sharedGradients().rows);
    total.backward();
    const record = Object.fromEntries(tasks.map((t, i) => [t, weights[i]!]));
    this.lastDiagnostics = { weights: record, ...extra };
    return record;
  }
}

/** Σ of the variables (the first alone when there is one). */
export function total(values: readonly Variable[]): Variable {
  return values.slice(1).reduce<Variable>((acc, v) => add(acc, v), values[0]!);
}
