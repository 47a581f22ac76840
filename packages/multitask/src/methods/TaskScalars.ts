import { Parameter } from '@mtl/autograd';
import { full } from '@mtl/tensor';
import { WeightingError } from './shared/WeightingError';

/**
 * One learnable scalar per task (UW's log-variances, IMTL-L's log-scales, GradNorm's logits):
 * a Map from task to a float64 `Parameter` named `<prefix>.<task>`, created by `create` (the
 * method's `init`), with what the methods' `parameters`, `reset`, `stateDict` and
 * `loadStateDict` need.
 */
export class TaskScalars extends Map<string, Parameter> {
  constructor(
    private readonly method: string,
    private readonly prefix: string,
    private readonly init: number,
  ) {
    super();
  }

  /** Creates every task's parameter at `init`. */
  create(tasks: readonly string[]): void {
    for (const task of tasks) {
      this.set(
        task,
        new Parameter(full([], this.init, { dtype: 'float64' }), { name: `${this.prefix}.${task}` }),
      );
    }
  }

  /** The task's parameter (the method checked that `init` was given the task). */
  of(task: string): Parameter {
    const s = this.get(task);
    if (s === undefined)
      throw new WeightingError(`${this.method}: no ${this.prefix} for task ${JSON.stringify(task)}`);
    return s;
  }

  /** Every task's parameter, in `init`'s order (to give to an optimizer). */
  parameters(): Parameter[] {
    return [...this.values()];
  }

  /** Puts every parameter back to `init` (the tasks stay). */
  reset(): void {
    for (const s of this.values()) s.value.data.fill(this.init);
  }

  /** `{ task: value }` */
  stateDict(): Record<string, number> {
    return Object.fromEntries([...this].map(([task, s]) => [task, s.item()]));
  }

  /** Reads `{ task: value }` into the parameters in place; a task `init` was not given is refused. */
  loadStateDict(state: Record<string, unknown>): void {
    for (const [task, value] of Object.entries(state)) {
      if (!this.has(task)) {
        throw new WeightingError(
          `${this.method}.loadStateDict: the state has a ${this.prefix} for task ${JSON.stringify(task)}, not one of the tasks given to init ([${[...this.keys()].join(', ')}])`,
        );
      }
      this.of(task).value.data[0] = Number(value);
    }
  }
}
