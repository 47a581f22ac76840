import { grad, type Variable } from '@mtl/autograd';
import { full, MtlError, rowGramian, Tensor } from '@mtl/tensor';
import { clipFactor } from './shared/clipFactor';
import { JacobianBuffer, rowsOf } from './shared/jacobian';
import { WeightingError } from './shared/WeightingError';
import { type BackwardContext, gradientDiagnostics, WeightingMethod } from './WeightingMethod';

/** What a method may use besides the Gramian: the tasks, their losses, the epoch. */
export interface GramianContext {
  tasks: string[];
  /** The task losses' values. */
  losses: number[];
  epoch: number | undefined;
  /** True when the gradients are those of the shared representation (summed over the batch). */
  onRepresentation: boolean;
}

/** What `direction` sees: the per-task gradients, their Gramian and the context. */
export interface AggregationInput extends GramianContext {
  /**
   * The Jacobian J: row i is task i's gradient, flattened, in the gradients' dtype ([T, d]).
   * Its buffer is reused by the next step: read it during the call only.
   */
  jacobian: Tensor;
  /** The rows of J as float64 arrays (made on first read, for methods that work on them). */
  rows: Float64Array[];
  /** The Gramian G = JJᵀ, T×T row-major, summed in float64. */
  gram: Float64Array;
}

/**
 * A combined direction — float64 values, or values of the gradients' dtype — and the weights it
 * applies to the task gradients (d = Σ wᵢgᵢ where exact).
 */
export interface Combination {
  direction: Float32Array | Float64Array;
  weights: number[];
}

/**
 * The driver of gradient-level methods. It takes the per-task gradients of the shared parameters
 * (or, when given one, of the shared representation — MGDA-UB's saving: T small backward passes
 * and one through the encoder), asks the method for a combined direction d, writes d into the
 * shared parameters' `.grad` and each task's own gradient into its head. Gradients accumulate
 * into `.grad` as backward does.
 */
export abstract class GradientAggregation extends WeightingMethod {
  readonly level = 'gradient' as const;

  /**
   * How much of its own loss's gradient each head gets (null: all of it). DB-MTL gives heads
   * ∇log(Lᵢ + ε) = ∇Lᵢ/(Lᵢ + ε), as LibMTL does.
   */
  protected headScales(_losses: readonly number[]): number[] | null {
    return null;
  }

  /**
   * The combined direction (length d) and the weight each task got. Methods that are a map from
   * the Gramian to weights extend `GramianAggregation` instead, which implements this.
   */
  protected abstract direction(input: AggregationInput): Combination;

