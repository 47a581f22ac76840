import { abs, mul, Parameter, reshape, softmax, stack, sub, sum, type Variable } from '@mtl/autograd';
import { tensor } from '@mtl/tensor';
import { LOSS_DEFAULTS, LOSS_RULES, LossWeighting, type LossWeightingOptions, total } from './LossWeighting';
import { type MethodDefaults, methodOptions, type OptionRule, rules } from './shared/methodOptions';
import { requireEpoch } from './shared/requireEpoch';
import { WeightingError } from './shared/WeightingError';
import { TaskScalars } from './TaskScalars';
import { type BackwardContext, dot, taskGradients } from './WeightingMethod';

export interface GradNormOptions extends LossWeightingOptions {
  /** The restoring-force exponent α. Default 1.5. */
  alpha?: number;
  /** Initial logit s₀ of every task. Default 1, as LibMTL (w = T·softmax(s) starts at 1). */
  init?: number;
  /** Shorthand for `init(tasks)`: create the tasks' logits now. */
  tasks?: readonly string[];
  /**
   * The parameters whose gradient norms Gᵢ are balanced. Default: `context.shared` (all shared
   * parameters, as LibMTL); the paper uses the last shared layer — pass its parameters here.
   */
  normParameters?: readonly Parameter[];
}

/**
 * GradNorm (Chen et al., 2018), in LibMTL's form. Epoch 0 is EW, and records the epoch-mean loss
 * L̄ᵢ(0) of each task. From epoch 1: w = T·softmax(s) with a learnable logit sᵢ per task;
 * Gᵢ = ‖wᵢgᵢ‖ with gᵢ = ∇Lᵢ over the shared parameters (or `normParameters`); L̃ᵢ = Lᵢ/L̄ᵢ(0),
 * rᵢ = L̃ᵢ/mean(L̃); the balancing loss Σ|Gᵢ − sg(mean(G)·rᵢ^α)| is back-propagated into s (its
 * `.grad`: after `init(taskNames)`, give `parameters()` to the optimizer, like UW — LibMTL also
 * steps s with the model's optimizer), and Σ sg(wᵢ)Lᵢ into the model. Unlike LibMTL, whose heads get their unweighted
 * gradient, heads get wᵢ∇Lᵢ here, as in the paper and every loss-level method.
 * Costs T extra backward passes per step from epoch 1 (the same ones as the diagnostics', when
 * `normParameters` is not given). Needs `context.epoch`.
 */
export class GradNorm extends LossWeighting {
  static readonly defaults: MethodDefaults<GradNormOptions, 'tasks' | 'normParameters'> = {
    ...LOSS_DEFAULTS,
    alpha: 1.5,
    init: 1,
    tasks: undefined,
    normParameters: undefined,
  };
  readonly name = 'GradNorm';
  readonly alpha: number;
  readonly logits: TaskScalars;
  private readonly normParameters: readonly Parameter[] | undefined;
  /** Per task, the sum and count of its losses in epoch 0. */
  private initial: Record<string, { sum: number; count: number }> = Object.create(null);
  private lastEpoch: number | null = null;

  constructor(options?: GradNormOptions) {
    const { alpha, init, tasks, normParameters, ...base } = methodOptions(
      'GradNorm',
      options,
      GradNorm.defaults,
      {
        ...LOSS_RULES,
        alpha: rules.finite,
        init: rules.finite,
        tasks: rules.optional(rules.tasks),
        normParameters: rules.optional(PARAMETER_LIST),
      },
    );
    super(base);
    this.alpha = alpha;
    this.logits = new TaskScalars('GradNorm', 'logit', init);
    this.normParameters = normParameters;
    if (tasks !== undefined) this.init(tasks);
  }

  override get learnable(): boolean {
    return true;
  }

  protected override createState(taskNames: readonly string[]): void {
    this.logits.create(taskNames);
  }

  override parameters(): Parameter[] {
    this.requireInit('parameters');
    return this.logits.parameters();
  }

  /** The logit parameter sᵢ of a task. */
  logit(task: string): Parameter {
    return this.logits.of(task);
  }

  /** The mean loss of a task over epoch 0, or undefined before any was recorded. */
  initialLoss(task: string): number | undefined {
    const entry = this.initial[task];
    return entry === undefined ? undefined : entry.sum / entry.count;
  }

  protected combine(
    losses: Variable[],
    tasks: string[],
    context: BackwardContext,
    sharedRows: () => Float64Array[],
  ): { total: Variable; weights: number[] } {
    const epoch = requireEpoch(this.name, context, this.lastEpoch);
    this.lastEpoch = epoch;
    if (epoch === 0) {
      tasks.forEach((task, i) => {
        const entry = this.initial[task] ?? { sum: 0, count: 0 };
        this.initial[task] = entry;
        entry.sum += losses[i]!.item();
        entry.count += 1;
      });
      return { total: total(losses), weights: tasks.map(() => 1) };
    }
    const inputs = this.normParameters ?? context.shared;
    if (inputs.length === 0) {
      throw new WeightingError(
        'GradNorm: needs the shared parameters to take gradient norms on; pass { shared }',
      );
    }
    const ratios = tasks.map((task, i) => {
      const l0 = this.initialLoss(task);
      if (l0 === undefined) {
        throw new WeightingError(
          `GradNorm: no epoch-0 loss of task ${JSON.stringify(task)} was recorded; GradNorm runs epoch 0 as EW to ` +
            'measure the initial losses (start at epoch 0, or loadStateDict after resuming)',
        );
      }
      return losses[i]!.item() / l0;
    });
    const meanRatio = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    const rows = this.normParameters === undefined ? sharedRows() : taskGradients(losses, inputs).rows;
    const norms = rows.map((row) => Math.sqrt(dot(row, row)));
    const t = tasks.length;
    const s = stack(tasks.map((task) => reshape(this.logit(task), [])));
    const w = mul(softmax(s, 0), t);
    const weights = Array.from(w.value.data as ArrayLike<number>);
    const g = mul(w, tensor(norms, { dtype: 'float64' }));
    const meanG = weights.reduce((acc, wi, i) => acc + wi * norms[i]!, 0) / t;
    const target = ratios.map((r) => meanG * (r / meanRatio) ** this.alpha);
    sum(abs(sub(g, tensor(target, { dtype: 'float64' })))).backward();
    return { total: total(losses.map((l, i) => mul(l, weights[i]!))), weights };
  }

  override reset(): void {
    this.logits.reset();
    this.initial = Object.create(null);
    this.lastEpoch = null;
  }

  override stateDict(): Record<string, unknown> {
    return {
      logits: this.logits.stateDict(),
      initial: structuredClone(this.initial),
      lastEpoch: this.lastEpoch,
    };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.requireInit('loadStateDict');
    this.logits.loadStateDict((state.logits ?? {}) as Record<string, unknown>);
    this.initial = structuredClone((state.initial ?? {}) as Record<string, { sum: number; count: number }>);
    this.lastEpoch = typeof state.lastEpoch === 'number' ? state.lastEpoch : null;
  }
}

/** A non-empty array of parameters (GradNorm's `normParameters`). */
const PARAMETER_LIST: OptionRule = {
  what: "a non-empty array of Parameters (e.g. the last shared layer's parameters())",
  ok: (v) => Array.isArray(v) && v.length > 0 && v.every((p) => p instanceof Parameter),
};
