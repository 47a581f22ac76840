/**
 * @mtl/multitask — multi-task learning: shared-trunk architectures, loss weighting and
 * gradient aggregation methods with exact small solvers.
 */

export { HardSharing, type HardSharingMlpOptions } from './architectures/HardSharing';
export { MultiTaskModel } from './architectures/MultiTaskModel';
export { type Activation, activationModule, type MlpOptions, mlp } from './architectures/mlp';
export { EW } from './methods/EW';
export { type AggregationInput, GradientAggregation, weightedSum } from './methods/GradientAggregation';
export { LossWeighting, type LossWeightingOptions } from './methods/LossWeighting';
export { PCGrad, type PCGradOptions } from './methods/PCGrad';
export { StaticWeighting } from './methods/StaticWeighting';
export { UW, type UWOptions } from './methods/UW';
export {
  type BackwardContext,
  type Diagnostics,
  gramian,
  taskGradients,
  WeightingMethod,
} from './methods/WeightingMethod';
