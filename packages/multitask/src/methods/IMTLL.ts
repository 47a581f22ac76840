import { exp, mul, Parameter, sub, type Variable } from '@mtl/autograd';
import { full } from '@mtl/tensor';
import { LossWeighting, type LossWeightingOptions, total } from './LossWeighting';

export interface IMTLLOptions extends LossWeightingOptions {
  /** Initial log-scale s₀ of every task. Default 0, as LibMTL. */
  init?: number;
  /**
   * Task names, to create the scale parameters now (so `parameters()` can go to an optimizer built
   * before the first `backward`). Tasks not listed are created at their first `backward`.
   */
  tasks?: readonly string[];
}

/**
 * IMTL-L, the loss-balancing half of Impartial MTL (Liu et al., 2021): back-propagates
 * Σ e^{sᵢ}Lᵢ − sᵢ with a learnable log-scale sᵢ per task (s₀ = 0), as LibMTL. The weight of task i
 * is e^{sᵢ}. Give `parameters()` to the optimizer too; at the optimum of sᵢ, e^{sᵢ}Lᵢ = 1.
 */
export class IMTLL extends LossWeighting {
  readonly name = 'IMTLL';
  readonly logScales = new Map<string, Parameter>();
  private readonly init: number;

  constructor({ init = 0, tasks = [], ...options }: IMTLLOptions = {}) {
    super(options);
    this.init = init;
    for (const task of tasks) this.logScale(task);
  }

  override parameters(): Parameter[] {
    return [...this.logScales.values()];
  }

  /** The log-scale parameter of a task, created at s₀ on first use. */
  logScale(task: string): Parameter {
    let s = this.logScales.get(task);
    if (s === undefined) {
      s = new Parameter(full([], this.init, { dtype: 'float64' }), { name: `logScale.${task}` });
      this.logScales.set(task, s);
    }
    return s;
  }

  protected combine(losses: Variable[], tasks: string[]): { total: Variable; weights: number[] } {
    const terms = losses.map((loss, i) => {
      const s = this.logScale(tasks[i]!);
      return sub(mul(exp(s), loss), s);
    });
    return { total: total(terms), weights: tasks.map((t) => Math.exp(this.logScale(t).item())) };
  }

  override reset(): void {
    for (const s of this.logScales.values()) s.value.data.fill(this.init);
  }

  override stateDict(): Record<string, unknown> {
    return Object.fromEntries([...this.logScales].map(([task, s]) => [task, s.item()]));
  }

  override loadStateDict(state: Record<string, unknown>): void {
    for (const [task, value] of Object.entries(state)) this.logScale(task).value.data[0] = Number(value);
  }
}
