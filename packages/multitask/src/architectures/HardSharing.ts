import type { Parameter, Variable, VariableLike } from '@mtl/autograd';
import { Identity, type Module, ModuleDict } from '@mtl/nn';
import type { DType, Generator } from '@mtl/tensor';
import { MultiTaskModel } from './MultiTaskModel';
import { type Activation, mlp } from './mlp';

/** A module mapping one input to one output. */
type Layer = Module & { forward(x: VariableLike): VariableLike };

export interface HardSharingMlpOptions {
  inputSize: number;
  /** Hidden sizes of the shared encoder, e.g. [64, 32]. */
  hidden: readonly number[];
  /** Output size per task, e.g. { species: 3, mass: 1 }. */
  tasks: Record<string, number>;
  /** Hidden sizes of each head before its output layer. Default [] (a single Linear). */
  headHidden?: readonly number[];
  activation?: Activation;
  dtype?: DType;
  generator?: Generator;
}

/**
 * Hard parameter sharing (HPS): one shared encoder, one head per task. Parameters are named
 * `encoder.*` and `heads.<task>.*`; the encoder's output is the shared representation.
 */
export class HardSharing extends MultiTaskModel {
  readonly encoder: Layer;
  readonly heads: ModuleDict<Layer>;

  constructor({ encoder, heads }: { encoder: Layer; heads: Record<string, Layer> }) {
    super(Object.keys(heads));
    this.encoder = encoder;
    this.heads = new ModuleDict(heads);
  }

  /** The common case in one line: an MLP encoder and MLP heads. */
  static mlp({
    inputSize,
    hidden,
    tasks,
    headHidden = [],
    activation = 'relu',
    dtype,
    generator,
  }: HardSharingMlpOptions): HardSharing {
    const top = hidden.at(-1) ?? inputSize;
    // No hidden layers: nothing is shared, the heads read the input directly.
    const encoder =
      hidden.length > 0
        ? mlp([inputSize, ...hidden], { activation, finalActivation: true, dtype, generator })
        : new Identity();
    const heads = Object.fromEntries(
      Object.entries(tasks).map(([task, size]) => [
        task,
        mlp([top, ...headHidden, size], { activation, dtype, generator }),
      ]),
    );
    return new HardSharing({ encoder: encoder as Layer, heads });
  }

  forward(x: VariableLike): Record<string, Variable> {
    const rep = this.encoder.forward(x) as Variable;
    this.representation = rep;
    return Object.fromEntries(
      this.tasks.map((task) => [task, this.heads.get(task).forward(rep) as Variable]),
    );
  }

  sharedParameters(): Parameter[] {
    return this.encoder.parameters();
  }

  taskParameters(task: string): Parameter[] {
    this.checkTask(task);
    return this.heads.get(task).parameters();
  }
}
