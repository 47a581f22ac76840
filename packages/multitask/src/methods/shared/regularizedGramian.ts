import { gramTrace } from '../../solvers/validateGram';
import { type OptionRules, rules } from './methodOptions';

/** UPGrad's and DualProj's ε options. */
export interface GramianRegularization {
  /** ε of Ĝ = GGᵀ/tr(GGᵀ) + εI, which makes the QPs strictly convex. Default 1e-4 (TorchJD's `reg_eps`). */
  eps?: number;
  /** Below this trace the Gramian counts as zero and Ĝ = εI (TorchJD's `norm_eps`). Default 1e-4. */
  normEps?: number;
}

/** UPGrad's and DualProj's ε options. */
export const EPS_RULES: OptionRules<GramianRegularization> = {
  eps: rules.nonNegative,
  normEps: rules.nonNegative,
};

/**
 * Ĝ = GGᵀ/tr(GGᵀ) + εI, as TorchJD and LibMTL regularise the Gramian before projecting (a trace
 * below `normEps` gives εI). Shared by UPGrad and DualProj.
 */
export function regularizedGramian(
  gram: Float64Array,
  t: number,
  eps: number,
  normEps: number,
): Float64Array {
  const trace = gramTrace(gram, t);
  const out = new Float64Array(t * t);
  if (trace >= normEps) for (let k = 0; k < t * t; k++) out[k] = gram[k]! / trace;
  for (let i = 0; i < t; i++) out[i * t + i]! += eps;
  return out;
}
