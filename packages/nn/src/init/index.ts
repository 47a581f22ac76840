/** The initialisers, exported together as `init` (like `torch.nn.init`). */

export { calculateGain, fans, type Nonlinearity } from './fans';
export {
  constant,
  type FanMode,
  type GainOptions,
  type InitOptions,
  type KaimingOptions,
  kaimingNormal,
  kaimingUniform,
  type NormalOptions,
  normal,
  ones,
  orthogonal,
  type UniformOptions,
  uniform,
  xavierNormal,
  xavierUniform,
  zeros,
} from './init';
