import { Parameter } from '@mtl/autograd';
import { full } from '@mtl/tensor';

/**
 * One learnable scalar per task (UW's log-variances, IMTL-L's log-scales, GradNorm's logits):
 * a Map from task to a float64 `Parameter` named `<prefix>.<task>`, created at `init` on first
 * use, with what the methods' `parameters`, `reset`, `stateDict` and `loadStateDict` need.
 */
export class TaskScalars extends Map<string, Parameter> {
  constructor(
    private readonly prefix: string,
    private readonly init: number,
  ) {
    super();
  }

  /** The task's parameter, created at `init` on first use. */
  of(task: string): Parameter {
    let s = this.get(task);
    if (s === undefined) {
      s = new Parameter(full([], this.init, { dtype: 'float64' }), { name: `${this.prefix}.${task}` });
      this.set(task, s);
    }
    return s;
  }

  /** Every task's parameter, in creation order (to give to an optimizer). */
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

  /** Reads `{ task: value }`, creating the tasks not seen yet. */
  loadStateDict(state: Record<string, unknown>): void {
    for (const [task, value] of Object.entries(state)) this.of(task).value.data[0] = Number(value);
  }
}
