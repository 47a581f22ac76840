import { concat, linear, narrow, type Parameter, type Variable, type VariableLike } from '@mtl/autograd';
import { Identity, Linear, type Module, ModuleDict, Sequential } from '@mtl/nn';
import type { DType, Generator } from '@mtl/tensor';
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
  /** `linearHeads()`, once worked out (undefined before the first forward). */
  private linearCache: Linear[] | null | undefined = undefined;

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
    const heads = Object.fromEntries(
      ownEntries(tasks).map(([task, size]) => [
        task,
        mlp([top, ...headHidden, size], { activation, dtype, generator }),
      ]),
    );
    return new HardSharing({ encoder: encoder as Layer, heads });
  }

  forward(x: VariableLike): Record<string, Variable> {
    const rep = this.encoder.forward(x) as Variable;
    this.representation = rep;
    const linears = this.linearHeads();
    if (linears !== null) {
      // Every head is one Linear layer: one product with the heads' weights stacked ([Σ out, in],
      // a few hundred numbers copied), then each task's columns. The same values and gradients
      // as running the heads one by one, but one pass over the representation forward and
      // backward instead of one per head (and no per-head sums of its gradient).
      const weight = concat(
        linears.map((l) => l.weight),
        0,
      );
      const bias = linears[0]!.bias === null ? null : concat(linears.map((l) => l.bias!));
      const all = linear(rep, weight, bias);
      let offset = 0;
      return Object.fromEntries(
        this.tasks.map((task, i) => {
          const size = linears[i]!.outFeatures;
          const out = narrow(all, -1, offset, size);
          offset += size;
          return [task, out];
        }),
      );
    }
    return Object.fromEntries(
      this.tasks.map((task) => [task, this.heads.get(task).forward(rep) as Variable]),
    );
  }

  /**
   * The heads' Linear layers when every head is exactly one (a Linear, or a Sequential of just
   * one), with the same dtype and bias setting, and there are at least two; otherwise null.
   * Worked out at the first forward and kept: the heads are fixed after construction (`heads`
   * has no setter; changing what is inside a head afterwards is not supported).
   */
  private linearHeads(): Linear[] | null {
    if (this.linearCache === undefined) {
      this.linearCache = findLinearHeads(this.tasks.map((task) => this.heads.get(task) as Module));
    }
    return this.linearCache;
  }

  sharedParameters(): Parameter[] {
    return this.encoder.parameters();
  }

  taskParameters(task: string): Parameter[] {
    this.checkTask(task);
    return this.heads.get(task).parameters();
  }
}

/** See `HardSharing.linearHeads`. */
function findLinearHeads(heads: readonly Module[]): Linear[] | null {
  if (heads.length < 2) return null;
  const linears: Linear[] = [];
  for (let head of heads) {
    if (head.constructor === Sequential) {
      const items = (head as Sequential).items;
      if (items.length !== 1) return null;
      head = items[0]!;
    }
    if (head.constructor !== Linear) return null;
    const l = head as Linear;
    const first = linears[0];
    if (
      first !== undefined &&
      (l.inFeatures !== first.inFeatures ||
        l.weight.value.dtype !== first.weight.value.dtype ||
        (l.bias === null) !== (first.bias === null) ||
        (l.bias !== null && l.bias.value.dtype !== first.weight.value.dtype))
    ) {
      return null;
    }
    linears.push(l);
  }
  return linears;
}
