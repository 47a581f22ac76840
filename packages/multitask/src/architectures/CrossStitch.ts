import { matmul, Parameter, select, stack, type Variable, type VariableLike } from '@mtl/autograd';
import { ModuleDict, ModuleList } from '@mtl/nn';
import { checkNumber, type DType, type Generator, type Tensor, tensor, ValueError } from '@mtl/tensor';
import { checkFloatDType, checkOptions } from '../data/check';
import {
  checkCommon,
  checkLayerList,
  checkLayerRecord,
  checkMlpOptions,
  checkParameterCount,
  checkPerTask,
  checkTaskSizes,
  checkWidth,
  checkWidths,
  countTasks,
  mlpParameterCount,
  towersParameterCount,
} from './checkArgs';
import { checkSameTasks, type Layer, perTask } from './gate';
import { MultiTaskModel } from './MultiTaskModel';
import { type Activation, mlp } from './mlp';

export interface CrossStitchMlpOptions {
  inputSize: number;
  /** Hidden sizes of every task's column, e.g. [64, 32]; a stitch follows each. */
  hidden: readonly number[];
  /** Output size per task, e.g. { depth: 1, normals: 3 }. */
  tasks: Record<string, number>;
  /** Hidden sizes of each head before its output layer. Default [] (a single Linear). */
  headHidden?: readonly number[];
  activation?: Activation;
  /** The stitches' initial diagonal. Default 0.9. */
  diagonal?: number;
  dtype?: DType;
  generator?: Generator;
}

/**
 * Cross-stitch networks (Misra et al. 2016): one column per task; after each column layer a
 * learnable T×T stitch α mixes the columns' activations, h'_t = Σ_u α[t, u]·h_u, and each
 * head reads its column's last stitched activation. The stitches start near the identity: α
 * has `diagonal` (0.9) on the diagonal and (1 − diagonal)/(T − 1) elsewhere, so each row sums
 * to 1 and every column starts mostly itself. Parameters are named `columns.<task>.<l>.*`,
 * `stitches.<l>`, `heads.<task>.*`.
 *
 * What is shared follows what each loss depends on: every column layer feeds a stitch that
 * passes its activations to all the tasks, so the columns and stitches are all shared and a
 * task owns only its head. The shared representation is the last stitch's output [N, T, h]
 * (column t at index t), which the heads read.
 */
export class CrossStitch extends MultiTaskModel {
  readonly columns: ModuleDict<ModuleList<Layer>>;
  readonly stitches: Parameter[];
  readonly heads: ModuleDict<Layer>;

  /**
   * @throws ValueError unless given `{ columns, heads, diagonal?, dtype? }` with, per task, an
   *   array of column-layer Modules (every column equally deep, at least one layer) and a head
   *   Module, a diagonal in [0, 1]; DTypeError for a dtype other than float32 or float64;
   *   ValueError when columns and heads name different tasks
   */
  constructor(options: {
    /** Per task, its column's layers; every column has the same number of layers and widths. */
    columns: Record<string, readonly Layer[]>;
    heads: Record<string, Layer>;
    /** The stitches' initial diagonal. Default 0.9. */
    diagonal?: number;
    /** The stitches' dtype. Default: the columns' first parameter's, else float32. */
    dtype?: DType;
  }) {
    const op = new.target.name;
    const o = checkOptions(op, 'options', options, ['columns', 'heads', 'diagonal', 'dtype']);
    const columns = checkPerTask(op, 'columns', o.columns, '{ taskA: [layer, …] }', (v, where) =>
      checkLayerList(op, where, v, 1, 'layer (a stitch follows each)'),
    ) as Record<string, Layer[]>;
    const heads = checkLayerRecord(op, 'heads', o.heads) as Record<string, Layer>;
    const diagonal = checkNumber(op, 'diagonal', o.diagonal ?? 0.9, { min: 0, max: 1 });
    const dtype = checkFloatDType(op, 'dtype', o.dtype);
    super(checkSameTasks(op, { heads, columns }));
    const depths = Object.values(columns).map((c) => c.length);
    if (depths[0] === 0 || depths.some((d) => d !== depths[0])) {
      throw new ValueError(
        `${new.target.name}: every column needs the same number of layers, at least one (a stitch follows each) — got ${depths.join(', ')}`,
      );
    }
    if (!(diagonal >= 0 && diagonal <= 1)) {
      throw new ValueError(`${new.target.name}: diagonal must be in [0, 1], got ${diagonal}`);
    }
    this.columns = new ModuleDict(
      Object.fromEntries(Object.entries(columns).map(([t, ls]) => [t, new ModuleList(ls)])),
    );
    this.heads = new ModuleDict(heads);
    const type = dtype ?? this.columns.parameters()[0]?.dtype ?? 'float32';
    this.stitches = Array.from(
      { length: depths[0]! },
      () => new Parameter(stitchInit(this.tasks.length, diagonal, type)),
    );
  }

