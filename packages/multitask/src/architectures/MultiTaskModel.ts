import type { Parameter, Variable, VariableLike } from '@mtl/autograd';
import { Module } from '@mtl/nn';
import { formatValue, mustBe, ValueError } from '@mtl/tensor';

/**
 * A multi-task network: `forward(x)` returns one output per task. It says which parameters are
 * shared (what gradient aggregation combines) and which belong to each task, and keeps the
 * shared representation of the last forward pass for the methods that work on it (MGDA-UB,
 * GradDrop, rep-grad variants).
 */
export abstract class MultiTaskModel extends Module {
  /** The shared representation computed by the last `forward`, or null before the first. */
  representation: Variable | null = null;

  readonly tasks: readonly string[];

  /** @throws ValueError naming the model for tasks that are not a non-empty array of distinct strings */
  constructor(tasks: readonly string[]) {
    if (!Array.isArray(tasks) || tasks.some((t) => typeof t !== 'string')) {
      throw new ValueError(mustBe(new.target.name, 'tasks', 'an array of task names (strings)', tasks));
    }
    super();
    this.tasks = tasks;
    if (tasks.length === 0) throw new ValueError(`${new.target.name}: needs at least one task`);
    if (new Set(tasks).size !== tasks.length)
      throw new ValueError(`${new.target.name}: task names repeat: ${tasks.join(', ')}`);
  }

  abstract override forward(x: VariableLike): Record<string, Variable>;

  /** Parameters every task's loss depends on. */
  abstract sharedParameters(): Parameter[];

  /** Parameters only `task`'s loss depends on (its head, tower, gate or column). */
  abstract taskParameters(task: string): Parameter[];

  /** Throws a clear error for a task this model does not have. */
  protected checkTask(task: string): void {
    if (!this.tasks.includes(task)) {
      throw new ValueError(
        `${this.constructor.name}: no task named ${formatValue(task)} (tasks: ${this.tasks.join(', ')})`,
      );
    }
  }
}
