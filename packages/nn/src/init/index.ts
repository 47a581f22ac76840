/** The initialisers, exported together as `init` (like `torch.nn.init`). */

export { calculateGain, fans, type Nonlinearity } from './fans';
export {
  constant,
  type InitOptions,
  type KaimingOptions,
  kaimingNormal,
  kaimingUniform,
  normal,
  ones,
  orthogonal,
  uniform,
  xavierNormal,
  xavierUniform,
  zeros,
} from './init';
