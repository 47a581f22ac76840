import { add, div, exp, mul, type Parameter, type Variable } from '@mtl/autograd';
import { LossWeighting, type LossWeightingOptions, total } from './LossWeighting';
import { TaskScalars } from './TaskScalars';

export interface UWOptions extends LossWeightingOptions {
  /** Initial log-variance s₀ for every task. Default −0.5, as LibMTL. */
  init?: number;
  /** Create the tasks' log-variances now, so an optimizer built before the first step gets them. */
  tasks?: readonly string[];
}

/**
 * Uncertainty weighting (Kendall et al., 2018), in LibMTL's form: Σ Lᵢ/(2e^{sᵢ}) + sᵢ/2 with a
 * learnable log-variance sᵢ per task. Give `parameters()` to the optimizer too.
 */
export class UW extends LossWeighting {
  readonly name = 'UW';
  readonly logVars: TaskScalars;

  constructor({ init = -0.5, tasks = [], ...options }: UWOptions = {}) {
    super(options);
    this.logVars = new TaskScalars('logVar', init);
    for (const task of tasks) this.logVar(task);
  }

  override parameters(): Parameter[] {
    return this.logVars.parameters();
  }

  /** The log-variance parameter of a task, created at s₀ on first use. */
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
    this.logVars.loadStateDict(state);
  }
}
