import { add, div, exp, mul, Parameter, type Variable } from '@mtl/autograd';
import { full } from '@mtl/tensor';
import { LossWeighting, type LossWeightingOptions, total } from './LossWeighting';

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
  readonly logVars = new Map<string, Parameter>();
  private readonly init: number;

  constructor({ init = -0.5, tasks = [], ...options }: UWOptions = {}) {
    super(options);
    this.init = init;
    for (const task of tasks) this.logVar(task);
  }

  override parameters(): Parameter[] {
    return [...this.logVars.values()];
  }

  /** The log-variance parameter of a task, created at s₀ on first use. */
  logVar(task: string): Parameter {
    let s = this.logVars.get(task);
    if (s === undefined) {
      s = new Parameter(full([], this.init, { dtype: 'float64' }), { name: `logVar.${task}` });
      this.logVars.set(task, s);
    }
    return s;
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
    for (const s of this.logVars.values()) s.value.data.fill(this.init);
  }

  override stateDict(): Record<string, unknown> {
    return Object.fromEntries([...this.logVars].map(([task, s]) => [task, s.item()]));
  }

  override loadStateDict(state: Record<string, unknown>): void {
    for (const [task, value] of Object.entries(state)) this.logVar(task).value.data[0] = Number(value);
  }
}
