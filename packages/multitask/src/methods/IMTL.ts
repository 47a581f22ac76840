import { exp, mul, type Parameter, sub, type Variable } from '@mtl/autograd';
import { pinv, Tensor } from '@mtl/tensor';
import type { GramianContext } from './GradientAggregation';
import {
  GRAMIAN_DEFAULTS,
  GRAMIAN_RULES,
  GramianAggregation,
  type GramianOptions,
} from './GramianAggregation';
import { type MethodDefaults, methodOptions, rules } from './shared/methodOptions';
import { TaskScalars } from './TaskScalars';
import type { BackwardContext } from './WeightingMethod';

export interface IMTLOptions extends GramianOptions {
  /**
   * The hybrid IMTL of the paper (and LibMTL's `IMTL`): each loss is first scaled as in IMTL-L,
   * e^{sᵢ}Lᵢ − sᵢ with a learnable sᵢ (s₀ = 0), and IMTL-G combines the gradients of the scaled
   * losses. Call `init(taskNames)`, then give `parameters()` to the optimizer. Default false: IMTL-G alone on the raw losses.
   */
  lossScale?: boolean;
}

/**
 * IMTL-G (Liu et al., 2021): d = Σ αᵢgᵢ with Σαᵢ = 1 such that d has the same projection on every
 * unit task gradient uᵢ = gᵢ/‖gᵢ‖. From GGᵀα = c·(‖g₁‖, …, ‖g_T‖) it is α ∝ (GGᵀ)⁺·‖g‖,
 * normalised to sum 1 — LibMTL's closed form α₂..T = g₁Uᵀ(DUᵀ)⁻¹ when the gradients are linearly
 * independent, and still defined when they are not (duplicated tasks, d < T), where LibMTL's
 * inverse fails; the pseudo-inverse form is TorchJD's. If α cannot be normalised (all gradients
 * zero) the weights are uniform.
 *
 * With `{ lossScale: true }` it is the hybrid with IMTL-L: heads then get e^{sᵢ}∇Lᵢ and sᵢ the
 * gradient e^{sᵢ}Lᵢ − 1, as in LibMTL; the reported weight of task i is αᵢe^{sᵢ} (what multiplies
 * ∇Lᵢ in d), and the diagnostics' norms are those of the scaled losses' gradients.
 */
export class IMTL extends GramianAggregation {
  static readonly defaults: MethodDefaults<IMTLOptions> = { ...GRAMIAN_DEFAULTS, lossScale: false };
  readonly name = 'IMTL';
  readonly lossScale: boolean;
  /** IMTL-L's sᵢ per task (only with `lossScale`), created at 0 by `init`. */
  readonly logScales = new TaskScalars('IMTL', 'logScale', 0);

  constructor(options?: IMTLOptions) {
    const { lossScale, ...gramian } = methodOptions('IMTL', options, IMTL.defaults, {
      ...GRAMIAN_RULES,
      lossScale: rules.boolean,
    });
    super(gramian);
    this.lossScale = lossScale;
  }

  /** With `lossScale`, the sᵢ are learnable: `init` creates them. */
  override get learnable(): boolean {
    return this.lossScale;
  }

  protected override createState(taskNames: readonly string[]): void {
    if (this.lossScale) this.logScales.create(taskNames);
  }

  protected weights(gram: Float64Array, { tasks }: GramianContext): number[] {
    const t = tasks.length;
    const norms = new Tensor(
      Float64Array.from({ length: t }, (_, i) => Math.sqrt(gram[i * t + i]!)),
      [t],
      'float64',
    );
    const v = pinv(new Tensor(Float64Array.from(gram), [t, t], 'float64'))
      .matmul(norms)
      .toArray() as number[];
    const sum = v.reduce((a, b) => a + b, 0);
    const weights = sum !== 0 && Number.isFinite(sum) ? v.map((x) => x / sum) : v.map(() => 1 / t);
    return weights;
  }

  override backward(losses: Record<string, Variable>, context: BackwardContext): Record<string, number> {
    if (!this.lossScale) return super.backward(losses, context);
    const tasks = this.checkLosses(losses, context);
    const scaled = Object.fromEntries(
      tasks.map((task) => {
        const s = this.logScale(task);
        return [task, sub(mul(exp(s), losses[task]!), s)];
      }),
    );
    const alpha = super.backward(scaled, context);
    const record = Object.fromEntries(
      tasks.map((task) => [task, alpha[task]! * Math.exp(this.logScale(task).item())]),
    );
    if (this.lastDiagnostics) this.lastDiagnostics = { ...this.lastDiagnostics, weights: record };
    return record;
  }

  /** IMTL-L's sᵢ of a task. */
  logScale(task: string): Parameter {
    return this.logScales.of(task);
  }

  override parameters(): Parameter[] {
    if (this.lossScale) this.requireInit('parameters');
    return this.logScales.parameters();
  }

  override reset(): void {
    super.reset();
    this.logScales.reset();
  }

  /** `{ logScales: { task: sᵢ }, step, weights }` */
  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), logScales: this.logScales.stateDict() };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    if (this.lossScale) this.requireInit('loadStateDict');
    super.loadStateDict(state);
    this.logScales.loadStateDict((state.logScales ?? {}) as Record<string, unknown>);
  }
}
