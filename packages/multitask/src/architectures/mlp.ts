import { ELU, GELU, LeakyReLU, Linear, type Module, ReLU, Sequential, Sigmoid, SiLU, Tanh } from '@mtl/nn';
import { type DType, type Generator, ValueError } from '@mtl/tensor';

export type Activation = 'relu' | 'leakyRelu' | 'elu' | 'gelu' | 'silu' | 'tanh' | 'sigmoid';

export interface MlpOptions {
  activation?: Activation;
  /** Apply the activation after the last layer too (encoders: yes; heads: no). Default false. */
  finalActivation?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/** An activation module by name. */
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
  const factory = make[name];
  if (factory === undefined) {
    throw new ValueError(
      `mlp: unknown activation ${JSON.stringify(name)} (use ${Object.keys(make).join(', ')})`,
    );
  }
  return factory() as Module & { forward(x: never): never };
}

/**
 * A multi-layer perceptron `sizes[0] → sizes[1] → … → sizes[n]`: Linear layers with the
 * activation between them (and after the last with `finalActivation`), as a Sequential.
 */
export function mlp(
  sizes: readonly number[],
  { activation = 'relu', finalActivation = false, dtype, generator }: MlpOptions = {},
): Sequential {
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new ValueError(
      `mlp: sizes must list at least two positive integers (input and output), got ${JSON.stringify(sizes)}`,
    );
  }
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i]!, sizes[i + 1]!, { dtype, generator }));
    if (i + 2 < sizes.length || finalActivation) layers.push(activationModule(activation));
  }
  return new Sequential(...(layers as never[]));
}
