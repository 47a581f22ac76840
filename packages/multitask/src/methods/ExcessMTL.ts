import { mul, type Variable } from '@mtl/autograd';
import { LOSS_DEFAULTS, LOSS_RULES, LossWeighting, type LossWeightingOptions, total } from './LossWeighting';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { WeightingError } from './shared/WeightingError';
import type { BackwardContext } from './WeightingMethod';

export interface ExcessMTLOptions extends LossWeightingOptions {
  /** Step size η of the exponentiated update of the weights. Default 1e-2, as LibMTL (`robust_step_size`). */
  robustStepSize?: number;
}

/**
 * ExcessMTL, robust MTL with excess risks (He et al., 2024), in LibMTL's form. Each step takes the
 * per-task gradients gᵢ of the shared parameters, accumulates Sᵢ += gᵢ² (elementwise, AdaGrad's
 * diagonal curvature estimate) and estimates task i's excess risk as eᵢ = Σ gᵢ²/√(Sᵢ + 1e-7). The
 * first step keeps λ = 1 and records e⁰ = e; every later step λᵢ ← λᵢ·exp(η·eᵢ/e⁰ᵢ), then
 * λ ← T·λ/Σλ. Back-propagates Σ λᵢLᵢ (heads get λᵢ∇Lᵢ, as in LibMTL); the weights reported are λ.
 * Tasks whose estimated excess risk stays high relative to their first step gain weight.
 *
 * A task whose first-step estimate was 0 (a zero gradient) keeps its weight (LibMTL would divide
 * by 0). TorchJD's ExcessMTL differs: λ starts at 1/T and sums to 1, it divides by e⁰ + 1e-7,
 * and it can average e⁰ over warm-up steps. The state (Sᵢ, e⁰, λ) is created at the first
 * `backward` and fixes the task set and the gradient length; `reset()` clears it. Works on the
 * shared parameters (T extra backward passes per step); with one task, λ = 1 (plain training).
 */
export class ExcessMTL extends LossWeighting {
  static readonly defaults: MethodDefaults<ExcessMTLOptions> = { ...LOSS_DEFAULTS, robustStepSize: 1e-2 };
  readonly name = 'ExcessMTL';
  readonly robustStepSize: number;
  private tasks: string[] | null = null;
  /** Sᵢ, the running sums of squared gradients, one row per task. */
  private squaredSums: Float64Array[] = [];
  /** e⁰, the first step's excess-risk estimates (null before the first step). */
  private initial: number[] | null = null;
  private lossWeights: number[] = [];

  constructor(options?: ExcessMTLOptions) {
    const { robustStepSize, ...base } = methodOptions('ExcessMTL', options, ExcessMTL.defaults, {
      ...LOSS_RULES,
      robustStepSize: rules.positive,
    });
    super(base);
    this.robustStepSize = robustStepSize;
  }

  protected combine(
    losses: Variable[],
    tasks: string[],
    context: BackwardContext,
    sharedRows: () => Float64Array[],
  ): { total: Variable; weights: number[] } {
    if (context.shared.length === 0) {
      throw new WeightingError(
        'ExcessMTL: estimates each task’s excess risk from its gradient of the shared parameters; pass { shared: model.sharedParameters() }',
      );
    }
    const rows = sharedRows();
    this.checkState(tasks, rows[0]!.length);
    const excess = rows.map((row, i) => {
      const sums = this.squaredSums[i]!;
      let e = 0;
      for (let k = 0; k < row.length; k++) {
        const g2 = row[k]! * row[k]!;
        sums[k]! += g2;
        e += g2 / Math.sqrt(sums[k]! + 1e-7);
      }
      return e;
    });
    if (this.initial === null) {
      this.initial = excess;
    } else {
      const initial = this.initial;
      const scaled = this.lossWeights.map(
        (w, i) => w * Math.exp((initial[i]! > 0 ? excess[i]! / initial[i]! : 0) * this.robustStepSize),
      );
      const sum = scaled.reduce((a, b) => a + b, 0);
      this.lossWeights = scaled.map((w) => (w / sum) * tasks.length);
    }
    const weights = [...this.lossWeights];
    return { total: total(losses.map((l, i) => mul(l, weights[i]!))), weights };
  }

  private checkState(tasks: string[], d: number): void {
    if (this.tasks === null) {
      this.tasks = [...tasks];
      this.squaredSums = tasks.map(() => new Float64Array(d));
      this.lossWeights = tasks.map(() => 1);
      return;
    }
    if (tasks.length !== this.tasks.length || tasks.some((t, i) => t !== this.tasks![i])) {
      throw new WeightingError(
        `ExcessMTL: the tasks changed from [${this.tasks.join(', ')}] to [${tasks.join(', ')}]; call reset() for a new task set`,
      );
    }
    if (this.squaredSums[0]!.length !== d) {
      throw new WeightingError(
        `ExcessMTL: the shared gradients changed length from ${this.squaredSums[0]!.length} to ${d} — call reset() between runs`,
      );
    }
  }

  override reset(): void {
    this.tasks = null;
    this.squaredSums = [];
    this.initial = null;
    this.lossWeights = [];
  }

  /** `{ tasks, weights, initial, squaredSums }`: λ, e⁰ and Sᵢ (one array per task, in task order). */
  override stateDict(): Record<string, unknown> {
    return {
      tasks: this.tasks,
      weights: [...this.lossWeights],
      initial: this.initial === null ? null : [...this.initial],
      squaredSums: this.squaredSums.map((s) => Array.from(s)),
    };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.tasks = Array.isArray(state.tasks) ? [...(state.tasks as string[])] : null;
    this.lossWeights = ((state.weights ?? []) as number[]).map(Number);
    this.initial = Array.isArray(state.initial) ? (state.initial as number[]).map(Number) : null;
    this.squaredSums = ((state.squaredSums ?? []) as number[][]).map((s) => Float64Array.from(s));
  }
}