  backward(losses: Record<string, Variable>, context: BackwardContext): Record<string, number> {
    const tasks = this.checkLosses(losses, context);
    const { rep, inputs } = this.combinedOn(context);
    const list = tasks.map((t) => losses[t]!);
    // Each task's pass also yields the gradients of the leaves it reaches without going through
    // `inputs` (its head): no second backward of Σ Lᵢ, which would walk the encoder again.
    const own = list.map((loss) => ownLeaves(loss, inputs));
    const n = inputs.reduce((k, p) => k + p.value.size, 0);
    const dtype = inputs.every((p) => p.value.dtype === 'float32') ? 'float32' : 'float64';
    // J in the gradients' dtype, one row per task, in a buffer kept across steps: no float64
    // copy of T·d numbers, and the rows as float64 only for the methods that read them.
    const jacobian = this.jacobianBuffer.get(list.length, n, dtype);
    const ownGrads: Tensor[][] = [];
    list.forEach((loss, i) => {
      const last = i === list.length - 1;
      const grads = grad(loss, [...inputs, ...own[i]!], {
        // The last pass may free the graph, unless rep.backward below still needs the encoder's.
        retainGraph: !last || rep !== null,
        allowUnused: true,
      });
      let offset = i * n;
      for (let k = 0; k < inputs.length; k++) {
        jacobian.data.set(grads[k]!.data, offset);
        offset += grads[k]!.size;
      }
      ownGrads.push(grads.slice(inputs.length));
    });
    const gram = rowGramian(jacobian).data as Float64Array;
    const values = list.map((l) => l.item());
    let rows: Float64Array[] | undefined;
    const { direction, weights } = this.direction({
      tasks,
      jacobian,
      get rows() {
        rows ??= rowsOf(jacobian);
        return rows;
      },
      gram,
      losses: values,
      epoch: context.epoch,
      onRepresentation: rep !== null,
    });
    this.requireFinite(direction);
    // Heads: each gets its own task's gradient (scaled, for DB-MTL); a leaf reached by several
    // tasks gets the sum, as a backward of Σ Lᵢ would give it.
    addHeadGradients(own, ownGrads, this.headScales(values));
    if (rep !== null) {
      rep.backward(new Tensor(asDtype(direction, rep.value.dtype), rep.shape));
    } else {
      let offset = 0;
      for (const p of context.shared) {
        // A copy: .grad may be scaled in place (clipping), and the direction may be a method's own buffer.
        const part = new Tensor(
          castLike(direction.subarray(offset, offset + p.value.size), p.value.dtype),
          p.value.shape,
        );
        p.grad = p.grad === null ? part : p.grad.add(part);
        offset += p.value.size;
      }
    }
    const record = Object.fromEntries(tasks.map((t, i) => [t, weights[i]!]));
    this.lastDiagnostics = { weights: record, ...gradientDiagnostics(tasks, gram) };
    return record;
  }

  /**
   * The backward of a step whose weights are known (a Gramian method reusing its last ones): the
   * shared parameters (or the representation) get d = Σ wᵢgᵢ from one pass — clipped to
   * `maxNorm` when given — and each head its own task's gradient from a pass over the heads
   * alone, so the step costs about an EW step. Returns the weights applied.
   */
  protected backwardWithWeights(
    losses: Record<string, Variable>,
    context: BackwardContext,
    weights: readonly number[],
    maxNorm: number | null,
  ): Record<string, number> {
    const tasks = this.checkLosses(losses, context);
    const { rep, inputs } = this.combinedOn(context);
    const list = tasks.map((t) => losses[t]!);
    const own = list.map((loss) => ownLeaves(loss, inputs));
    const heads = [...new Set(own.flat())];
    if (heads.length > 0) {
      const grads = grad(list, heads, { retainGraph: true, allowUnused: true });
      heads.forEach((leaf, j) => {
        leaf.grad = leaf.grad === null ? grads[j]!.clone() : leaf.grad.add(grads[j]!);
      });
    }
    const seeds = list.map((loss, i) => full(loss.shape, weights[i]!, { dtype: loss.value.dtype }));
    const combined = grad(list, [...inputs], {
      gradOutputs: seeds,
      retainGraph: rep !== null,
      allowUnused: true,
    });
    let clip = 1;
    if (maxNorm !== null) {
      let normSq = 0;
      for (const g of combined) {
        const data = g.data;
        for (let k = 0; k < data.length; k++) normSq += data[k]! * data[k]!;
      }
      clip = clipFactor(normSq, maxNorm);
    }
    const parts = clip === 1 ? combined : combined.map((g) => g.mul(clip));
    for (const part of parts) this.requireFinite(part.data as ArrayLike<number>);
    if (rep !== null) rep.backward(parts[0]!);
    else {
      context.shared.forEach((p, i) => {
        p.grad = p.grad === null ? parts[i]!.clone() : p.grad.add(parts[i]!);
      });
    }
    const record = Object.fromEntries(tasks.map((t, i) => [t, clip * weights[i]!]));
    this.lastDiagnostics = { weights: record };
    return record;
  }

  /** J's buffer, kept across steps. */
  private readonly jacobianBuffer = new JacobianBuffer();

