import { Tensor, zeros } from '@mtl/tensor';
import { type BackwardOptions, fitTo, topologicalOrder } from './engine';
import type { Node } from './Node';
import type { Primitive, Rule, SavedContext } from './primitives';
import { rules } from './rules/index';
import type { Variable } from './Variable';

/**
 * A variable's T gradients, one per row of the seeds; undefined where a row gives it none (a
 * task's head gets nothing from the other tasks' rows).
 */
type Rows = (Tensor | undefined)[];

/**
 * `runBackward` for T gradients at once (PyTorch's `is_grads_batched`): each seed is
 * [T, ...root shape], and each target gets [T, ...its shape], row i being what seed row i gives.
 * One walk of the graph for all T — the per-task gradients of multi-task learning, where loss
 * i's seed is 1 in row i and 0 elsewhere.
 *
 * Rows are kept apart and each rule runs once per non-zero row: a task's head is walked for its
 * own row alone, the shared part once per row. (Stacking the rows into one [T·B, …] product per
 * layer does the same arithmetic, and measured slower here: its T-times-larger buffers leave the
 * cache, while one row's stay in it from one rule to the next.)
 */
export function runBatchedBackward(
  roots: readonly Variable[],
  seeds: readonly Tensor[],
  isTarget: (v: Variable) => boolean,
  { retainGraph = false }: BackwardOptions = {},
): Map<Variable, Tensor> {
  const t = seeds[0]!.shape[0]!;
  const { order, leads } = topologicalOrder(roots, isTarget);
  const grads = new Map<Variable, Rows>();
  // Gradients this pass allocated itself (sums), which nothing else holds: added into in place.
  const owned = new Set<Tensor>();
  roots.forEach((root, i) => {
    seedRows(seeds[i]!).forEach((g, r) => {
      if (g !== undefined) accumulate(grads, owned, root, r, g, t);
    });
  });
  const ran: Node[] = [];
  for (let i = order.length - 1; i >= 0; i--) {
    const variable = order[i]!;
    const node = variable.node;
    const rows = grads.get(variable);
    if (node === null || rows === undefined) continue;
    const inputs = node.inputs;
    const needsGrad = inputs.map((input) => input !== null && leads.has(input));
    if (needsGrad.some(Boolean)) {
      const saved = { ...node.saved!, needsGrad } as SavedContext<Primitive>;
      const rule = rules[node.primitive] as Rule<Primitive>;
      rows.forEach((grad, r) => {
        if (grad === undefined) return;
        // Final here, and the rule may pass it on as it is: no longer ours to add into.
        owned.delete(grad);
        const inputGrads = rule.backward(grad, saved);
        for (let k = 0; k < inputs.length; k++) {
          const input = inputs[k]!;
          const g = inputGrads[k];
          if (input === null || !needsGrad[k] || g === null || g === undefined) continue;
          accumulate(grads, owned, input, r, fitTo(g, input, node.primitive), t);
        }
      });
      ran.push(node);
    }
    if (!isTarget(variable)) grads.delete(variable);
  }
  if (!retainGraph) for (const node of ran) node.release();
  const out = new Map<Variable, Tensor>();
  for (const [v, rows] of grads) out.set(v, stack(rows, v.value));
  return out;
}

/** The seed's rows as tensors of the root's shape (copies); undefined for the all-zero ones. */
function seedRows(seed: Tensor): Rows {
  const t = seed.shape[0]!;
  const n = seed.size / t;
  const data = seed.data;
  return Array.from({ length: t }, (_, r) => {
    for (let j = r * n; j < (r + 1) * n; j++) {
      if (data[j] !== 0) return new Tensor(data.slice(r * n, (r + 1) * n), seed.shape.slice(1), seed.dtype);
    }
    return undefined;
  });
}

/** Adds `g` (fitted to v) to row r of v's gradients: in place into a sum this pass owns. */
function accumulate(
  grads: Map<Variable, Rows>,
  owned: Set<Tensor>,
  v: Variable,
  r: number,
  g: Tensor,
  t: number,
): void {
  let rows = grads.get(v);
  if (rows === undefined) {
    rows = new Array<Tensor | undefined>(t);
    grads.set(v, rows);
  }
  const current = rows[r];
  if (current === undefined) {
    rows[r] = g;
    return;
  }
  const sum = owned.has(current) ? current : current.clone();
  owned.add(sum);
  const s = sum.data;
  const d = g.data;
  for (let i = 0; i < d.length; i++) s[i]! += d[i]!;
  rows[r] = sum;
}

/** The rows as one [T, ...shape] tensor of `like`'s dtype, zeros where a row has none. */
function stack(rows: Rows, like: Tensor): Tensor {
  const all = zeros([rows.length, ...like.shape], { dtype: like.dtype });
  rows.forEach((g, r) => {
    if (g !== undefined) all.data.set(g.data, r * like.size);
  });
  return all;
}
