import { type AggregationInput, GradientAggregation } from './GradientAggregation';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { WeightingError } from './shared/WeightingError';
import { weightedSum } from './WeightingMethod';

export interface DBMTLOptions {
  /** EMA rate of the log-loss gradients. Default 0.9, as LibMTL. */
  beta?: number;
  /** The rate at step s is β/s^σ (LibMTL's `DB_beta_sigma`). Default 0: a constant β. */
  betaSigma?: number;
}

/**
 * Dual-Balancing MTL (Lin et al., 2023), in LibMTL's form. Loss scale: gᵢ = ∇log(Lᵢ + 1e-8) =
 * ∇Lᵢ/(Lᵢ + 1e-8). Gradient magnitude: an EMA ĝᵢ ← β_s ĝᵢ + (1 − β_s) gᵢ from ĝᵢ = 0 (so after
 * the first step ĝᵢ = (1−β)gᵢ), β_s = β/s^σ; αᵢ = max_j‖ĝ_j‖/(‖ĝᵢ‖ + 1e-8); d = Σ αᵢ ĝᵢ.
 *
 * Works on the shared parameters only (an EMA over representation gradients would mix different
 * samples). Weights are the αᵢ. With one task, d = (1−β)∇L/(L + 1e-8) at the first step (up to the
 * 1e-8 in αᵢ), then the EMA of ∇log L. Heads get ∇log(Lᵢ + 1e-8), as in LibMTL.
 */
export class DBMTL extends GradientAggregation {
  static readonly defaults: MethodDefaults<DBMTLOptions> = { beta: 0.9, betaSigma: 0 };
  readonly name = 'DBMTL';
  override readonly needsParameters = true;
  readonly beta: number;
  readonly betaSigma: number;
  private step = 0;
  private buffer: Float64Array[] | null = null;

  constructor(options?: DBMTLOptions) {
    super();
    const { beta, betaSigma } = methodOptions('DBMTL', options, DBMTL.defaults, {
      beta: rules.between(0, 1, { open: true }),
      betaSigma: rules.nonNegative,
    });
    this.beta = beta;
    this.betaSigma = betaSigma;
  }

  protected override headScales(losses: readonly number[]): number[] {
    return losses.map((l) => 1 / (l + 1e-8));
  }

  protected direction({ rows, losses }: AggregationInput): {
    direction: Float64Array;
    weights: number[];
  } {
    const t = rows.length;
    const d = rows[0]!.length;
    if (this.buffer === null) {
      this.buffer = rows.map(() => new Float64Array(d));
    } else if (this.buffer.length !== t || this.buffer[0]!.length !== d) {
      throw new WeightingError(
        `DBMTL: the gradients changed from ${this.buffer.length}×${this.buffer[0]!.length} to ${t}×${d} — call reset() between runs`,
      );
    }
    this.step += 1;
    const rate = this.beta / this.step ** this.betaSigma;
    const norms = this.buffer.map((buf, i) => {
      const row = rows[i]!;
      const scale = 1 / (losses[i]! + 1e-8);
      let sq = 0;
      for (let k = 0; k < d; k++) {
        const g = row[k]! * scale;
        buf[k] = g + rate * (buf[k]! - g);
        sq += buf[k]! * buf[k]!;
      }
      return Math.sqrt(sq);
    });
    const largest = Math.max(...norms);
    const weights = norms.map((n) => largest / (n + 1e-8));
    return { direction: weightedSum(this.buffer, weights), weights };
  }

  override reset(): void {
    this.step = 0;
    this.buffer = null;
  }

  /** `{ step, buffer }`: the step count and the EMA ĝᵢ (one array per task, in task order). */
  override stateDict(): Record<string, unknown> {
    return { step: this.step, buffer: this.buffer === null ? null : this.buffer.map((b) => Array.from(b)) };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    this.step = Number(state.step ?? 0);
    const buffer = state.buffer as number[][] | null | undefined;
    this.buffer = buffer == null ? null : buffer.map((b) => Float64Array.from(b));
  }
}
