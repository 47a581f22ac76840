import { exp, mul, type Parameter, sub, type Variable } from '@mtl/autograd';
import { LOSS_DEFAULTS, LOSS_RULES, LossWeighting, type LossWeightingOptions, total } from './LossWeighting';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { TaskScalars } from './TaskScalars';

export interface IMTLLOptions extends LossWeightingOptions {
  /** Initial log-scale s₀ of every task. Default 0, as LibMTL. */
  init?: number;
  /** Shorthand for `init(tasks)`: create the tasks' log-scales now. */
  tasks?: readonly string[];
}

/**
 * IMTL-L, the loss-balancing half of Impartial MTL (Liu et al., 2021): back-propagates
 * Σ e^{sᵢ}Lᵢ − sᵢ with a learnable log-scale sᵢ per task (s₀ = 0), as LibMTL. The weight of task i
 * is e^{sᵢ}; at the optimum of sᵢ, e^{sᵢ}Lᵢ = 1. Call `init(taskNames)`, then give `parameters()`
 * to the optimizer with the model's.
 */
export class IMTLL extends LossWeighting {
  static readonly defaults: MethodDefaults<IMTLLOptions, 'tasks'> = {
    ...LOSS_DEFAULTS,
    init: 0,
    tasks: undefined,
  };
  readonly name = 'IMTLL';
  readonly logScales: TaskScalars;

  constructor(options?: IMTLLOptions) {
    const { init, tasks, ...base } = methodOptions('IMTLL', options, IMTLL.defaults, {
      ...LOSS_RULES,
      init: rules.finite,
      tasks: rules.optional(rules.tasks),
    });
    super(base);
    this.logScales = new TaskScalars('IMTLL', 'logScale', init);
    if (tasks !== undefined) this.init(tasks);
  }

  override get learnable(): boolean {
    return true;
  }

  protected override createState(taskNames: readonly string[]): void {
    this.logScales.create(taskNames);
  }

  override parameters(): Parameter[] {
    this.requireInit('parameters');
    return this.logScales.parameters();
  }

  /** The log-scale parameter of a task. */
  logScale(task: string): Parameter {
    return this.logScales.of(task);
  }

  protected combine(losses: Variable[], tasks: string[]): { total: Variable; weights: number[] } {
    const terms = losses.map((loss, i) => {
      const s = this.logScale(tasks[i]!);
      return sub(mul(exp(s), loss), s);
    });
    return { total: total(terms), weights: tasks.map((t) => Math.exp(this.logScale(t).item())) };
  }

  override reset(): void {
    this.logScales.reset();
  }

  /** `{ task: sᵢ }` */
  override stateDict(): Record<string, unknown> {
    return this.logScales.stateDict();
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.requireInit('loadStateDict');
    this.logScales.loadStateDict(state);
  }
}
