import type { Variable } from '@mtl/autograd';
import { WeightingError } from './WeightingError';

/** The loss values, checked to be > 0 (methods that take logarithms of the losses need it). */
export function requirePositive(name: string, losses: Variable[], tasks: string[], why: string): number[] {
  return losses.map((loss, i) => {
    const v = loss.item();
    if (!(v > 0)) {
      throw new WeightingError(
        `${name}: the loss of task ${JSON.stringify(tasks[i])} is ${v}; ${name} ${why}, which needs every loss > 0 ` +
          '(add a small constant to a loss that can reach 0)',
      );
    }
    return v;
  });
}
