/**
 * @mtl/optim — the optimizers, learning-rate schedulers and gradient clipping of PyTorch, with
 * its numbers. It updates anything shaped `{ value: Tensor; grad: Tensor | null }`: @mtl/autograd
 * Variables, or plain objects.
 */

export { type ClipGradNormOptions, clipGradNorm } from './clipGradNorm';
export { clipGradValue } from './clipGradValue';
export { OptimError } from './OptimError';
export {
  type BaseOptions,
  Optimizer,
  type OptimizerStateDict,
  type OptimizerStateDictInput,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type SerializedTensor,
  type StateTensorInput,
} from './Optimizer';
export { Adagrad, type AdagradOptions } from './optimizers/Adagrad';
export { Adam, type AdamOptions, AdamW } from './optimizers/Adam';
export { RMSprop, type RMSpropOptions } from './optimizers/RMSprop';
export { Momentum, SGD, type SGDOptions } from './optimizers/SGD';
export type { ParameterLike } from './ParameterLike';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './schedulers/CosineAnnealingLR';
export { ExponentialLR, type ExponentialLROptions } from './schedulers/ExponentialLR';
export { LambdaLR, type LambdaLROptions, type LrLambda } from './schedulers/LambdaLR';
export { LinearLR, type LinearLROptions } from './schedulers/LinearLR';
export { LRScheduler, type LRSchedulerStateDict, type ScheduledGroup } from './schedulers/LRScheduler';
export { MultiStepLR, type MultiStepLROptions } from './schedulers/MultiStepLR';
export {
  type LrKey,
  type MomentumKey,
  OneCycleLR,
  type OneCycleLROptions,
  type OneCyclePhase,
} from './schedulers/OneCycleLR';
export {
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
  type ReduceLROnPlateauStateDict,
} from './schedulers/ReduceLROnPlateau';
export {
  SequentialLR,
  type SequentialLROptions,
  type SequentialLRStateDict,
} from './schedulers/SequentialLR';
export { StepLR, type StepLROptions } from './schedulers/StepLR';
export { type AdagradHyper, adagradUpdate } from './updates/adagradUpdate';
export { type AdamHyper, adamUpdate } from './updates/adamUpdate';
export type { FloatArray } from './updates/FloatArray';
export { type RmspropHyper, rmspropUpdate } from './updates/rmspropUpdate';
export { type SgdHyper, sgdUpdate } from './updates/sgdUpdate';
