/**
 * @mtl/multitask — multi-task learning: shared-trunk architectures, loss weighting and
 * gradient aggregation methods with exact small solvers.
 */

export { CGC, type CGCMlpOptions } from './architectures/CGC';
export { CrossStitch, type CrossStitchMlpOptions } from './architectures/CrossStitch';
export {
  DSelectK,
  DSelectKGate,
  type DSelectKGateOptions,
  type DSelectKMlpOptions,
} from './architectures/DSelectK';
export type { ExtractionParts } from './architectures/gate';
export { HardSharing, type HardSharingMlpOptions } from './architectures/HardSharing';
export { MMoE, type MMoEMlpOptions } from './architectures/MMoE';
export { MultiTaskModel } from './architectures/MultiTaskModel';
export { type Activation, activationModule, type MlpOptions, mlp } from './architectures/mlp';
export { type MultiLeNetOptions, multiLeNet } from './architectures/multiLeNet';
export { PLE, PLELevel, type PLEMlpOptions } from './architectures/PLE';
export type { Category } from './data/categories';
export { type Batch, DataLoader, type DataLoaderOptions } from './data/DataLoader';
export { type EncodeLabelsOptions, encodeLabels } from './data/encodeLabels';
export { MultiTaskDataset, type MultiTaskDatasetOptions } from './data/MultiTaskDataset';
export { type OneHotEncodeOptions, oneHotEncode } from './data/oneHotEncode';
export { Standardizer, type StandardizerJSON } from './data/Standardizer';
export {
  type TrainValTestSplit,
  type TrainValTestSplitOptions,
  trainValTestSplit,
} from './data/trainValTestSplit';
export {
  type CagradToy,
  cagradToy,
  cagradToyLosses,
  cagradToyLower,
  cagradToyParetoSet,
  cagradToyStarts,
} from './datasets/cagradToy';
export type { DatasetColumns, DatasetTask, DatasetTaskType } from './datasets/DatasetColumns';
export { type GradNormToyDataset, type GradNormToyOptions, gradNormToy } from './datasets/gradNormToy';
export {
  type MmoeSyntheticDataset,
  type MmoeSyntheticOptions,
  mmoeSynthetic,
} from './datasets/mmoeSynthetic';
export { type PenguinsDataset, penguins } from './datasets/penguins';
export { type RelatedTasksDataset, type RelatedTasksOptions, relatedTasks } from './datasets/relatedTasks';
export { DatasetError } from './datasets/vision/DatasetError';
export { fashionMnist, mnist } from './datasets/vision/fashionMnist';
export { type IdxArray, parseIdx, readIdx } from './datasets/vision/idx';
export type { MnistOptions, MnistSplit } from './datasets/vision/mnistFiles';
export {
  type MultiMnistDataset,
  type MultiMnistOptions,
  multiFashion,
  multiFashionMnist,
  multiMnist,
} from './datasets/vision/multiMnist';
export { AlignedMTL, type AlignedMTLOptions } from './methods/AlignedMTL';
export { CAGrad, type CAGradOptions } from './methods/CAGrad';
export { ConFIG, type ConFIGOptions } from './methods/ConFIG';
export { DBMTL, type DBMTLOptions } from './methods/DBMTL';
export { DualProj, type DualProjOptions } from './methods/DualProj';
export { DWA, type DWAOptions } from './methods/DWA';
export { EW } from './methods/EW';
export { ExcessMTL, type ExcessMTLOptions } from './methods/ExcessMTL';
export { FAMO, type FAMOOptions } from './methods/FAMO';
export { FairGrad, type FairGradOptions } from './methods/FairGrad';
export { GLS } from './methods/GLS';
export { GradDrop, type GradDropOptions } from './methods/GradDrop';
export {
  type AggregationInput,
  type Combination,
  GradientAggregation,
  type GramianContext,
} from './methods/GradientAggregation';
export { GradNorm, type GradNormOptions } from './methods/GradNorm';
export { GradVac, type GradVacOptions } from './methods/GradVac';
export { GRAMIAN_DEFAULTS, GramianAggregation, type GramianOptions } from './methods/GramianAggregation';
export { IMTL, type IMTLOptions } from './methods/IMTL';
export { IMTLL, type IMTLLOptions } from './methods/IMTLL';
export { Krum, type KrumOptions } from './methods/Krum';
export { LossWeighting, type LossWeightingOptions } from './methods/LossWeighting';
export { MGDA, type MGDANormalization, type MGDAOptions } from './methods/MGDA';
export { MoCo, type MoCoOptions } from './methods/MoCo';
export { MoDo, type MoDoOptions } from './methods/MoDo';
export { NashMTL, type NashMTLOptions } from './methods/NashMTL';
export { PCGrad, type PCGradOptions } from './methods/PCGrad';
export { RLW, type RLWOptions } from './methods/RLW';
export { SDMGrad, type SDMGradOptions } from './methods/SDMGrad';
export { STCH, type STCHOptions } from './methods/STCH';
export { StaticWeighting } from './methods/StaticWeighting';
export {
  type MethodDefaults,
  methodOptions,
  type OptionRule,
  type OptionRules,
  rule,
  rules,
} from './methods/shared/methodOptions';
export type { GramianRegularization } from './methods/shared/regularizedGramian';
export { WeightingError } from './methods/shared/WeightingError';
export { TaskScalars } from './methods/TaskScalars';
export { TrimmedMean, type TrimmedMeanOptions } from './methods/TrimmedMean';
export { UPGrad, type UPGradOptions } from './methods/UPGrad';
export { UW, type UWOptions } from './methods/UW';
export {
  type BackwardContext,
  type Diagnostics,
  gramian,
  taskGradients,
  WeightingMethod,
  weightedSum,
} from './methods/WeightingMethod';
export { type AccuracyOptions, accuracy } from './metrics/accuracy';
export { auc } from './metrics/auc';
export { type DeltaMOptions, deltaM, higherIsBetter, type TaskResults, withoutLoss } from './metrics/deltaM';
export { type F1Options, f1 } from './metrics/f1';
export { mae } from './metrics/mae';
export { mse } from './metrics/mse';
export { type R2Options, r2 } from './metrics/r2';
export { rmse } from './metrics/rmse';
export type { BinaryDecisionOptions, MaskInput, MaskOptions, MetricInput } from './metrics/validate';
export { type BoxQPOptions, boxQP } from './solvers/boxQP';
export { type CagradWeightsOptions, cagradWeights } from './solvers/cagradWeights';
export { type FairGradWeightsOptions, fairGradWeights } from './solvers/fairGradWeights';
export { type MinNormSimplexOptions, minNormSimplex } from './solvers/minNormSimplex';
export {
  type MinNormSimplexFrankWolfeOptions,
  minNormSimplexFrankWolfe,
} from './solvers/minNormSimplexFrankWolfe';
export { type NashWeightsOptions, nashWeights } from './solvers/nashWeights';
export { projectSimplex } from './solvers/projectSimplex';
export { CheckpointError } from './training/CheckpointError';
export {
  type BaselineRow,
  baselineMetrics,
  baselineRow,
  type CompareMethodsOptions,
  type Comparison,
  type ComparisonRow,
  compareMethods,
  formatComparison,
  type MethodRun,
  meanAndStd,
  methodRow,
  type Stat,
} from './training/compareMethods';
export {
  defaultLoss,
  maskedTaskLoss,
  presentRows,
  type TaskLossFn,
  type TaskType,
} from './training/maskedTaskLoss';
export { ProgressBar, type ProgressStream } from './training/ProgressBar';
export {
  type EarlyStopping,
  type EpochRecord,
  type FitOptions,
  type MetricName,
  type StepRecord,
  type TaskSpec,
  Trainer,
  type TrainerCallbacks,
  type TrainerOptions,
  type TrainerState,
  type TrainingEvent,
} from './training/Trainer';
