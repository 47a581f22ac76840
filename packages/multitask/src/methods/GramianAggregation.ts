import type { Variable } from '@mtl/autograd';
import { rowCombination } from '@mtl/tensor';
import {
  type AggregationInput,
  type Combination,
  GradientAggregation,
  type GramianContext,
} from './GradientAggregation';
import { clipFactor } from './shared/clipFactor';
import { type MethodDefaults, type OptionRules, rules } from './shared/methodOptions';
import type { BackwardContext } from './WeightingMethod';

/** The option every Gramian method takes. */
export interface GramianOptions {
  /**
   * Compute the weights every this many steps and reuse them in between; a step that reuses them
   * takes no per-task gradients of the shared part, so it costs about an EW step. Default 1.
   */
  updateWeightsEvery?: number;
}

export const GRAMIAN_DEFAULTS: MethodDefaults<GramianOptions> = { updateWeightsEvery: 1 };
export const GRAMIAN_RULES: OptionRules<GramianOptions> = { updateWeightsEvery: rules.integer(1) };

/**
 * A gradient method that is a map from the Gramian G = JJᵀ of the task gradients (T×T) to task
 * weights w (TorchJD's view of an aggregator): it implements `weights(G, context)`, and the
 * driver forms the direction d = Jᵀw = Σ wᵢgᵢ, so the weights reported are those of d by
 * construction. Methods that need more than G (GradVac's groups, GradDrop's signs, the EMAs of
 * MoCo and DB-MTL) extend `GradientAggregation` and implement `direction` instead.
 */
export abstract class GramianAggregation extends GradientAggregation {
  readonly updateWeightsEvery: number;
  private step = 0;
  /** The weights of the last step that computed them, and its tasks (reused in between). */
  private last: { tasks: string[]; weights: number[] } | null = null;

  /** @param options checked by the subclass (`methodOptions`), which knows its name */
  constructor({ updateWeightsEvery = 1 }: GramianOptions) {
    super();
    this.updateWeightsEvery = updateWeightsEvery;
  }

  /** The task weights from the Gramian (T×T, row-major; T = `context.tasks.length`). */
  protected abstract weights(gram: Float64Array, context: GramianContext): number[];

  /**
   * The norm d is clipped to (LibMTL's `max_norm`: d·min(1, maxNorm/(‖d‖ + 1e-6))), or null for
   * none; Nash-MTL's. On a step that reuses the weights it clips that step's d.
   */
  protected get maxDirectionNorm(): number | null {
    return null;
  }

  override backward(losses: Record<string, Variable>, context: BackwardContext): Record<string, number> {
    const step = this.step++;
    const last = this.last;
    const tasks = Object.keys(losses);
    if (
      step % this.updateWeightsEvery !== 0 &&
      last !== null &&
      last.tasks.length === tasks.length &&
      last.tasks.every((t, i) => t === tasks[i])
    ) {
      return this.backwardWithWeights(losses, context, last.weights, this.maxDirectionNorm);
    }
    return super.backward(losses, context);
  }

  protected direction(input: AggregationInput): Combination {
    const { gram, tasks } = input;
    const weights = this.weights(gram, input);
    this.last = { tasks: [...tasks], weights };
    const maxNorm = this.maxDirectionNorm;
    let applied = weights;
    if (maxNorm !== null) {
      // ‖d‖² = wᵀGw, read off the Gramian.
      const t = tasks.length;
      let normSq = 0;
      for (let i = 0; i < t; i++)
        for (let j = 0; j < t; j++) normSq += weights[i]! * gram[i * t + j]! * weights[j]!;
      const clip = clipFactor(normSq, maxNorm);
      if (clip < 1) applied = weights.map((w) => w * clip);
    }
    return {
      direction: rowCombination(input.jacobian, applied).data as Float32Array | Float64Array,
      weights: applied,
    };
  }

  override reset(): void {
    this.step = 0;
    this.last = null;
  }

  /** `{ step, weights }`: where the reuse cycle stands, and the weights being reused. */
  override stateDict(): Record<string, unknown> {
    const last = this.last;
    return {
      step: this.step,
      weights: last === null ? null : { tasks: [...last.tasks], weights: [...last.weights] },
    };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.step = Number(state.step ?? 0);
    const w = state.weights as { tasks: string[]; weights: number[] } | null | undefined;
    this.last = w ? { tasks: [...w.tasks], weights: [...w.weights] } : null;
  }
}