  /**
   * The common case in one line: MLP columns with a stitch after each hidden layer, MLP heads.
   *
   * @throws ValueError naming the option for an empty `hidden` (a stitch follows each hidden
   *   layer), sizes that are not integers in [1, 65,536], tasks that are not
   *   `{ name: outputSize }`, a diagonal outside [0, 1], an unknown option or activation, or a
   *   model above 2²⁷ parameters; DTypeError for a dtype other than float32 or float64
   */
  static mlp(mlpOptions: CrossStitchMlpOptions): CrossStitch {
    const op = 'CrossStitch.mlp';
    const o = checkMlpOptions(op, mlpOptions, ['hidden', 'headHidden', 'diagonal']);
    const inputSize = checkWidth(op, 'inputSize', o.inputSize);
    const hidden = checkWidths(op, 'hidden', o.hidden, 1, 'a stitch follows each hidden layer');
    const tasks = checkTaskSizes(op, o.tasks);
    const headHidden = checkWidths(op, 'headHidden', o.headHidden ?? [], 0);
    const diagonal = checkNumber(op, 'diagonal', o.diagonal ?? 0.9, { min: 0, max: 1 });
    const { activation, dtype, generator } = checkCommon(op, o);
    const numTasks = countTasks(tasks);
    checkParameterCount(
      op,
      numTasks * mlpParameterCount([inputSize, ...hidden]) +
        hidden.length * numTasks * numTasks +
        towersParameterCount(tasks, hidden.at(-1)!, headHidden),
    );
    const options = { activation, dtype, generator };
    const sizes = [inputSize, ...hidden];
    const columns = perTask(tasks, () =>
      hidden.map((_, l) => mlp([sizes[l]!, sizes[l + 1]!], { ...options, finalActivation: true }) as Layer),
    );
    const heads = perTask(tasks, (size) => mlp([hidden.at(-1)!, ...headHidden, size], options) as Layer);
    return new CrossStitch({ columns, heads, diagonal, dtype });
  }

  forward(x: VariableLike): Record<string, Variable> {
    let hs: Variable[] = this.tasks.map(() => x as Variable);
    let mixed: Variable | null = null;
    for (const [l, stitch] of this.stitches.entries()) {
      const outs = this.tasks.map((t, i) => this.columns.get(t).at(l).forward(hs[i]!) as Variable);
      // [T, T]·[N, T, h] broadcasts over N: row t of the result is Σ_u α[t, u]·h_u.
      mixed = matmul(stitch, stack(outs, -2));
      const m = mixed;
      hs = this.tasks.map((_, i) => select(m, -2, i));
    }
    this.representation = mixed;
    return Object.fromEntries(
      this.tasks.map((task, i) => [task, this.heads.get(task).forward(hs[i]!) as Variable]),
    );
  }

  sharedParameters(): Parameter[] {
    return [...this.columns.parameters(), ...this.stitches];
  }

  taskParameters(task: string): Parameter[] {
    this.checkTask(task);
    return this.heads.get(task).parameters();
  }
}

/** A T×T matrix with `diagonal` on the diagonal and the rest of each row's unit sum spread evenly. */
function stitchInit(numTasks: number, diagonal: number, dtype: DType): Tensor {
  const off = numTasks > 1 ? (1 - diagonal) / (numTasks - 1) : 0;
  const values = Array.from({ length: numTasks * numTasks }, (_, k) =>
    Math.floor(k / numTasks) === k % numTasks ? (numTasks > 1 ? diagonal : 1) : off,
  );
  return tensor(values, { dtype, shape: [numTasks, numTasks] });
}
