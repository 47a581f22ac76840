/** The initialisers, exported together as `init` (like `torch.nn.init`). */
export {
  uniform,
  normal,
  constant,
  zeros,
  ones,
  xavierUniform,
  xavierNormal,
  kaimingUniform,
  kaimingNormal,
  orthogonal,
  type InitOptions,
  type KaimingOptions,
} from './init';
export { calculateGain, fans, type Nonlinearity } from './fans';
