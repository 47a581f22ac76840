import { higherIsBetter } from '@mtl/multitask';

/**
 * Whether a larger value of a metric is better, by @mtl/multitask's table of metric names (the
 * one Δm and early stopping use): 'higher', 'lower', or null for a name it does not know (the
 * report then bolds nothing in that column).
 */
export function metricDirection(metric: string): 'higher' | 'lower' | null {
  try {
    return higherIsBetter(metric) ? 'higher' : 'lower';
  } catch {
    return null;
  }
}
