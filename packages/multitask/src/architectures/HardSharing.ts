import { narrow, type Parameter, stackedLinear, type Variable, type VariableLike } from '@mtl/autograd';
import { Identity, type Layer, Linear, ModuleDict, Sequential } from '@mtl/nn';
import {
  type DType,
  type Generator,
  kernelStorageView,
  kernelStorageZeros,
  Tensor,
  zeros,
} from '@mtl/tensor';
import { checkOptions, ownEntries } from '../data/check';
import {
  checkCommon,
  checkLayer,
  checkLayerRecord,
  checkMlpOptions,
  checkParameterCount,
  checkTaskSizes,
  checkWidth,
  checkWidths,
  mlpParameterCount,
} from './checkArgs';
import { MultiTaskModel } from './MultiTaskModel';
import { type Activation, mlp } from './mlp';

/** A module mapping one input to one output. */

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
 *
 * Each head runs its own `forward` on the representation, except the single-Linear heads that
 * {@link HardSharing.mlp} builds (`headHidden: []`, two tasks or more): those it stacks — their
 * weights lie one after another in one buffer, and their biases in another (the heads keep their
 * own Parameters, names and values; the Parameters' tensors are views of the buffers) — and
 * runs as one product, `stackedLinear`: the representation is read once, and its gradient is
 * one product instead of one per head and their sum. The buffers are the parameters' own
 * storage, so the product always sees the current weights (an optimizer updates them in place);
 * should a head's tensor be replaced (by `to(dtype)`, or an optimizer that moves parameters into
 * memory of its own), the product copies the weights together for each call instead, with the
 * same values.
 */
export class HardSharing extends MultiTaskModel {
  readonly encoder: Layer;
  readonly heads: ModuleDict<Layer>;
  /** The heads' Linear layers, in task order, when they are stacked (see the class doc); else null. */
  #stacked: readonly Linear[] | null = null;

  /**
   * @throws ValueError unless given `{ encoder, heads }` with a Module encoder and at least one
   *   head Module per task (task names non-empty, without '.')
   */
  constructor(options: { encoder: Layer; heads: Record<string, Layer> }) {
    const o = checkOptions('HardSharing', 'options', options, ['encoder', 'heads']);
    checkLayer('HardSharing', 'encoder', o.encoder);
    const heads = checkLayerRecord('HardSharing', 'heads', o.heads) as Record<string, Layer>;
    super(Object.keys(heads));
    this.encoder = o.encoder as Layer;
    this.heads = new ModuleDict(heads);
  }

  /**
   * The common case in one line: an MLP encoder and MLP heads. An empty `hidden` shares
   * nothing: the heads read the input and there are no shared parameters (fine for loss
   * weighting, but gradient methods need shared parameters to combine).
   *
   * @throws ValueError naming the option for sizes that are not integers in [1, 65,536], tasks
   *   that are not `{ name: outputSize }`, an unknown option or activation, or a model above
   *   2²⁷ parameters; DTypeError for a dtype other than float32 or float64
   */
  static mlp(options: HardSharingMlpOptions): HardSharing {
    const op = 'HardSharing.mlp';
    const o = checkMlpOptions(op, options, ['hidden', 'headHidden']);
    const inputSize = checkWidth(op, 'inputSize', o.inputSize);
    const hidden = checkWidths(op, 'hidden', o.hidden, 0);
    const tasks = checkTaskSizes(op, o.tasks);
    const headHidden = checkWidths(op, 'headHidden', o.headHidden ?? [], 0);
    const { activation, dtype, generator } = checkCommon(op, o);
    const top = hidden.at(-1) ?? inputSize;
    checkParameterCount(
      op,
      mlpParameterCount([inputSize, ...hidden]) +
        Object.values(tasks).reduce((sum, size) => sum + mlpParameterCount([top, ...headHidden, size]), 0),
    );
    // No hidden layers: nothing is shared, the heads read the input directly.
    const encoder =
      hidden.length > 0
        ? mlp([inputSize, ...hidden], { activation, finalActivation: true, dtype, generator })
        : new Identity();
    const entries = ownEntries(tasks);
    if (headHidden.length > 0 || entries.length < 2) {
      const heads = Object.fromEntries(
        entries.map(([task, size]) => [
          task,
          mlp([top, ...headHidden, size], { activation, dtype, generator }),
        ]),
      );
      return new HardSharing({ encoder: encoder as Layer, heads });
    }
    // One Linear per head, stacked (the class doc): the heads of mlp([top, size]), built here so
    // that their layers are known rather than looked for.
    const linears = entries.map(([, size]) => new Linear(top, size, { dtype, generator }));
    const heads = Object.fromEntries(entries.map(([task], i) => [task, new Sequential(linears[i]!)]));
    const model = new HardSharing({ encoder: encoder as Layer, heads });
    shareStorage(linears.map((l) => l.weight));
    shareStorage(linears.map((l) => l.bias!));
    model.#stacked = linears;
    return model;
  }

  /** Runs the encoder once, then the heads on its output (the representation). */
  forward(x: VariableLike): Record<string, Variable> {
    const rep = this.encoder.forward(x) as Variable;
    this.representation = rep;
    const linears = this.#stacked;
    if (linears === null) {
      return Object.fromEntries(
        this.tasks.map((task) => [task, this.heads.get(task).forward(rep) as Variable]),
      );
    }
    const all = stackedLinear(
      rep,
      linears.map((l) => l.weight),
      linears.map((l) => l.bias!),
    );
    let offset = 0;
    return Object.fromEntries(
      this.tasks.map((task, i) => {
        const size = linears[i]!.outFeatures;
        offset += size;
        return [task, narrow(all, -1, offset - size, size)];
      }),
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

/**
 * Moves the parameters' values into one new buffer (in kernel storage for float32, as a
 * Parameter's own values are), one after another, each Parameter keeping its values and shape as
 * a view of its part (one dtype: HardSharing.mlp's heads share theirs).
 */
function shareStorage(params: readonly Parameter[]): void {
  const { dtype } = params[0]!.value;
  const size = params.reduce((n, p) => n + p.value.size, 0);
  const buffer = (dtype === 'float32' ? kernelStorageZeros([size]) : zeros([size], { dtype })).data;
  let offset = 0;
  for (const p of params) {
    // A kernel-storage view keeps `buffer` (and so the storage) alive as long as the part lives.
    const part =
      buffer instanceof Float32Array
        ? kernelStorageView(buffer, offset, p.value.size)
        : buffer.subarray(offset, offset + p.value.size);
    part.set(p.value.data as never);
    p.value = new Tensor(part, p.value.shape, dtype);
    offset += p.value.size;
  }
}
