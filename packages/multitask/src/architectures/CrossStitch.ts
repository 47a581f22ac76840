import { matmul, Parameter, select, stack, type Variable, type VariableLike } from '@mtl/autograd';
import { ModuleDict, ModuleList } from '@mtl/nn';
import { type DType, type Generator, MtlError, type Tensor, tensor, ValueError } from '@mtl/tensor';
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

  constructor({
    columns,
    heads,
    diagonal = 0.9,
    dtype,
  }: {
    /** Per task, its column's layers; every column has the same number of layers and widths. */
    columns: Record<string, readonly Layer[]>;
    heads: Record<string, Layer>;
    /** The stitches' initial diagonal. Default 0.9. */
    diagonal?: number;
    /** The stitches' dtype. Default: the columns' first parameter's, else float32. */
    dtype?: DType;
  }) {
    super(checkSameTasks(new.target.name, { heads, columns }));
    const depths = Object.values(columns).map((c) => c.length);
    if (depths[0] === 0 || depths.some((d) => d !== depths[0])) {
      throw new MtlError(
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

  /** The common case in one line: MLP columns with a stitch after each hidden layer, MLP heads. */
  static mlp({
    inputSize,
    hidden,
    tasks,
    headHidden = [],
    activation = 'relu',
    diagonal,
    dtype,
    generator,
  }: CrossStitchMlpOptions): CrossStitch {
    if (hidden.length === 0) {
      throw new MtlError('CrossStitch.mlp: hidden must list at least one size (a stitch follows each)');
    }
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