  /** Where the gradients are combined: the representation when given, else the shared parameters. */
  private combinedOn(context: BackwardContext): { rep: Variable | null; inputs: readonly Variable[] } {
    const rep = context.representation ?? null;
    if (this.needsRepresentation && rep === null) {
      throw new WeightingError(
        `${this.name}: works on the shared representation; pass { representation: model.representation }`,
      );
    }
    if (this.needsParameters && rep !== null) {
      throw new WeightingError(
        `${this.name}: keeps an average of parameter gradients across steps; give it the shared parameters, not a representation`,
      );
    }
    if (rep === null && context.shared.length === 0) {
      throw new WeightingError(
        `${this.name}: no shared parameters and no representation to combine gradients on`,
      );
    }
    return { rep, inputs: rep === null ? context.shared : [rep] };
  }

  private requireFinite(direction: ArrayLike<number>): void {
    if (allFinite(direction)) return;
    const i = Array.prototype.findIndex.call(direction, (v: number) => !Number.isFinite(v));
    throw new MtlError(
      `${this.name}: the combined gradient is not finite (element ${i} is ${direction[i]}) — check the losses and the learning rate`,
    );
  }
}

/**
 * Adds each task's own-leaf gradients (times its scale, when given) into `.grad`: summed per leaf
 * in one buffer of its own (the engine's gradients may be shared, so none is added into), then
 * added to `.grad` once.
 */
function addHeadGradients(own: Variable[][], ownGrads: Tensor[][], scales: number[] | null): void {
  const headSums = new Map<Variable, Tensor>();
  own.forEach((leaves, i) => {
    const scale = scales === null ? 1 : scales[i]!;
    leaves.forEach((leaf, j) => {
      const g = ownGrads[i]![j]!;
      const sum = headSums.get(leaf);
      if (sum === undefined || sum.dtype !== g.dtype || sum.size !== g.size) {
        const first = scale === 1 ? g.clone() : g.mul(scale);
        headSums.set(leaf, sum === undefined ? first : sum.add(first));
        return;
      }
      const s = sum.data;
      const d = g.data;
      if (scale === 1) for (let k = 0; k < s.length; k++) s[k]! += d[k]!;
      else for (let k = 0; k < s.length; k++) s[k]! += scale * d[k]!;
    });
  });
  for (const [leaf, sum] of headSums) leaf.grad = leaf.grad === null ? sum : leaf.grad.add(sum);
}

/** Whether every element is finite: 0·x is 0 for finite x and NaN otherwise (two sums, so the adds overlap). */
function allFinite(values: ArrayLike<number>): boolean {
  let even = 0;
  let odd = 0;
  let i = 0;
  for (; i + 2 <= values.length; i += 2) {
    even += 0 * values[i]!;
    odd += 0 * values[i + 1]!;
  }
  if (i < values.length) even += 0 * values[i]!;
  return even + odd === 0;
}

/**
 * The leaves that require grad and that `loss` reaches without passing through `stops` (nor
 * being one of them): the parameters only this loss's own path uses, in first-seen order.
 */
function ownLeaves(loss: Variable, stops: readonly Variable[]): Variable[] {
  const stop = new Set(stops);
  const seen = new Set<Variable>();
  const leaves: Variable[] = [];
  const stack: Variable[] = [loss];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (seen.has(v) || stop.has(v)) continue;
    seen.add(v);
    if (v.node === null) {
      if (v.requiresGrad) leaves.push(v);
      continue;
    }
    for (const input of v.node.inputs) if (input?.requiresGrad) stack.push(input);
  }
  return leaves;
}

/** The values as an array of `dtype`: themselves when they already are one, else a copy. */
function asDtype(values: Float32Array | Float64Array, dtype: Tensor['dtype']): Float32Array | Float64Array {
  return (dtype === 'float64' ? values instanceof Float64Array : values instanceof Float32Array)
    ? values
    : castLike(values, dtype);
}

function castLike(values: ArrayLike<number>, dtype: Tensor['dtype']): Float32Array | Float64Array {
  // A copy by set(): TypedArray.from would walk the values through the iterator protocol.
  const out = dtype === 'float64' ? new Float64Array(values.length) : new Float32Array(values.length);
  out.set(values);
  return out;
}
