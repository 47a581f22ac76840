import { grad, type Parameter, type Variable } from '@mtl/autograd';
import { MtlError, type Tensor } from '@mtl/tensor';

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

  abstract backward(losses: Record<string, Variable>, context: BackwardContext): Record<string, number>;

  /** Learnable parameters of the method itself (UW's log-variances, …), to give to an optimizer. */
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

  /** Checks the losses: at least one, each a scalar, finite (a NaN loss names its task). */
  protected checkLosses(losses: Record<string, Variable>, context: BackwardContext): string[] {
    const tasks = Object.keys(losses);
    if (tasks.length === 0) throw new MtlError(`${this.name}.backward: no losses given`);
    for (const task of tasks) {
      const loss = losses[task]!;
      if (loss.size !== 1) {
        throw new MtlError(
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
 * float64 matrix (how every gradient-level method sees them). The graph is kept for the caller.
 */
export function taskGradients(
  losses: readonly Variable[],
  inputs: readonly Variable[],
): { rows: Float64Array[]; d: number } {
  const d = inputs.reduce((n, p) => n + p.value.size, 0);
  const rows = losses.map((loss) => {
    const grads = grad(loss, [...inputs], { retainGraph: true, allowUnused: true });
    return flattenGradients(grads, d);
  });
  return { rows, d };
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

/** The T×T Gramian G·Gᵀ of the gradient rows, row-major. */
export function gramian(rows: readonly Float64Array[]): Float64Array {
  const t = rows.length;
  const g = new Float64Array(t * t);
  for (let i = 0; i < t; i++) {
    for (let j = i; j < t; j++) {
      const v = dot(rows[i]!, rows[j]!);
      g[i * t + j] = v;
      g[j * t + i] = v;
    }
  }
  return g;
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
