import {
  ELU,
  GELU,
  Identity,
  LeakyReLU,
  Linear,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  SiLU,
  Tanh,
} from '@mtl/nn';
import {
  checkBoolean,
  type DType,
  type Generator,
  type LinearActivation,
  mustBe,
  ValueError,
} from '@mtl/tensor';
import { checkIntegerList, checkOptions } from '../data/check';
import { checkCommon, checkParameterCount, MAX_LAYER_WIDTH, mlpParameterCount } from './checkArgs';

export type Activation = 'relu' | 'leakyRelu' | 'elu' | 'gelu' | 'silu' | 'tanh' | 'sigmoid';

export interface MlpOptions {
  activation?: Activation;
  /** Apply the activation after the last layer too (encoders: yes; heads: no). Default false. */
  finalActivation?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/** An activation module by name. @throws ValueError for a name not listed in {@link Activation} */
export function activationModule(name: Activation): Module & { forward(x: never): never } {
  const make: Record<Activation, () => Module> = {
    relu: () => new ReLU(),
    leakyRelu: () => new LeakyReLU(),
    elu: () => new ELU(),
    gelu: () => new GELU(),
    silu: () => new SiLU(),
    tanh: () => new Tanh(),
    sigmoid: () => new Sigmoid(),
  };
  const factory = typeof name === 'string' && Object.hasOwn(make, name) ? make[name] : undefined;
  if (factory === undefined) {
    throw new ValueError(mustBe('mlp', 'activation', `one of ${Object.keys(make).join(', ')}`, name));
  }
  return factory() as Module & { forward(x: never): never };
}

/** The activations a `Linear` layer runs itself (`new Linear(in, out, { activation })`). */
const FUSED: ReadonlySet<string> = new Set<LinearActivation>(['relu', 'gelu', 'silu', 'tanh', 'sigmoid']);

/**
 * A multi-layer perceptron `sizes[0] → sizes[1] → … → sizes[n]`: Linear layers with the
 * activation between them (and after the last with `finalActivation`), as a Sequential.
 *
 * The activation runs inside the Linear before it (`new Linear(in, out, { activation })`: one op,
 * the same values and gradients) when the layer can run it — relu, gelu, silu, tanh, sigmoid; an
 * `Identity` then stands where the activation module would be, so the parameter names are those
 * of `torch.nn.Sequential(Linear, ReLU, Linear, …)` (`0.weight`, `2.weight`, …) either way.
 * leakyRelu and elu stay modules of their own.
 *
 * Sizes are integers in [1, 65,536], at most 1024 of them, and the whole MLP has at most 2²⁷
 * parameters; larger requests are refused before anything is allocated.
 *
 * @throws ValueError for sizes that are not 2 to 1024 integers in [1, 65,536], an MLP above
 *   the parameter limit, an unknown activation or option, a non-boolean finalActivation or a
 *   generator that is not a Generator; DTypeError for a dtype other than float32 or float64
 */
export function mlp(sizes: readonly number[], options: MlpOptions = {}): Sequential {
  const op = 'mlp';
  const checkedSizes = checkIntegerList(op, 'sizes', sizes, {
    min: 1,
    max: MAX_LAYER_WIDTH,
    minLength: 2,
    maxLength: 1024,
  });
  const o = checkOptions(op, 'options', options, ['activation', 'finalActivation', 'dtype', 'generator']);
  const { activation, dtype, generator } = checkCommon(op, o);
  const finalActivation = checkBoolean(op, 'finalActivation', o.finalActivation, false);
  checkParameterCount(op, mlpParameterCount(checkedSizes));
  const layers: Module[] = [];
  for (let i = 0; i + 1 < checkedSizes.length; i++) {
    const activated = i + 2 < checkedSizes.length || finalActivation;
    const fused = activated && FUSED.has(activation);
    layers.push(
      new Linear(checkedSizes[i]!, checkedSizes[i + 1]!, {
        activation: fused ? (activation as LinearActivation) : 'none',
        dtype,
        generator,
      }),
    );
    if (activated) layers.push(fused ? new Identity() : activationModule(activation));
  }
  return new Sequential(...(layers as never[]));
}
