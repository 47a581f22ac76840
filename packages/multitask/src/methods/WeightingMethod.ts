import { grad, type Parameter, type Variable } from '@mtl/autograd';
import { eye, formatValue, MtlError, rowCombination, rowGramian, select, Tensor } from '@mtl/tensor';
import { WeightingError } from './shared/WeightingError';

/** What a method needs besides the losses. */
export interface BackwardContext {
  /** The shared parameters (`model.sharedParameters()`). */
  shared: readonly Parameter[];
  /** The shared representation, for methods that work on it (`model.representation`). */
  representation?: Variable | null;
  /** The current epoch (0-based), for epoch-level methods (DWA, GradNorm). */
  epoch?: number;
}

/** What the last `backward` did, for the Trainer's history and for plots. */
export interface Diagnostics {
  /** The weight each task's gradient or loss got. */
  weights: Record<string, number>;
  /** ‖g_i‖ of each task's gradient on what the method combined (shared parameters or representation). */
  gradNorms?: Record<string, number>;
  /** Pairwise cosine similarity of the task gradients, in task order. */
  cosine?: number[][];
}

/**
 * The interface of every loss-weighting and gradient-aggregation method:
 * `backward(losses, { shared, representation?, epoch? })` writes `.grad` of every parameter (heads
 * get their own task's gradient) and returns the task weights it used.
 *
 * Lifecycle (LibMTL's `init_param`): `init(taskNames)` creates the method's per-task learnable
 * state (UW's log-variances, GradNorm's logits, …) before the optimizer is built from
 * `parameters()`; the Trainer calls it. A method with such state refuses `parameters()` and
 * `backward` before `init` — created lazily at the first step, the state would never reach the
 * optimizer and would silently stay at its initial value.
 */
export abstract class WeightingMethod {
  /** The method's name, for messages and reports. */
  abstract readonly name: string;
  /** 'loss': weights the losses; 'gradient': combines per-task gradients. */
  abstract readonly level: 'loss' | 'gradient';
  /** Diagnostics of the last backward. */
  lastDiagnostics: Diagnostics | null = null;
  /** True for methods that only work on the shared representation (GradDrop): callers must pass it. */
  readonly needsRepresentation: boolean = false;
  /**
   * True for methods that only work on the shared parameters (DB-MTL, MoCo keep per-parameter
   * averages across steps): a representation is refused before any gradient is taken.
   */
  readonly needsParameters: boolean = false;

  /**
   * True for methods with per-task learnable state, which `init` creates: they refuse
   * `parameters()` and `backward` before it.
   */
  get learnable(): boolean {
    return false;
  }

  private initTasks: readonly string[] | null = null;

  /** The tasks given to `init` (null before). */
  get taskNames(): readonly string[] | null {
    return this.initTasks;
  }

  /**
   * Creates the method's per-task state for these tasks; call it before giving `parameters()` to
   * an optimizer (the Trainer calls it). Again with the same tasks (in any order) it does nothing.
   */
  init(taskNames: readonly string[]): this {
    const where = `${this.name}.init`;
    if (
      !Array.isArray(taskNames) ||
      taskNames.length === 0 ||
      !taskNames.every((t) => typeof t === 'string' && t.length > 0) ||
      new Set(taskNames).size !== taskNames.length
    ) {
      throw new WeightingError(
        `${where}: taskNames must be a non-empty array of distinct task names — got ${formatValue(taskNames)}`,
      );
    }
    const known = this.initTasks;
    if (known !== null) {
      if (known.length === taskNames.length && taskNames.every((t) => known.includes(t))) return this;
      throw new WeightingError(
        `${where}: already initialised for tasks [${known.join(', ')}], got [${taskNames.join(', ')}] — a method's state belongs to one set of tasks; create a new ${this.name} for another`,
      );
    }
    this.initTasks = Object.freeze([...taskNames]);
    this.createState(this.initTasks);
    return this;
  }

  /** Creates the per-task state (`init`'s work); methods without any keep this no-op. */
  protected createState(_taskNames: readonly string[]): void {}

  /** The tasks given to `init`; throws the lifecycle error naming `where` and the fix before it. */
  protected requireInit(where: string): readonly string[] {
    if (this.initTasks !== null) return this.initTasks;
    throw new WeightingError(
      `${this.name}.${where}: ${this.name} learns per-task parameters, which init(taskNames) creates — call .init(['taskA', 'taskB', …]) before building the optimizer from [...model.parameters(), ...method.parameters()] (the Trainer calls init itself, but its optimizer must already hold them)`,
    );
  }

  abstract backward(losses: Record<string, Variable>, context: BackwardContext): Record<string, number>;

  /**
   * Learnable parameters of the method itself (UW's log-variances, …), to give to an optimizer
   * after `init`.
   */
  parameters(): Parameter[] {
    return [];
  }

  /** Clears any history (loss averages, EMA buffers), as at the start of a new run. */
  reset(): void {}

