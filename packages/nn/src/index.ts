/**
 * @mtl/nn — neural-network modules over @mtl/autograd: `Module` with PyTorch's naming and state
 * dicts, layers, initialisers, losses, and safetensors files that PyTorch opens.
 */

export { Buffer } from './Buffer';
// Losses and functional forms.
export { type BatchNormOptions, batchNorm } from './functional/batchNorm';
export { type DropoutOptions, dropout } from './functional/dropout';
export { dropout2d } from './functional/dropout2d';
export { type GroupNormOptions, groupNorm } from './functional/groupNorm';
export { type LayerNormOptions, layerNorm } from './functional/layerNorm';
export * as init from './init/index';
export { SaveError } from './io/SaveError';
export { writeFileAtomic } from './io/writeFileAtomic';
export { AdaptiveAvgPool2d } from './layers/AdaptiveAvgPool2d';
export { AvgPool1d, type AvgPool1dOptions } from './layers/AvgPool1d';
export { AvgPool2d, type AvgPool2dOptions } from './layers/AvgPool2d';
export type { AvgPoolOptions } from './layers/AvgPoolNd';
export { ELU, GELU, LeakyReLU, ReLU, Sigmoid, SiLU, Softplus, Tanh } from './layers/activations';
export { BatchNorm1d, type BatchNorm1dOptions } from './layers/BatchNorm1d';
export { BatchNorm2d, type BatchNorm2dOptions } from './layers/BatchNorm2d';
export type { BatchNormLayerOptions } from './layers/BatchNormNd';
export { Conv1d, type Conv1dOptions } from './layers/Conv1d';
export { Conv2d, type Conv2dOptions } from './layers/Conv2d';
export type { ConvOptions } from './layers/ConvNd';
export { Identity, type Layer, ModuleDict, ModuleList, Sequential } from './layers/containers';
export { Dropout } from './layers/Dropout';
export { Dropout2d } from './layers/Dropout2d';
export { Embedding } from './layers/Embedding';
export { Flatten } from './layers/Flatten';
export { GroupNorm, type GroupNormLayerOptions } from './layers/GroupNorm';
export { LayerNorm } from './layers/LayerNorm';
export { Linear, type LinearOptions } from './layers/Linear';
export { MaxPool1d, type MaxPool1dOptions } from './layers/MaxPool1d';
export { MaxPool2d, type MaxPool2dOptions } from './layers/MaxPool2d';
export type { MaxPoolOptions, MaxPoolResult } from './layers/MaxPoolNd';
export { Upsample, type UpsampleMode, type UpsampleOptions } from './layers/Upsample';
export { type BceWithLogitsOptions, bceWithLogits } from './losses/bceWithLogits';
export { type BinaryCrossEntropyOptions, binaryCrossEntropy } from './losses/binaryCrossEntropy';
export { type CosineSimilarityOptions, cosineSimilarity } from './losses/cosineSimilarity';
export { type CrossEntropyOptions, crossEntropy } from './losses/crossEntropy';
export { type HuberLossOptions, huberLoss } from './losses/huberLoss';
export { type KlDivOptions, klDiv } from './losses/klDiv';
export { type L1LossOptions, l1Loss } from './losses/l1Loss';
export { type MseLossOptions, mseLoss } from './losses/mseLoss';
export { type NllLossOptions, nllLoss } from './losses/nllLoss';
export type { Reduction } from './losses/reduce';
export { type SmoothL1LossOptions, smoothL1Loss } from './losses/smoothL1Loss';
export type { LossInput } from './losses/validate';
export { type LoadResult, Module, type StateDict } from './Module';
// safetensors.
export { loadSafetensors } from './safetensors/loadSafetensors';
export { loadSafetensorsFile } from './safetensors/loadSafetensorsFile';
export {
  readSafetensorsHeader,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
} from './safetensors/readSafetensorsHeader';
export { SafetensorsError } from './safetensors/SafetensorsError';
export type { SafetensorsDType } from './safetensors/safetensorsDTypes';
export { safetensorsToBlob } from './safetensors/safetensorsToBlob';
export { saveSafetensors } from './safetensors/saveSafetensors';
export { saveSafetensorsFile } from './safetensors/saveSafetensorsFile';
export { MAX_LAYER_ELEMENTS } from './validate';
