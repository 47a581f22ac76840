/**
 * @mtl/multitask — multi-task learning: shared-trunk architectures, loss weighting and gradient aggregation, a Trainer, metrics and datasets.
 *
 * Not built yet: this entry point resolves and exports only the package's version, so that
 * downstream packages and tooling can depend on it while it is written.
 */
export const version = '0.0.0';
