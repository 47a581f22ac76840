/** min(1, maxNorm/(‖d‖ + 1e-6)) from ‖d‖², as `torch.nn.utils.clip_grad_norm_`. */
export function clipFactor(normSq: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (Math.sqrt(Math.max(normSq, 0)) + 1e-6));
}
