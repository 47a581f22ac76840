import { add, div, exp, mul, type Parameter, type Variable } from '@mtl/autograd';
import { LOSS_DEFAULTS, LOSS_RULES, LossWeighting, type LossWeightingOptions, total } from './LossWeighting';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { TaskScalars } from './TaskScalars';

export interface UWOptions extends LossWeightingOptions {
  /** Initial log-variance s₀ for every task. Default −0.5, as LibMTL. */
  init?: number;
  /** Shorthand for `init(tasks)`: create the tasks' log-variances now. */
  tasks?: readonly string[];
}

/**
 * Uncertainty weighting (Kendall et al., 2018), in LibMTL's form: Σ Lᵢ/(2e^{sᵢ}) + sᵢ/2 with a
 * learnable log-variance sᵢ per task, created by `init(taskNames)`: call it, then give
 * `parameters()` to the optimizer with the model's.
 */
export class UW extends LossWeighting {
  static readonly defaults: MethodDefaults<UWOptions, 'tasks'> = {
    ...LOSS_DEFAULTS,
    init: -0.5,
    tasks: undefined,
  };
  readonly name = 'UW';
  readonly logVars: TaskScalars;

  constructor(options?: UWOptions) {
    const { init, tasks, ...base } = methodOptions('UW', options, UW.defaults, {
      ...LOSS_RULES,
      init: rules.finite,
      tasks: rules.optional(rules.tasks),
    });
    super(base);
    this.logVars = new TaskScalars('UW', 'logVar', init);
    if (tasks !== undefined) this.init(tasks);
  }

  override get learnable(): boolean {
    return true;
  }

  protected override createState(taskNames: readonly string[]): void {
    this.logVars.create(taskNames);
  }

  override parameters(): Parameter[] {
    this.requireInit('parameters');
    return this.logVars.parameters();
  }

  /** The log-variance parameter of a task. */
  logVar(task: string): Parameter {
    return this.logVars.of(task);
  }

  protected combine(losses: Variable[], tasks: string[]): { total: Variable; weights: number[] } {
    const terms = losses.map((loss, i) => {
      const s = this.logVar(tasks[i]!);
      return add(div(loss, mul(exp(s), 2)), mul(s, 0.5));
    });
    const weights = tasks.map((t) => 1 / (2 * Math.exp(this.logVar(t).item())));
    return { total: total(terms), weights };
  }

  override reset(): void {
    this.logVars.reset();
  }

  /** `{ task: sᵢ }` */
  override stateDict(): Record<string, unknown> {
    return this.logVars.stateDict();
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.requireInit('loadStateDict');
    this.logVars.loadStateDict(state);
  }
}
