import { add, log, mul, type Variable } from '@mtl/autograd';
import { adamUpdate } from '@mtl/optim';
import { LOSS_DEFAULTS, LOSS_RULES, LossWeighting, type LossWeightingOptions, total } from './LossWeighting';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { scaledSoftmax } from './shared/scaledSoftmax';
import { WeightingError } from './shared/WeightingError';

export interface FAMOOptions extends LossWeightingOptions {
  /** Learning rate of the logits' own Adam. Default 0.025. */
  lr?: number;
  /** L2 weight decay of the logits' Adam (torch.optim.Adam's `weight_decay`). Default 1e-3. */
  weightDecay?: number;
  /** Lower bounds Lᵢ^min of the losses (tasks not listed: 0). */
  minLosses?: Record<string, number>;
  /** Added to Lᵢ − Lᵢ^min before the logarithm, as the reference code. Default 1e-8. */
  eps?: number;
}

/**
 * FAMO, fast adaptive multitask optimisation (Liu et al., 2023), as its reference code and LibMTL.
 * `backward`: z = softmax(w), Dᵢ = Lᵢ − Lᵢ^min + ε, c = Σ zᵢ/Dᵢ; back-propagates Σ zᵢ·log(Dᵢ)/c,
 * so the shared gradient is Σ λᵢ∇Lᵢ with λᵢ = zᵢ/(c·Dᵢ) (the weights reported; Σλ = 1).
 *
 * The logits w (0 at the start) learn from how each task's log-loss changed over the step:
 * after `optimizer.step()`, compute the losses again on the same batch and call
 * `famo.update(newLosses)`; w's gradient is Jᵀδ with δᵢ = log Dᵢ(before) − log Dᵢ(after) and J the
 * Jacobian of the softmax, and w takes one step of its own Adam (`lr`, `weightDecay`). Tasks whose
 * loss fell the most lose weight. Without `update`, FAMO keeps its weights. The task set is fixed
 * at the first `backward`.
 */
export class FAMO extends LossWeighting {
  static readonly defaults: MethodDefaults<FAMOOptions> = {
    ...LOSS_DEFAULTS,
    lr: 0.025,
    weightDecay: 1e-3,
    minLosses: {},
    eps: 1e-8,
  };
  readonly name = 'FAMO';
  readonly lr: number;
  readonly weightDecay: number;
  readonly eps: number;
  private readonly minLosses: Record<string, number>;
  private tasks: string[] | null = null;
  private w = new Float64Array(0);
  private m = new Float64Array(0);
  private v = new Float64Array(0);
  private step = 0;
  private previous: number[] | null = null;

  constructor(options?: FAMOOptions) {
    const { lr, weightDecay, minLosses, eps, ...base } = methodOptions('FAMO', options, FAMO.defaults, {
      ...LOSS_RULES,
      lr: rules.positive,
      weightDecay: rules.nonNegative,
      minLosses: rules.taskNumbers,
      eps: rules.nonNegative,
    });
    super(base);
    this.lr = lr;
    this.weightDecay = weightDecay;
    this.eps = eps;
    this.minLosses = { ...minLosses };
  }

  /** The current task weights z = softmax(w), by task (empty before the first backward). */
  logitWeights(): Record<string, number> {
    const z = scaledSoftmax(Array.from(this.w));
    return Object.fromEntries((this.tasks ?? []).map((t, i) => [t, z[i]!]));
  }

  protected combine(losses: Variable[], tasks: string[]): { total: Variable; weights: number[] } {
    this.checkTasks(tasks);
    const gaps = tasks.map((task, i) => this.gap(task, losses[i]!.item()));
    const z = scaledSoftmax(Array.from(this.w));
    const c = z.reduce((acc, zi, i) => acc + zi / gaps[i]!, 0);
    const terms = losses.map((loss, i) =>
      mul(log(add(loss, this.eps - (this.minLosses[tasks[i]!] ?? 0))), z[i]! / c),
    );
    this.previous = losses.map((l) => l.item());
    return { total: total(terms), weights: z.map((zi, i) => zi / (c * gaps[i]!)) };
  }

  /**
   * Updates the logits from the losses on the same batch after `optimizer.step()` (values or
   * scalar Variables, by task). Call once after each `backward`.
   */
  update(newLosses: Record<string, Variable | number>): void {
    if (this.previous === null || this.tasks === null) {
      throw new WeightingError(
        'FAMO.update: call backward (then optimizer.step()) before update; update once per backward',
      );
    }
    const tasks = this.tasks;
    const delta = tasks.map((task, i) => {
      const value = newLosses[task];
      if (value === undefined) {
        throw new WeightingError(
          `FAMO.update: no loss for task ${JSON.stringify(task)} (tasks: ${tasks.join(', ')})`,
        );
      }
      const after = typeof value === 'number' ? value : value.item();
      return Math.log(this.gap(task, this.previous![i]!)) - Math.log(this.gap(task, after));
    });
    const z = scaledSoftmax(Array.from(this.w));
    const zDelta = z.reduce((acc, zi, i) => acc + zi * delta[i]!, 0);
    const g = Float64Array.from(z, (zi, i) => zi * (delta[i]! - zDelta));
    this.step += 1;
    adamUpdate(this.w, g, this.m, this.v, null, {
      lr: this.lr,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: this.weightDecay,
      amsgrad: false,
      maximize: false,
      decoupled: false,
      step: this.step,
    });
    this.previous = null;
  }

  /** Dᵢ = Lᵢ − Lᵢ^min + ε, which must be > 0 for the logarithm. */
  private gap(task: string, loss: number): number {
    const min = this.minLosses[task] ?? 0;
    const d = loss - min + this.eps;
    if (!(d > 0)) {
      throw new WeightingError(
        `FAMO: the loss of task ${JSON.stringify(task)} is ${loss}, not above its minimum ${min}; FAMO takes log(L − L_min), ` +
          'so set minLosses below every value the loss can reach',
      );
    }
    return d;
  }

  private checkTasks(tasks: string[]): void {
    if (this.tasks === null) {
      this.tasks = [...tasks];
      this.w = new Float64Array(tasks.length);
      this.m = new Float64Array(tasks.length);
      this.v = new Float64Array(tasks.length);
      return;
    }
    if (tasks.length !== this.tasks.length || tasks.some((t, i) => t !== this.tasks![i])) {
      throw new WeightingError(
        `FAMO: the tasks changed from [${this.tasks.join(', ')}] to [${tasks.join(', ')}]; call reset() for a new task set`,
      );
    }
  }

  override reset(): void {
    this.tasks = null;
    this.w = new Float64Array(0);
    this.m = new Float64Array(0);
    this.v = new Float64Array(0);
    this.step = 0;
    this.previous = null;
  }

  override stateDict(): Record<string, unknown> {
    return {
      tasks: this.tasks,
      logits: Array.from(this.w),
      expAvg: Array.from(this.m),
      expAvgSq: Array.from(this.v),
      step: this.step,
      previous: this.previous,
    };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.tasks = Array.isArray(state.tasks) ? [...(state.tasks as string[])] : null;
    this.w = Float64Array.from((state.logits ?? []) as number[]);
    this.m = Float64Array.from((state.expAvg ?? []) as number[]);
    this.v = Float64Array.from((state.expAvgSq ?? []) as number[]);
    this.step = Number(state.step ?? 0);
    this.previous = Array.isArray(state.previous) ? [...(state.previous as number[])] : null;
  }
}
