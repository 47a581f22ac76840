import { exp, mul, type Parameter, sub, type Variable } from '@mtl/autograd';
import { LossWeighting, type LossWeightingOptions, total } from './LossWeighting';
import { TaskScalars } from './TaskScalars';

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
  readonly logScales: TaskScalars;

  constructor({ init = 0, tasks = [], ...options }: IMTLLOptions = {}) {
    super(options);
    this.logScales = new TaskScalars('logScale', init);
    for (const task of tasks) this.logScale(task);
  }

  override parameters(): Parameter[] {
    return this.logScales.parameters();
  }

  /** The log-scale parameter of a task, created at s₀ on first use. */
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
    this.logScales.loadStateDict(state);
  }
}