  /** JSON-serialisable state, for checkpoints. */
  stateDict(): Record<string, unknown> {
    return {};
  }

  loadStateDict(_state: Record<string, unknown>): void {}

  /**
   * Checks the losses: at least one, each a scalar, finite (a NaN loss names its task), each a
   * task `init` was given (a method with learnable state must have had `init`).
   */
  protected checkLosses(losses: Record<string, Variable>, context: BackwardContext): string[] {
    const tasks = Object.keys(losses);
    if (tasks.length === 0) throw new WeightingError(`${this.name}.backward: no losses given`);
    const known = this.learnable ? this.requireInit('backward') : this.initTasks;
    const stranger = known === null ? undefined : tasks.find((t) => !known.includes(t));
    if (stranger !== undefined) {
      throw new WeightingError(
        `${this.name}.backward: task ${JSON.stringify(stranger)} was not given to init([${known!.join(', ')}]) — pass every task to init`,
      );
    }
    for (const task of tasks) {
      const loss = losses[task]!;
      if (loss.size !== 1) {
        throw new WeightingError(
          `${this.name}.backward: the loss of task ${JSON.stringify(task)} must be a scalar, got shape [${loss.shape.join(',')}]`,
        );
      }
      const value = loss.item();
      if (!Number.isFinite(value)) {
        const epoch = context.epoch === undefined ? '' : ` at epoch ${context.epoch}`;
        throw new MtlError(
          `${this.name}.backward: the loss of task ${JSON.stringify(task)} is ${value}${epoch}`,
        );
      }
    }
    return tasks;
  }
}

/**
 * Per-task gradients of `losses` with respect to `inputs`, flattened into the rows of a T×d
 * float64 Jacobian (how every gradient-level method sees them); `rows` are views of its rows.
 * One walk of the graph (`isGradsBatched`, loss i seeded with row i of the identity), which is
 * kept for the caller.
 */
export function taskGradients(
  losses: readonly Variable[],
  inputs: readonly Variable[],
): { jacobian: Tensor; rows: Float64Array[]; d: number } {
  const t = losses.length;
  const d = inputs.reduce((n, p) => n + p.value.size, 0);
  const data = new Float64Array(t * d);
  const blocks = grad(losses, [...inputs], {
    gradOutputs: losses.map((loss, i) =>
      select(eye(t, t, { dtype: loss.value.dtype }), 0, i).reshape([t, ...loss.shape]),
    ),
    isGradsBatched: true,
    retainGraph: true,
    allowUnused: true,
  });
  let offset = 0;
  blocks.forEach((block, k) => {
    const size = inputs[k]!.value.size;
    for (let i = 0; i < t; i++) {
      data.set(block.data.subarray(i * size, (i + 1) * size) as ArrayLike<number>, i * d + offset);
    }
    offset += size;
  });
  const rows = losses.map((_, i) => data.subarray(i * d, (i + 1) * d));
  return { jacobian: new Tensor(data, [t, d]), rows, d };
}

/** The first `count` tensors (default: all), flattened into one float64 row of length d. */
export function flattenGradients(parts: readonly Tensor[], d: number, count = parts.length): Float64Array {
  const out = new Float64Array(d);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const t = parts[i]!;
    out.set(t.data as ArrayLike<number>, offset);
    offset += t.size;
  }
  return out;
}

/** ⟨a, b⟩ */
export function dot(a: Float64Array, b: Float64Array): number {
  // Four running sums: the adds do not wait on one another (about 2× faster on long rows).
  const n = Math.min(a.length, b.length);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + (s2 + s3);
}

/** The T×T Gramian G·Gᵀ of the gradient rows, row-major (`rowGramian` of the rows stacked). */
export function gramian(rows: readonly Float64Array[]): Float64Array {
  return rowGramian(stackRows(rows)).data as Float64Array;
}

/** d = Σ wᵢ·rows[i] (`rowCombination` of the rows stacked: float64 sums, a row with weight 0 skipped). */
export function weightedSum(rows: readonly Float64Array[], weights: readonly number[]): Float64Array {
  return rowCombination(stackRows(rows), weights).data as Float64Array;
}

/** The rows as one [T, d] float64 tensor. */
function stackRows(rows: readonly Float64Array[]): Tensor {
  const d = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * d);
  rows.forEach((row, i) => {
    data.set(row, i * d);
  });
  return new Tensor(data, [rows.length, d]);
}

/** Norms and pairwise cosines of the gradient rows, from their Gramian. */
export function gradientDiagnostics(
  tasks: readonly string[],
  gram: Float64Array,
): Pick<Diagnostics, 'gradNorms' | 'cosine'> {
  const t = tasks.length;
  const norms = tasks.map((_, i) => Math.sqrt(gram[i * t + i]!));
  return {
    gradNorms: Object.fromEntries(tasks.map((task, i) => [task, norms[i]!])),
    cosine: norms.map((ni, i) => norms.map((nj, j) => (ni > 0 && nj > 0 ? gram[i * t + j]! / (ni * nj) : 0))),
  };
}
