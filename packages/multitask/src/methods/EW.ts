import type { Variable } from '@mtl/autograd';
import { LossWeighting, total } from './LossWeighting';

/** Equal weighting: back-propagates Σ Lᵢ (a plain sum, as LibMTL computes it). */
export class EW extends LossWeighting {
  readonly name = 'EW';

  protected combine(losses: Variable[]): { total: Variable; weights: number[] } {
    return { total: total(losses), weights: losses.map(() => 1) };
  }
}
